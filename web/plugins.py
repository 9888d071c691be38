"""Plugins in the web app: their blueprints (gated by the enabled flag), menu entries, panels."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, abort, request
from markupsafe import Markup

from hdcore import ServiceRequest, User
from web import hookspecs
from web.context import db, host


@dataclass(frozen=True)
class PluginMenuItem:
    """A main-menu entry a plugin adds."""

    endpoint: str
    label: str
    roles: frozenset[str] = frozenset({"technician", "lead", "manager", "admin"})


@dataclass(frozen=True)
class Panel:
    """A box on the request page: a title and HTML the plugin rendered (escape what you put in)."""

    title: str
    html: Markup
    #: ``main`` (beside the history) or ``side`` (under the details).
    place: str = "side"
    plugin: str = field(default="", compare=False)


def init_app(app: Flask) -> None:
    """Declare the web hooks, register plugin blueprints and gate them by the enabled flag."""
    plugin_host = app.extensions["helpdesk"].host
    plugin_host.add_hookspecs(hookspecs)
    owners: dict[str, str] = {}
    for plugin_name, blueprints in plugin_host.call_all("hd_web_blueprints"):
        for bp in blueprints:
            app.register_blueprint(bp)
            owners[bp.name] = plugin_name
    app.extensions["hd_blueprint_owners"] = owners

    @app.before_request
    def _gate_plugin_pages() -> None:
        owner = owners.get(request.blueprint or "")
        if owner and not host().is_enabled(db(), owner):
            abort(404)


def menu_items() -> list[PluginMenuItem]:
    """Menu entries of the enabled plugins."""
    return [item for items in host().call_runtime(db(), "hd_web_menu_items") for item in items]


def request_panels(req: ServiceRequest, viewer: User) -> list[Panel]:
    """Panels the enabled plugins add to ``req``'s page for ``viewer``."""
    return [p for panels in host().call_runtime(db(), "hd_web_request_panels", request=req,
                                               viewer=viewer) if panels for p in panels]
