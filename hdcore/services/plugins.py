"""Switching plugins on and off at run time, and their settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.errors import PermissionDenied, ValidationFailed
from hdcore.host import forget_plugin_state
from hdcore.i18n import _
from hdcore.models import PluginState, User, utcnow
from hdcore.services.base import host_of, load, service, to_json


@service
def set_plugin_enabled(session: Session, actor: User | None, name: str,
                       enabled: bool) -> PluginState:
    """Enable or disable the plugin ``name`` for every process at once (no restart).

    ``actor`` None is the operator at the command line. Essential plugins cannot be disabled.
    """
    host = host_of(session)
    plugin = host.plugin(name)
    if actor is not None and not host.has_permission(actor, "core.manage_plugins"):
        raise PermissionDenied(str(_("Only an administrator can switch plugins.")))
    if plugin.essential and not enabled:
        raise ValidationFailed({"name": [str(_("This plugin is essential and cannot be "
                                               "disabled."))]})
    state = session.get(PluginState, name) or PluginState(name=name, settings={})
    state.enabled = enabled
    forget_plugin_state(session)
    state.changed_at = utcnow()
    state.changed_by = actor.username if actor else "cli"
    session.add(state)
    signals.emit(session, signals.plugin_toggled, "set_plugin_enabled", plugin=name,
                 enabled=enabled, actor_id=actor.id if actor else None)
    return state


@service
def set_plugin_settings(session: Session, actor: User | None, name: str,
                        settings: Mapping[str, Any]) -> dict[str, Any]:
    """Save the plugin ``name``'s settings, validated by its ``settings_schema``.

    ``settings`` is the whole set: fields left out take the schema's defaults. Every bad field
    is reported at once; the saved values are what ``host.plugin_settings`` then answers
    (read at use, so every process sees them at once).
    """
    host = host_of(session)
    plugin = host.plugin(name)
    if actor is not None and not host.has_permission(actor, "core.manage_plugins"):
        raise PermissionDenied(str(_("Only an administrator can change plugin settings.")))
    schema = plugin.settings_schema
    if schema is None:
        raise ValidationFailed({"_schema": [str(_("This plugin has no settings."))]})
    loaded, errors = load(schema, settings)
    if errors:
        raise ValidationFailed(errors)
    state = session.get(PluginState, name) or PluginState(name=name, enabled=True)
    state.settings = to_json(schema, loaded)
    state.changed_at = utcnow()
    state.changed_by = actor.username if actor else "cli"
    session.add(state)
    session.flush()
    return host.plugin_settings(session, name)
