"""Where a request stands on its kind's path, read from the append-only event log.

The log, not the current state, is the record: a step's data (the risk level, the approval)
cannot be edited afterwards, and the path survives a detour through the core's states.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import Event, ServiceRequest
from plugins.network_security.kinds import INCIDENT, RULE_FIELDS
from plugins.network_security.workflow import TRANSITIONS

OWN_STEPS = frozenset(t.name for t in TRANSITIONS)

#: After each step, the step the path waits for next.
NEXT_STEP = {
    "assess_risk": "approve_change",
    "approve_change": "implement_change",
    "implement_change": "verify_change",
    "fail_verification": "implement_change",
    "verify_change": "keep_until_end_date",  # only for a temporary rule
    "keep_until_end_date": "remove_temporary_rule",
    "isolate_host": "clean_host",
    "clean_host": "verify_clean",
    "reinfection_found": "clean_host",
    "contain_incident": "eradicate_incident",
    "vendor_analysis_back": "eradicate_incident",
    "eradicate_incident": "recover_incident",
    "assess_vulnerability": "patch_vulnerability",  # only when affected
    "vendor_fix_back": "patch_vulnerability",
    "patch_vulnerability": "verify_fix",
    "fix_failed": "patch_vulnerability",
}
#: Steps after which nothing is left half-done.
FINISHING_STEPS = frozenset({
    "reject_change", "remove_temporary_rule", "verify_clean", "recover_incident", "verify_fix",
})


def path(session: Session, request: ServiceRequest) -> list[Event]:
    """The events of this plugin's steps since the request was filed or last reopened."""
    events = session.scalars(
        select(Event)
        .where(Event.request_id == request.id, Event.kind == "transition")
        .order_by(Event.id)
    ).all()
    steps: list[Event] = []
    for ev in events:
        name = ev.data.get("transition")
        if name == "reopen":
            steps = []
        elif name in OWN_STEPS:
            steps.append(ev)
    return steps


def last(session: Session, request: ServiceRequest, name: str) -> Event | None:
    """The latest event of step ``name`` on the current path, if any."""
    found = [ev for ev in path(session, request) if ev.data.get("transition") == name]
    return found[-1] if found else None


def next_step(session: Session, request: ServiceRequest) -> str | None:
    """The step the work waits for, or None when it has not started or is finished."""
    steps = path(session, request)
    if not steps:
        return None
    ev = steps[-1]
    name = ev.data["transition"]
    if name in FINISHING_STEPS:
        return None
    if name == "verify_change" and not request.details.get("temporary"):
        return None
    if name == "assess_vulnerability" and ev.data.get("exposure") == "not_affected":
        return None
    if name in ("raise_to_vendor", "update_vendor"):
        kind = request.details.get("kind")
        return "vendor_analysis_back" if kind == INCIDENT else "vendor_fix_back"
    return NEXT_STEP.get(name)


def rule_edits_since(session: Session, request: ServiceRequest, after: Event) -> list[str]:
    """Names of the firewall rule's fields edited after the event ``after``."""
    edits = session.scalars(
        select(Event)
        .where(Event.request_id == request.id, Event.kind == "updated", Event.id > after.id)
        .order_by(Event.id)
    ).all()
    changed: list[str] = []
    for ev in edits:
        old, new = (ev.changes.get("details") or [None, None])[:2]
        for name in RULE_FIELDS:
            if (old or {}).get(name) != (new or {}).get(name) and name not in changed:
                changed.append(name)
    return changed
