"""Who calls the API: the bearer token of each request (never a session cookie), and the
language its answers are in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, request

from hdcore import User, use_locale
from hdcore import i18n as core_i18n
from hdcore import lazy_gettext as _
from hdcore import services as svc
from web.api.errors import BEARER_CHALLENGE, ApiError, is_api_request, to_api_error
from web.context import db
from web.i18n import browser_locale


def _identify(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Resolve the caller of an API request from its ``Authorization: Bearer`` header.

    Runs as a URL value preprocessor, the first hook of a request, so that the session
    cookie is never consulted: the signed-in user of the HTML pages is replaced by the
    token's user (or an anonymous one) before anything asks who is signed in.
    """
    if not is_api_request():
        return
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    g.api_user = None
    g.api_auth_error = None
    asked = browser_locale()
    header = request.headers.get("Authorization")
    if header:
        scheme, _sep, credentials = header.strip().partition(" ")
        with use_locale(asked or core_i18n.DEFAULT_LOCALE):
            if scheme.lower() != "bearer" or not credentials.strip():
                g.api_auth_error = ApiError(
                    401, "invalid_request",
                    str(_("Send the token as the header Authorization: Bearer <token>.")),
                    headers={"WWW-Authenticate": BEARER_CHALLENGE + ', error="invalid_request"'})
            else:
                try:
                    user = svc.authenticate_token(db(), credentials.strip())
                except svc.InvalidToken as exc:
                    g.api_auth_error = to_api_error(exc)
                else:
                    g.api_user = user
                    g._login_user = user
    own = getattr(g.api_user, "locale", None)
    g.api_locale = asked or (own if own in core_i18n.LOCALES else core_i18n.DEFAULT_LOCALE)


def _speak() -> None:
    """Render the core's and the API's messages in the caller's language during the request.

    (The HTML layer has already set the user's setting first; for API clients the language
    they ask for in Accept-Language comes first.)
    """
    g.api_locale_token = core_i18n.set_locale(g.get("api_locale") or core_i18n.DEFAULT_LOCALE)


def _require_user() -> None:
    """Refuse the request unless a valid bearer token came with it."""
    if g.get("api_user") is None:
        raise g.get("api_auth_error") or ApiError(
            401, headers={"WWW-Authenticate": BEARER_CHALLENGE})


def _restore(exc: BaseException | None = None) -> None:
    token = g.pop("api_locale_token", None)
    if token is not None:
        core_i18n.reset_locale(token)


def current_user() -> User:
    """The user whose token came with this request."""
    user = g.get("api_user")
    if user is None:  # a view of a public blueprint asked: a programming error
        raise ApiError(401, headers={"WWW-Authenticate": BEARER_CHALLENGE})
    return user


def guard(bp: Blueprint, *, public: bool = False) -> None:
    """Speak the caller's language under ``bp`` and, unless ``public``, require a token."""
    bp.before_request(_speak)
    if not public:
        bp.before_request(_require_user)
    bp.teardown_request(_restore)


def init_app(app: Flask) -> None:
    """Identify the caller of every API request before any other hook runs."""
    app.url_value_preprocessor(_identify)
