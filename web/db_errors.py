"""The database out of reach: 503 pages and API answers that say so, and recovery without a restart.

When the database cannot be reached (the server is down or refuses connections, the SQLite
file cannot be opened, or it stays locked beyond the busy timeout) every page answers 503 with
a page saying so in the user's language, every API call the API's JSON error
(``database_unavailable``), both with ``Retry-After``. Nothing here touches the database
again: the person is shown as signed out on that one page, and the language comes from the
browser. The engine's pool is emptied after a lost connection, and PostgreSQL's connections
are pinged before use, so the first request after the database returns is served normally.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template
from flask_babel import get_locale, gettext
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.wrappers import Response

from hdcore import lazy_gettext as _l
from hdcore import use_locale
from hdcore.db import unreachable

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 15

#: Errors that mean the database is out of reach rather than that a statement is wrong.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)

MESSAGE = _l("The help desk cannot reach its database at the moment. Nothing you sent in "
             "this moment was saved; please try again in a minute.")


def is_lost_connection(exc: BaseException) -> bool:
    """Whether ``exc`` says a connection is gone (as opposed to a lock held too long)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return "locked" not in str(getattr(exc, "orig", exc)).lower()


def init_app(app: Flask) -> None:
    """Answer 503 to every request the database cannot serve."""
    for error in UNAVAILABLE:
        app.register_error_handler(error, unavailable)


def unavailable(exc: Exception) -> Response | tuple[str, int, dict[str, str]]:
    """The 503 answer: the API's JSON error under ``/api/``, else the HTML page."""
    from web.api.errors import ApiError, is_api_request, respond
    from web.i18n import browser_locale

    if not unreachable(exc):
        raise exc  # a mistake in a statement: the server error it is (logged, 500)
    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
    # Whoever was signed in cannot be looked up now: anonymous for this answer, so that
    # neither the page's header nor the language selector asks the database again.
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    if is_lost_connection(exc):
        # Connections to a database that went away are useless; new ones are made on demand.
        current_app.extensions["helpdesk"].engine.dispose()
    headers = {"Retry-After": str(RETRY_AFTER)}
    if is_api_request():
        g.api_locale = g.get("api_locale") or browser_locale()
        return respond(ApiError(503, "database_unavailable", MESSAGE, headers=headers))
    with use_locale(str(get_locale())):  # the core's lazy text, in the page's language
        message = str(MESSAGE)
    html = render_template("errors/503.html", status=503,
                           title=gettext("Temporarily unavailable"), message=message)
    return html, 503, headers
