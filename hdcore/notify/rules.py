"""Who is told what: from one history row to the notices it causes (kind, people, texts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from hdcore.models import Comment, Event, Group, Role, ServiceRequest, Task, User
from hdcore.notify import kinds as k
from hdcore.services.base import host_of
from hdcore.workflow import CLOSED_STATE, StateKind

#: How much of a message the one-line notification quotes.
EXCERPT = 140


@dataclass
class Notice:
    """One kind of news for some people, with the texts the messages are made of.

    ``params`` are the short texts kept on the in-app notification; ``context`` what else the
    e-mail shows (the reply, the question, the solution). ``acknowledge`` marks a receipt the
    actor gets too, by e-mail only: the confirmation of their own request, with its number.
    """

    kind: str
    recipients: list[User]
    params: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    task: Task | None = None
    acknowledge: bool = False


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def current(session: Session, obj: Any, relation: str, column: str, model: type) -> Any:
    """The object ``obj.<relation>`` points at now, whether the service set the relationship or
    only the id column (nothing is flushed yet, so either may be the newer one)."""
    history = inspect(obj).attrs[relation].history
    if history.has_changes():
        return history.added[0] if history.added else None
    value = getattr(obj, column)
    return session.get(model, value) if value is not None else None


def _members(group: Group | None) -> list[User]:
    if group is None:
        return []
    return sorted((u for u in group.members if u.is_active and u.is_staff), key=lambda u: u.id)


def _workers(session: Session, req: ServiceRequest) -> list[User]:
    """Who works on the request: its assignee, or its group's members while nobody has it."""
    assignee = current(session, req, "assignee", "assignee_id", User)
    if assignee is not None:
        return [assignee]
    return _members(current(session, req, "group", "group_id", Group))


def _supervisors(session: Session, audience: str | None = None) -> list[User]:
    """The active leads and managers; only one of them when the SLA ladder names it."""
    roles = {"lead": (Role.LEAD.value,), "manager": (Role.MANAGER.value,)}.get(
        audience or "", (Role.LEAD.value, Role.MANAGER.value))
    return list(session.scalars(select(User).where(User.role.in_(roles), User.is_active.is_(True))
                                .order_by(User.id)))


def _sla_context(data: dict[str, Any]) -> dict[str, Any]:
    """What an automatic (SLA) step says: which target, due when (translated when shown)."""
    if not data.get("target"):
        return {}
    return {"sla_target": data.get("target"), "sla_due": data.get("due_at")}


def notices_for(session: Session, req: ServiceRequest, event: Event) -> list[Notice]:
    """The notices ``event`` (a new history row of ``req``) causes; empty for most events."""
    actor = session.get(User, event.actor_id) if event.actor_id else None
    base = {"number": req.number, "title": excerpt(req.title, 200),
            "actor": actor.full_name if actor else ""}
    handler = _RULES.get(event.kind)
    if handler is None:
        return []
    notices = handler(session, req, event, base)
    for n in notices:
        n.params = {**base, **n.params}
        if not event.public:  # an internal step never reaches the requester
            n.recipients = [u for u in n.recipients
                            if u.id != req.requester_id or u.is_staff]
    return [n for n in notices if n.recipients]


def _created(session: Session, req: ServiceRequest, event: Event,
             base: dict[str, Any]) -> list[Notice]:
    return [Notice(k.RECEIVED, [req.requester], acknowledge=True,
                   context={"description": req.description})]


def _assigned(session: Session, req: ServiceRequest, event: Event,
              base: dict[str, Any]) -> list[Notice]:
    changes = event.changes or {}
    reason = (event.data or {}).get("reason", "")
    context = {"reason": reason, "description": req.description}
    assignee = current(session, req, "assignee", "assignee_id", User)
    group = current(session, req, "group", "group_id", Group)
    if "assignee_id" in changes and assignee is not None:
        return [Notice(k.ASSIGNED, [assignee], {"personal": True}, context)]
    if ("assignee_id" in changes or "group_id" in changes) and assignee is None and group:
        return [Notice(k.ASSIGNED, _members(group), {"group": group.name}, context)]
    return []


def _comment(session: Session, req: ServiceRequest, event: Event,
             base: dict[str, Any]) -> list[Notice]:
    data = event.data or {}
    if data.get("internal") or not event.public:
        return []
    comment = session.get(Comment, data.get("comment_id")) if data.get("comment_id") else None
    if comment is None or comment.internal:
        return []
    params = {"excerpt": excerpt(comment.body)}
    context = {"body": comment.body}
    if event.actor_id == req.requester_id:
        return [Notice(k.REPLY, _workers(session, req), params, context)]
    return [Notice(k.REPLY, [req.requester], params, context)]


def _transition(session: Session, req: ServiceRequest, event: Event,
                base: dict[str, Any]) -> list[Notice]:
    data = event.data or {}
    name = data.get("transition", "")
    old_new = (event.changes or {}).get("status") or [None, req.status]
    new = old_new[1]
    wf = host_of(session).workflow(req.category)
    kind = wf.kind(new) if new in wf.states else None
    if name == "wait_requester":
        question = data.get("message", "")
        return [Notice(k.WAITING, [req.requester], {"excerpt": excerpt(question)},
                       {"question": question})]
    if kind is StateKind.RESOLVED and old_new[0] != new:
        return [Notice(k.RESOLVED, [req.requester], {},
                       {"resolution": req.resolution or data.get("resolution", "")})]
    if new == CLOSED_STATE and old_new[0] != new:
        rated = req.rating is not None
        return [Notice(k.CLOSED, [req.requester], {"rated": rated},
                       {"reason": data.get("reason", ""), "rated": rated})]
    if name == "reopen":
        reason = data.get("reason", "")
        return [Notice(k.REOPENED, _workers(session, req), {"excerpt": excerpt(reason)},
                       {"reason": reason})]
    return []


def _reminder(session: Session, req: ServiceRequest, event: Event,
              base: dict[str, Any]) -> list[Notice]:
    return [Notice(k.REMINDER, [req.requester], {},
                   {"resolution": req.resolution or "",
                    "auto_close_at": (event.data or {}).get("auto_close_at")})]


def _escalated(session: Session, req: ServiceRequest, event: Event,
               base: dict[str, Any]) -> list[Notice]:
    old, new = (event.changes or {}).get("escalation_level") or [None, req.escalation_level]
    if old is not None and new is not None and new <= old:
        return []  # a de-escalation is no alarm
    data = event.data or {}
    reason = data.get("reason", "")
    # The SLA ladder says whom each level is for (the lead at breach, the manager later).
    people = _supervisors(session, data.get("notify")) + _workers(session, req)
    sla = _sla_context(data)
    # The SLA's own sentence is for the history; people read a translated one.
    params = {"level": new, "late": True} if sla else {"level": new, "reason": excerpt(reason)}
    return [Notice(k.ESCALATED, people, params, {"reason": reason, "level": new, **sla})]


def _sla_warning(session: Session, req: ServiceRequest, event: Event,
                 base: dict[str, Any]) -> list[Notice]:
    data = event.data or {}
    return [Notice(k.DUE_SOON, _workers(session, req), {}, _sla_context(data))]


def _task(session: Session, req: ServiceRequest, event: Event,
          base: dict[str, Any]) -> list[Notice]:
    task = session.get(Task, event.task_id) if event.task_id else None
    if task is None:
        return []
    changes = event.changes or {}
    assignee = current(session, task, "assignee", "assignee_id", User)
    group = current(session, task, "group", "group_id", Group)
    if event.kind == "task_created":
        personal = assignee is not None
        to_group = not personal and group is not None
    else:
        personal = "assignee_id" in changes and assignee is not None
        to_group = (not personal and assignee is None and group is not None
                    and ("group_id" in changes or "assignee_id" in changes))
    params = {"task": excerpt(task.title, 200)}
    if personal:
        return [Notice(k.TASK_ASSIGNED, [assignee], {**params, "personal": True}, task=task)]
    if to_group:
        return [Notice(k.TASK_ASSIGNED, _members(group), {**params, "group": group.name},
                       task=task)]
    return []


_RULES = {
    "created": _created,
    "assigned": _assigned,
    "comment": _comment,
    "transition": _transition,
    "reminder_sent": _reminder,
    "escalated": _escalated,
    "sla_warning": _sla_warning,
    "task_created": _task,
    "task_updated": _task,
}
