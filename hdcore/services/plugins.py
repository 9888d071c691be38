"""Switching plugins on and off at run time, and their settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.errors import PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import PluginState, User, utcnow
from hdcore.services.base import host_of, service


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
    state.changed_at = utcnow()
    state.changed_by = actor.username if actor else "cli"
    session.add(state)
    signals.emit(session, signals.plugin_toggled, "set_plugin_enabled", plugin=name,
                 enabled=enabled, actor_id=actor.id if actor else None)
    return state
