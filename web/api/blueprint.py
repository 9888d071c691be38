"""The API's blueprint class: flask-smorest's, with our parser, error shape and documented
failures."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g
from flask_smorest import Blueprint

from web.api import auth, errors, parsing
from web.api.parsing import ApiParser
from web.api.schemas import ErrorSchema

#: What each documented failure means, for the OpenAPI document.
FAILURES = {
    400: "Malformed JSON, or a malformed If-Match header.",
    401: "No token, or a token that is unknown, expired or revoked (WWW-Authenticate: Bearer).",
    403: "The user may not do this.",
    404: "No such object, or not one the user may see.",
    409: "A stale version, a step the workflow refuses now (see `allowed`), or a conflict.",
    422: "Input refused; `fields` names each bad field and why.",
    428: "If-Match is missing.",
    429: "Too many failed sign-ins for this user name or from this address (see Retry-After).",
}

def header(description: str) -> dict[str, Any]:
    """An answer header every such answer carries, for the OpenAPI document."""
    return {"description": description, "required": True, "schema": {"type": "string"}}


IF_MATCH = {
    "in": "header", "name": "If-Match",
    "schema": {"type": "string", "pattern": '^(W/)?("[0-9]{1,9}"|[0-9]{1,9})$'},
    "description": 'The version the change is based on, as its ETag (e.g. "3").',
}


class ApiBlueprint(Blueprint):
    """A part of the API: JSON errors, the caller's language, a bearer token unless public."""

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, name: str, import_name: str, *, tag: str, public: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(name, import_name, **kwargs)
        self.tag = tag
        errors.install(self)
        auth.guard(self, public=public)

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None,
              **options: Any) -> Callable[[Any], Any]:
        """Register a view, tagged with this blueprint's tag in the OpenAPI document."""
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    def fails(self, *codes: int) -> Callable[[Any], Any]:
        """Document the error answers a view may give (in the one error shape)."""

        def decorate(view: Any) -> Any:
            for code in sorted(codes, reverse=True):
                view = self.alt_response(code, schema=ErrorSchema,
                                         description=FAILURES[code])(view)
            return view

        return decorate

    def if_match(self, *, required: bool) -> Callable[[Any], Any]:
        """Read (before the body) and document the If-Match header; see :func:`seen_version`.

        Missing while ``required``: 428; not a version: 400.
        """

        def decorate(view: Any) -> Any:
            @functools.wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                g.api_if_match = parsing.if_match(required=required)
                return view(*args, **kwargs)

            return self.doc(parameters=[{**IF_MATCH, "required": required}])(wrapper)

        return decorate


def seen_version() -> int | None:
    """The version the client's If-Match names (None when it sent none)."""
    return g.get("api_if_match")
