"""Fixtures shared by every test level come from the plugin test kit, as for any plugin.

The kit (``hdcore.testing.pytest_plugin``, loaded through the ``pytest11`` entry point) gives
each test a fresh database (SQLite in a temporary folder and, for the parametrised
``database_url``, a new PostgreSQL database on a server the test set-up starts), a help desk
built by the migrations with every installed plugin, a ``session`` and ``people``: ``employee``
(Zhang Wei, Finance), ``other`` (an employee in Sales), ``head`` (head of Finance), ``tech``
(Li Na, group *Applications*), ``tech2`` (Zhao Lei, group *Infrastructure*), ``lead``,
``manager``, ``admin``. Here: the real SMTP server of the mail tests and the session's Chromium.
"""

from __future__ import annotations

import os

# Accounts are made by the hundred in tests; argon2's cheapest profile keeps that fast.
# Set before hdcore is imported, since the hasher is built at import.
os.environ.setdefault("HELPDESK_FAST_HASHING", "1")

pytest_plugins = ["tests.smtp", "tests.chromium"]
