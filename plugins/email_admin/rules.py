"""The rules that need the request itself: the head's approval, vetoes and step checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import Event, ServiceRequest, TransitionContext, ValidationFailed, now
from hdcore import lazy_gettext as _
from plugins.email_admin.schemas import (
    ACTION_LABELS,
    CLOSE_MAILBOX,
    LOCAL_ZONE,
    NEEDS_APPROVAL,
    NEW_MAILBOX,
    PASSWORD_RESET,
    TROUBLESHOOTING,
)

#: Actions whose carrying out gives someone a password.
HANDS_OVER_PASSWORD = frozenset({NEW_MAILBOX, PASSWORD_RESET})


@dataclass(frozen=True)
class Approval:
    """Where the department head's approval of a request stands."""

    approved: bool
    approver_id: int | None = None
    at: datetime | None = None
    #: Approved once, but the request's details changed afterwards.
    stale: bool = False


def approval_of(session: Session, request: ServiceRequest) -> Approval:
    """Read the approval from the request's history (the event log is the record of it).

    The latest ``approve`` counts, unless the request was sent for approval again or its
    details were edited afterwards: the head approved *that* change, not the new one.
    """
    events = session.scalars(
        select(Event)
        .where(Event.request_id == request.id, Event.kind.in_(("transition", "updated")))
        .order_by(Event.id)
    )
    state = Approval(approved=False)
    for ev in events:
        step = (ev.data or {}).get("transition") if ev.kind == "transition" else None
        if step == "approve":
            state = Approval(approved=True, approver_id=ev.actor_id, at=ev.at)
        elif step in ("request_approval", "reject"):
            state = Approval(approved=False)
        elif ev.kind == "updated" and "details" in (ev.changes or {}) and state.approved:
            state = Approval(approved=False, stale=True)
    return state


def _action(ctx: TransitionContext) -> str:
    return str(ctx.request.details.get("action", ""))


def guard_request_approval(ctx: TransitionContext) -> str | None:
    """Only changes that need approval go to the head, and there must be a head to ask."""
    action = _action(ctx)
    if action not in NEEDS_APPROVAL:
        label = ACTION_LABELS.get(action, action)
        return str(_("“%(action)s” needs no approval; carry it out directly.")) % {
            "action": str(label)}
    dept = ctx.request.requester.department
    if dept is None or dept.head_id is None:
        return str(_("The requester's department has no head on record to approve this; "
                     "ask the administrator to name one."))
    return None


def guard_carry_out(ctx: TransitionContext) -> str | None:
    """No change is carried out before the head approved it (as it stands now)."""
    action = _action(ctx)
    if action == TROUBLESHOOTING:
        return str(_("Troubleshooting has no change to carry out: raise it to the mail "
                     "provider or resolve it."))
    if action in NEEDS_APPROVAL:
        approval = approval_of(ctx.session, ctx.request)
        if approval.stale:
            return str(_("The request was changed after the department head approved it; "
                         "send it for approval again."))
        if not approval.approved:
            return str(_("The department head has not approved this change yet; send it for "
                         "approval first."))
    if action == CLOSE_MAILBOX:
        last_day = date.fromisoformat(ctx.request.details["last_working_day"])
        if now().astimezone(LOCAL_ZONE).date() < last_day:
            return str(_("The employee works until %(day)s; close the mailbox on or after "
                         "that day.")) % {"day": last_day.isoformat()}
    return None


def guard_record_done(ctx: TransitionContext) -> str | None:
    """The change is done only when its tasks are; then the password hand-over is checked.

    Raises :class:`ValidationFailed` when the hand-over is missing for an action that gives
    someone a password, or given for one that does not.
    """
    if any(task.is_open for task in ctx.request.tasks):
        return str(_("All tasks must be completed or cancelled first."))
    given = ctx.data.get("password_handover")
    if _action(ctx) in HANDS_OVER_PASSWORD and not given:
        raise ValidationFailed(
            {"password_handover": [str(_("Say how the password was handed over."))]})
    if _action(ctx) not in HANDS_OVER_PASSWORD and given:
        raise ValidationFailed(
            {"password_handover": [str(_("No password is handed over for this action."))]})
    return None


def check(ctx: TransitionContext) -> list[str]:
    """Vetoes on the core's steps for requests of this category."""
    if ctx.transition.name == "resolve" and ctx.request.status == "implementing":
        return [str(_("The change is being carried out: record it as done, saying what "
                      "was done."))]
    return []
