"""Automatic escalation: each level of the ladder fires once, when its share of a target passed.

A warning for the assignee is a ``sla_warning`` event; a level that tells the lead or the
manager raises the request's escalation level, records an ``escalated`` event with no actor
and the reason, and sends :data:`hdcore.signals.request_escalated` after the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.models import ServiceRequest
from hdcore.services.base import record
from hdcore.sla.duetime import PendingAction, SlaState
from hdcore.sla.fired import claim
from hdcore.sla.policy import ACTION_LEVEL, RESPONSE, WARN_ASSIGNEE, Level

#: Whom each notifying action is for (``data["notify"]`` of the event).
AUDIENCE = {WARN_ASSIGNEE: "assignee", "notify_lead": "lead", "notify_manager": "manager"}


def describe(level: Level, state: SlaState, zone: ZoneInfo) -> dict[str, Any]:
    """The facts of a level firing, as stored in the event (``data["sla"]``)."""
    assert state.clocks is not None
    clock = state.clocks.of(level.target)
    due = clock.due_at
    return {
        "target": level.target, "percent": level.percent,
        "after_minutes": level.after_minutes, "action": level.action,
        "target_minutes": int(clock.target.total_seconds() // 60),
        "due_at": due.isoformat() if due else None,
        "due_local": due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if due else None,
    }


def reason_text(facts: dict[str, Any]) -> str:
    """A plain sentence for the history and the notifications (the facts stay alongside)."""
    what = "first response" if facts["target"] == RESPONSE else "resolution"
    hours = facts["target_minutes"] / 60
    share = f"{facts['percent']}% of the {what} target ({hours:g} business hours)"
    if facts["after_minutes"]:
        share += f" plus {facts['after_minutes'] / 60:g} business hours"
    due = f", due {facts['due_local']}" if facts.get("due_local") else ""
    return f"Time target: {share} has passed{due}."


def fire(session: Session, request: ServiceRequest, action: PendingAction, state: SlaState,
         now: datetime) -> bool:
    """Take the level ``action`` once; False when it had already been taken."""
    level = action.level
    assert level is not None and state.policy is not None
    facts = describe(level, state, state.policy.calendar.zone)
    facts["reached_at"] = action.at.isoformat()
    if not claim(session, request.id, action.key, now, details=facts):
        return False
    reason = reason_text(facts)
    # ``target`` and ``due_at`` at the top too: what a reader of the history looks for first
    summary = {"reason": reason, "automatic": True, "notify": AUDIENCE[level.action],
               "target": level.target, "due_at": facts["due_at"], "sla": facts}
    if level.action == WARN_ASSIGNEE:
        record(session, request, None, "sla_warning",
               data={**summary, "assignee_id": request.assignee_id,
                     "group_id": request.group_id},
               public=False)
        return True
    old = request.escalation_level
    request.escalation_level = max(old, ACTION_LEVEL[level.action])
    request.escalated_at = now
    changes = ({"escalation_level": [old, request.escalation_level]}
               if request.escalation_level != old else {})
    record(session, request, None, "escalated", changes, summary)
    signals.emit(session, signals.request_escalated, "sla_sweep", request_id=request.id,
                 level=request.escalation_level, reason=reason, actor_id=None)
    return True
