"""Plugin versions: moving requests out of the states a new version of a workflow removed.

A plugin declares its ``version`` (a class attribute of :class:`~hdcore.HelpdeskPlugin`) and,
through the ``hd_state_moves`` hook, a :class:`StateMove` for each state an earlier version had
and this one dropped: requests of that category still in the old state go to the new one.
``helpdesk db upgrade`` runs :func:`apply_plugin_versions` after the schema migrations: every
move whose ``since`` is newer than the version recorded for the plugin is applied, each moved
request gets a ``state_moved`` event in its history, and the plugin's version is recorded in
``plugin_version``. Running it again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from hdcore.i18n import lazy_gettext as _
from hdcore.models import PluginVersion, ServiceRequest
from hdcore.models.base import utcnow

if TYPE_CHECKING:
    from hdcore.app import HelpDesk
    from hdcore.doctor import Finding
    from hdcore.workflow import Workflow

STATE_MOVED = "state_moved"


@dataclass(frozen=True)
class StateMove:
    """Requests of ``category`` still in ``old_state`` move to ``new_state``.

    ``since`` is the plugin version that removed ``old_state``; ``reason`` is shown in each
    moved request's history.
    """

    category: str
    old_state: str
    new_state: str
    since: str
    reason: str = ""


@dataclass
class VersionReport:
    """What an upgrade did for one plugin."""

    plugin: str
    old_version: str | None
    new_version: str
    moved: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        moved = sum(self.moved.values())
        before = self.old_version or "-"
        return f"plugin {self.plugin} {before} -> {self.new_version} ({moved} request(s) moved)"


def version_key(version: str) -> tuple[int, ...]:
    """A sortable key of a version such as ``1.10.2`` (its numbers, in order)."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def moves_of(plugin: object) -> list[StateMove]:
    """The state moves a plugin declares (empty if it implements no ``hd_state_moves``)."""
    hook = getattr(plugin, "hd_state_moves", None)
    return list(hook() or []) if callable(hook) else []


def check_moves(name: str, plugin: object, workflows: dict[str, Workflow]) -> list[Finding]:
    """Doctor findings: moves must leave a removed state for an existing one of the plugin's."""
    from hdcore.doctor import ERROR, WARNING, Finding

    out: list[Finding] = []
    version = str(getattr(plugin, "version", "0"))
    for move in moves_of(plugin):
        wf = workflows.get(move.category)
        values = {"category": move.category, "old": move.old_state, "new": move.new_state,
                  "since": move.since, "version": version}
        if wf is None:
            out.append(Finding(ERROR, name, "versions", _(
                "a state move names category %(category)s, which does not exist") % values))
            continue
        if move.old_state in wf.states:
            out.append(Finding(ERROR, name, "versions", _(
                "the move from %(old)s in %(category)s names a state the workflow still has"
            ) % values))
        if move.new_state not in wf.states:
            out.append(Finding(ERROR, name, "versions", _(
                "the move from %(old)s in %(category)s leads to %(new)s, which the workflow "
                "does not have") % values))
        if version_key(move.since) > version_key(version):
            out.append(Finding(WARNING, name, "versions", _(
                "the move from %(old)s in %(category)s is for version %(since)s, newer than the "
                "plugin's version %(version)s (it is applied anyway)") % values))
    return out


def apply_plugin_versions(helpdesk: HelpDesk) -> list[VersionReport]:
    """Apply every pending state move and record each plugin's version; what changed.

    One transaction: a move that cannot be made (its old state still in the workflow, its
    target missing) stops the upgrade with nothing moved. A move is applied when no version of
    the plugin is recorded yet or its ``since`` is newer than the recorded one.
    """
    from hdcore.doctor import ERROR
    from hdcore.errors import PluginError
    from hdcore.services.base import record

    host = helpdesk.host
    reports: list[VersionReport] = []
    with helpdesk.session_scope() as session:
        for plugin in host.plugins():
            if plugin.essential:
                continue
            workflows = {c.name: host.workflow(c.name) for c in host.categories()}
            errors = [f for f in check_moves(plugin.name, plugin, workflows)
                      if f.severity == ERROR]
            if errors:
                raise PluginError(f"plugin {plugin.name!r}: {errors[0].message}")
            row = session.get(PluginVersion, plugin.name)
            recorded = row.version if row is not None else None
            report = VersionReport(plugin.name, recorded, plugin.version)
            for move in moves_of(plugin):
                if recorded is not None and version_key(move.since) <= version_key(recorded):
                    continue
                stuck = session.scalars(select(ServiceRequest).where(
                    ServiceRequest.category == move.category,
                    ServiceRequest.status == move.old_state,
                ).order_by(ServiceRequest.id)).all()
                for req in stuck:
                    req.status = move.new_state
                    record(session, req, None, STATE_MOVED,
                           {"status": [move.old_state, move.new_state]},
                           {"plugin": plugin.name, "version": plugin.version,
                            "reason": str(move.reason)})
                if stuck:
                    report.moved[f"{move.category}:{move.old_state}"] = len(stuck)
            if recorded != plugin.version or report.moved:
                if row is None:
                    session.add(PluginVersion(name=plugin.name, version=plugin.version))
                else:
                    row.version, row.applied_at = plugin.version, utcnow()
                reports.append(report)
        session.commit()
    return reports
