"""Per-request access to the help desk: the HelpDesk, its plugin host and a database session."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from hdcore import HelpDesk, PluginHost
from hdcore.db import begin_for_writing

#: Methods that do not change anything.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Where the REST API lives (see ``web.api``).
API_PATH = "/api/"
#: Forms whose writes all go through services (which take SQLite's write lock themselves):
#: signing in checks a password hash for a while and must not hold the lock meanwhile.
WRITES_IN_SERVICES = frozenset({"auth.login"})


def helpdesk() -> HelpDesk:
    """The application's HelpDesk."""
    return current_app.extensions["helpdesk"]


def host() -> PluginHost:
    """The application's plugin host."""
    return helpdesk().host


def db() -> Session:
    """The request's database session, opened on first use and closed at teardown."""
    if "hd_session" not in g:
        g.hd_session = helpdesk().session()
        if (has_request_context() and request.method not in SAFE_METHODS
                and not request.path.startswith(API_PATH)
                and request.endpoint not in WRITES_IN_SERVICES):
            # A form that reads first and then writes (signing in, a view loading the
            # request) must not be refused by SQLite for upgrading a read snapshot under
            # load. The API writes only through services, which take the lock themselves:
            # holding it from the token check on would queue its reads behind the writers.
            begin_for_writing(g.hd_session)
    return g.hd_session


def reports_db() -> Session:
    """The request's session for reports and dashboards: on the read replica when one is
    configured (see ``HELPDESK_REPORTS_DATABASE_URL``), else the request's own session."""
    hd = helpdesk()
    if hd.report_sessions is hd.sessions:
        return db()
    if "hd_report_session" not in g:
        g.hd_report_session = hd.report_session()
    return g.hd_report_session


def close_session(exc: BaseException | None = None) -> None:
    """Close the request's sessions (teardown); uncommitted work is rolled back."""
    for name in ("hd_session", "hd_report_session"):
        session = g.pop(name, None)
        if session is not None:
            session.close()
