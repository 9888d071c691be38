"""The REST API under ``/api/v1``: flask-smorest on the services, bearer tokens, JSON errors.

Views parse the input, call one service and serialise the result; the OpenAPI document is
built from the same marshmallow schemas that check the input.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from web.api import auth, docs, errors
from web.api.schemas import ErrorSchema

API_VERSION = "1"
DESCRIPTION = """\
The IT help desk's REST API: categories, service requests, their workflow steps, comments,
tasks and history. Every call but `POST /api/v1/auth/token` needs `Authorization: Bearer
<token>`; a token comes from that call or from `helpdesk token create USER`. Errors always
have the shape `{"error": {"status", "code", "message", "fields"?, "allowed"?}}`, with the
message in the language of `Accept-Language` (else the user's own setting).
"""


class HelpdeskApi(Api):
    """flask-smorest's Api, leaving error pages outside the API to the HTML layer."""

    ERROR_SCHEMA = ErrorSchema
    #: Each operation documents the errors it gives; no catch-all "default" answer.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        # flask-smorest would answer every HTTP error of the whole site in its own JSON (and
        # drop the Allow header of a 405); the API's blueprints install their own handlers.
        pass


def init_app(app: Flask) -> None:
    """Mount the API on ``app``: its blueprints, its documents, CSRF exemption, errors."""
    app.config.setdefault("API_TITLE", "IT help desk")
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    api = HelpdeskApi(app, spec_kwargs={
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "A token from POST /api/v1/auth/token or `helpdesk token create`.",
    })

    # ``actions`` adds its routes to the requests blueprint: imported before it is registered.
    from web.api import actions, categories, requests, tasks, tokens  # noqa: F401

    parts: list[Any] = [tokens.bp, categories.bp, requests.bp, tasks.bp]
    from web.api import kb as kb_api

    parts.append(kb_api.bp)
    from web.api import vendors as vendors_api

    parts.append(vendors_api.bp)
    from web.api import assets as assets_api

    parts.append(assets_api.bp)
    csrf = app.extensions.get("csrf")
    for bp in parts:
        api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    if csrf is not None:  # bearer tokens, never cookies: nothing for CSRF to protect
        for bp in [*parts, docs.bp]:
            csrf.exempt(bp)
    app.extensions["hd_api"] = api
    app.extensions["hd_api_tags"] = [{"name": bp.tag, "description": bp.description}
                                     for bp in parts]
    auth.init_app(app)
    errors.install_for_unrouted(app)
