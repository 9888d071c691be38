"""The API's one error shape, and every error (core, HTTP, parsing) mapped onto it.

``{"error": {"status": 422, "code": "validation_failed", "message": "...",
"fields": {"details.port": ["..."]}, "allowed": ["resolve", ...]}}``: ``fields`` only when
input was refused, ``allowed`` only when a step was refused. Messages are in the request's
language (lazy strings are rendered here, never handed to the JSON encoder).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint, Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.wrappers import Response

from hdcore import (
    CategoryDisabled,
    Conflict,
    HelpdeskError,
    NotFound,
    PermissionDenied,
    TransitionRefused,
    ValidationFailed,
    use_locale,
)
from hdcore import lazy_gettext as _
from hdcore.i18n import DEFAULT_LOCALE
from hdcore.services import InvalidCredentials, InvalidToken

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
#: The challenge sent with every 401 (RFC 6750); ASCII only, so never a translated text.
BEARER_CHALLENGE = 'Bearer realm="helpdesk"'

#: The ``code`` and the message of an error that carries no message of its own.
GENERIC: dict[int, tuple[str, str]] = {
    400: ("bad_request", _("The request could not be understood.")),
    401: ("unauthorized", _("Sign in first: send the header Authorization: Bearer <token>.")),
    403: ("forbidden", _("You may not do this.")),
    404: ("not_found", _("There is nothing here, or it is not yours to see.")),
    405: ("method_not_allowed", _("This address does not take that method.")),
    406: ("not_acceptable", _("The API answers in JSON only.")),
    409: ("conflict", _("This is not possible now.")),
    413: ("too_large", _("The request is too large.")),
    415: ("unsupported_media_type", _("Send the body as JSON (Content-Type: application/json).")),
    422: ("validation_failed", _("The input was refused; see the fields.")),
    428: ("precondition_required",
          _("Send the header If-Match with the version you saw (its ETag).")),
    500: ("internal_error", _("Something went wrong on our side; the error was logged.")),
}


class ApiError(Exception):
    """An error answer of the API: the status, a stable code, a message, and its details."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None, *,
                 fields: Mapping[str, Iterable[str]] | None = None,
                 allowed: Iterable[str] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        default_code, default_message = GENERIC.get(status, (f"http_{status}", ""))
        self.status = status
        self.code = code or default_code
        self.message = message if message is not None else default_message
        self.fields = {k: [str(m) for m in v] for k, v in fields.items()} if fields else None
        self.allowed = list(allowed) if allowed is not None else None
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.code}")

    def body(self) -> dict[str, Any]:
        """The JSON body, with every message rendered as text."""
        error: dict[str, Any] = {"status": self.status, "code": self.code,
                                 "message": str(self.message)}
        if self.fields is not None:
            error["fields"] = self.fields
        if self.allowed is not None:
            error["allowed"] = self.allowed
        return {"error": error}


def is_api_request() -> bool:
    """Whether the current request is addressed to the API."""
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"a.0.b": [texts]}`` (lazy strings rendered)."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        out.setdefault(prefix or "_schema", []).extend(str(m) for m in messages)
    elif isinstance(messages, list | tuple):
        for value in messages:
            out.update(flatten(value, prefix))
    else:
        out.setdefault(prefix or "_schema", []).append(str(messages))
    return out


def _from_webargs(exc: HTTPException) -> dict[str, list[str]]:
    """The refused fields of a webargs error, without its location level (json, query)."""
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    fields: dict[str, list[str]] = {}
    for location, by_field in messages.items():
        if location == "headers" and isinstance(by_field, Mapping):
            by_field = {str(k): v for k, v in by_field.items()}
        if isinstance(by_field, Mapping):
            fields.update(flatten(by_field))
        else:
            fields.update(flatten(by_field, "_schema"))
    return fields


def _from_http(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    headers: dict[str, str] = {}
    if status == 405:
        # Keep the methods the address takes (RFC 9110 requires Allow on a 405).
        allow = dict(exc.get_headers()).get("Allow")
        if allow:
            headers["Allow"] = allow
    if status == 422:
        return ApiError(422, fields=_from_webargs(exc))
    if status == 400 and getattr(exc, "data", None):
        return ApiError(400, "malformed_json",
                        _("The body is not valid JSON (UTF-8), or is nested too deeply."))
    if status == 401:
        headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return ApiError(status, headers=headers)


def to_api_error(exc: BaseException) -> ApiError:
    """The API's answer to ``exc``."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ValidationFailed):
        return ApiError(422, fields=exc.errors)
    if isinstance(exc, InvalidToken):
        return ApiError(401, "invalid_token", str(exc),
                        headers={"WWW-Authenticate": BEARER_CHALLENGE + ', error="invalid_token"'})
    if isinstance(exc, InvalidCredentials):
        return ApiError(401, "invalid_credentials", str(exc),
                        headers={"WWW-Authenticate": BEARER_CHALLENGE})
    if isinstance(exc, PermissionDenied):
        return ApiError(403, message=str(exc) or None)
    if isinstance(exc, NotFound):
        return ApiError(404)  # the core's message names what was looked for: not for clients
    if isinstance(exc, CategoryDisabled):
        return ApiError(409, "category_disabled", str(exc))
    if isinstance(exc, TransitionRefused):
        return ApiError(409, "transition_refused", str(exc))
    if isinstance(exc, Conflict):
        return ApiError(409, "conflict", str(exc))
    if isinstance(exc, HelpdeskError):
        return ApiError(409, message=str(exc))
    if isinstance(exc, HTTPException):
        return _from_http(exc)
    log.exception("API request %s %s failed", request.method, request.path, exc_info=exc)
    return ApiError(500)


def respond(exc: BaseException) -> Response:
    """The JSON answer to ``exc``, in the request's language."""
    with use_locale(g.get("api_locale") or DEFAULT_LOCALE):
        err = to_api_error(exc)
        response = jsonify(err.body())
    response.status_code = err.status
    for name, value in err.headers.items():
        response.headers[name] = value
    return response


def install(bp: Blueprint) -> None:
    """Answer every error raised under ``bp`` in the API's shape.

    Registered for each HTTP status too: Flask prefers the application's handler for a status
    over a blueprint's handler for a whole class, and the HTML pages have such handlers.
    """
    bp.register_error_handler(HelpdeskError, respond)
    bp.register_error_handler(ApiError, respond)
    bp.register_error_handler(HTTPException, respond)
    for code in default_exceptions:
        bp.register_error_handler(code, respond)


def install_for_unrouted(app: Flask) -> None:
    """Answer JSON for API addresses that match no route (404) or not this method (405).

    Routing fails before any blueprint is known, so the application's own handlers (HTML
    pages) are wrapped: API paths get JSON, every other path what it got before.
    """
    for code in (400, 404, 405):
        exc_class = default_exceptions[code]
        previous = app.error_handler_spec[None][code].get(exc_class)

        def handler(exc: HTTPException, previous: Any = previous) -> Any:
            if is_api_request():
                return respond(exc)
            return previous(exc) if previous is not None else exc

        app.register_error_handler(code, handler)
