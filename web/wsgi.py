"""The WSGI entry point for production servers: ``gunicorn 'web.wsgi:app'``.

The application reads its settings from the environment (``HELPDESK_DATABASE_URL``,
``HELPDESK_HOME``, ``HELPDESK_SECRET_KEY`` ...; see the README). Every server process builds
its own engine and plugin host when it imports this module, after gunicorn forks it (do not
use ``--preload``: a database connection must not cross a fork).
"""

from __future__ import annotations

from web.app import create_app

app = create_app()
