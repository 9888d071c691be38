"""The web layer's hooks: pages, menu entries and request-page panels a plugin can add.

They use the same ``hookimpl`` marker as the domain hooks (``from hdcore import hookimpl``).
Everything a plugin adds here is switched off with the plugin: its pages answer 404, its
menu entries and panels disappear, at once and without a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

from hdcore.hookspecs import PROJECT

if TYPE_CHECKING:
    import click
    from flask import Blueprint

    from hdcore import ServiceRequest, User
    from web.plugins import Panel, PluginMenuItem

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def hd_web_blueprints() -> list[Blueprint]:
    """Return Flask blueprints with the plugin's own pages.

    Called once when the app is created (Flask cannot add routes later). While the plugin is
    disabled, every route of these blueprints answers 404.
    """


@hookspec
def hd_web_menu_items() -> list[PluginMenuItem]:
    """Return entries for the main menu (endpoint, label, roles that see it).

    Asked on every page of enabled plugins only.
    """


@hookspec
def hd_web_request_panels(request: ServiceRequest, viewer: User) -> list[Panel] | None:
    """Return panels to show on a request's page for ``viewer`` (staff or requester).

    Called on enabled plugins when a request page is drawn; return None for requests that are
    not yours (check ``request.category``) or viewers who should not see the panel.
    """


@hookspec
def hd_cli_commands() -> list[click.Command]:
    """Return click commands added to the ``helpdesk`` command line (under ``helpdesk``)."""
