"""Web tests: the kit's ``app`` and signed-in ``browser`` (``web.testing``), on SQLite only."""

from __future__ import annotations

import pytest

from web.testing import Browser, csrf_of

__all__ = ["Browser", "csrf_of"]


@pytest.fixture
def database_url(tmp_path: object) -> str:
    """Web tests run on SQLite; the core's and plugins' tests cover PostgreSQL."""
    return f"sqlite:///{tmp_path}/web.db"
