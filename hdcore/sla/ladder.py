"""The reminder ladder of resolved requests: reminders, then closing by itself, then the window
in which the requester may still reopen it.

When a sweep comes late (the worker was down), only the latest step that fell due is taken:
an overdue auto-close does not send the reminders first, and a second reminder overtakes an
unsent first one; overtaken steps are registered as ``skipped`` so they never fire later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.errors import TransitionRefused
from hdcore.models import Event, ServiceRequest
from hdcore.services.base import record
from hdcore.services.system import system_transition
from hdcore.sla.duetime import AUTO_CLOSE, REMINDER, PendingAction, SlaState
from hdcore.sla.fired import REFUSED, SKIPPED, claim, set_outcome
from hdcore.sla.policy import reminders_for

#: The reason recorded when a request closes itself.
NO_RESPONSE = "no response"
AUTO_CLOSE_STEP = "auto_close"


def fire(session: Session, request: ServiceRequest, due: list[PendingAction], state: SlaState,
         now: datetime) -> int:
    """Take the latest ladder step among ``due``; how many actions were taken (0 or 1)."""
    steps = [a for a in due if a.kind in (REMINDER, AUTO_CLOSE)]
    if not steps:
        return 0
    closing = next((a for a in steps if a.kind == AUTO_CLOSE), None)
    latest = closing or max(steps, key=lambda a: a.number)
    for overtaken in steps:
        if overtaken is not latest:
            claim(session, request.id, overtaken.key, now, outcome=SKIPPED,
                  details={"overtaken_by": latest.key})
    if latest.kind == AUTO_CLOSE:
        return int(auto_close(session, request, latest, now))
    return int(remind(session, request, latest, state, now))


def remind(session: Session, request: ServiceRequest, action: PendingAction, state: SlaState,
           now: datetime) -> bool:
    """Record the reminder (the notifications turn the event into a message); once only."""
    closing = next((a for a in state.pending if a.kind == AUTO_CLOSE), None)
    facts = {
        "reminder": action.number, "of": action.of,
        "resolved_at": action.resolved_at.isoformat() if action.resolved_at else None,
        "auto_close_at": closing.at.isoformat() if closing else None,
    }
    if not claim(session, request.id, action.key, now, details=facts):
        return False
    record(session, request, None, "reminder_sent", data={**facts, "automatic": True,
                                                          "requester_id": request.requester_id})
    return True


def auto_close(session: Session, request: ServiceRequest, action: PendingAction,
               now: datetime) -> bool:
    """Close the silent request by the system with the reason "no response"; once only.

    A plugin or guard refusing the step (open tasks, say) is recorded on the request for the
    desk to see, and the action is not tried again.
    """
    if not claim(session, request.id, action.key, now):
        return False
    try:
        system_transition(session, request.id, AUTO_CLOSE_STEP, {"reason": NO_RESPONSE})
    except TransitionRefused as exc:
        reasons = exc.reasons or [exc.message]
        set_outcome(session, request.id, action.key, REFUSED, {"reasons": reasons})
        record(session, request, None, "auto_close_refused",
               data={"reason": " ".join(reasons), "reasons": reasons, "automatic": True},
               public=False)
    return True


def closed_automatically(session: Session, request: ServiceRequest) -> datetime | None:
    """When the request closed itself, if its latest closing was the automatic one."""
    if request.status != "closed":
        return None
    events = session.scalars(select(Event).where(
        Event.request_id == request.id, Event.kind == "transition",
    ).order_by(Event.at.desc(), Event.id.desc()))
    for ev in events:
        pair = ev.changes.get("status") or [None, None]
        if pair[1] == request.status:
            return ev.at if ev.data.get("transition") == AUTO_CLOSE_STEP else None
    return None


def reopen_deadline(session: Session, request: ServiceRequest) -> datetime | None:
    """Until when the requester may reopen a request that closed itself (None: not one)."""
    closed = closed_automatically(session, request)
    if closed is None:
        return None
    ladder = reminders_for(session, request.category)
    days = ladder.reopen_days if ladder is not None else 0
    return closed + timedelta(days=days)
