"""Moving a request through its category's workflow: transition, resolve, close, reopen, cancel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.errors import CategoryDisabled, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Comment, Event, ServiceRequest, TaskStatus, User, utcnow
from hdcore.services.access import may_take, require_view
from hdcore.services.base import (
    check_version,
    get_request,
    host_of,
    load,
    record,
    service,
    to_json,
)
from hdcore.services.tasks import create_tasks_from_templates
from hdcore.workflow import CLOSED_STATE, StateKind, Transition, TransitionContext

CORE_PLUGIN = "core"


def available_transitions(session: Session, actor: User,
                          request: ServiceRequest) -> list[Transition]:
    """The steps ``actor`` may take on ``request`` now (roles and state; guards not run).

    Steps taken by other services (assignment) are left out.
    """
    host = host_of(session)
    wf = host.workflow(request.category)
    enabled = host.category_enabled(session, request.category)
    return [
        t for t in wf.outgoing(request.status)
        if "via" not in t.meta
        and t.applies_to(request.details)
        and (enabled or t.origin == CORE_PLUGIN)
        and may_take(actor, t, request, host.has_permission)
    ]


@service
def transition(
    session: Session,
    actor: User,
    request_id: int | str,
    name: str,
    data: dict[str, Any] | None = None,
    *,
    expected_version: int | None = None,
) -> ServiceRequest:
    """Take the workflow step ``name`` on a request, with the fields it requires in ``data``.

    Checks, in order: the step exists and leaves the current state, the category is enabled
    (core steps stay open for disabled categories), the actor's role, the fields, the version,
    the guards and plugin vetoes. Then changes the state, creates the step's tasks, lets plugins
    react, and records the event, all in one transaction.
    """
    req = get_request(session, request_id)
    require_view(actor, req)
    host = host_of(session)
    wf = host.workflow(req.category)
    t = wf.transition(name)
    if t is None or "via" in t.meta:
        raise TransitionRefused(str(_("Unknown step %(name)s.")) % {"name": name})
    if not t.applies_to(req.details):
        raise TransitionRefused(
            str(_("“%(step)s” is not a step for this kind of request.")) % {"step": str(t.label)}
        )
    if req.status not in t.sources:
        raise TransitionRefused(
            str(_("“%(step)s” is not possible while the request is “%(state)s”."))
            % {"step": str(t.label), "state": str(wf.state(req.status).label)}
        )
    if t.origin != CORE_PLUGIN and not host.category_enabled(session, req.category):
        raise CategoryDisabled(
            str(_("This service category is switched off; only closing steps are possible."))
        )
    if not may_take(actor, t, req, host.has_permission):
        raise PermissionDenied(
            str(_("You may not take the step “%(step)s”.")) % {"step": str(t.label)}
        )
    loaded: dict[str, Any] = {}
    if t.schema is not None:
        loaded, errors = load(t.schema, data)
        if errors:
            raise ValidationFailed(errors)
    check_version(req, expected_version)
    return take_step(session, actor, req, t, loaded)


def take_step(session: Session, actor: User, req: ServiceRequest, t: Transition,
              loaded: dict[str, Any], extra: dict[str, Any] | None = None) -> ServiceRequest:
    """Run the guards and vetoes of ``t``, then change the state, create its tasks, let the
    plugins react, record the event (with ``extra`` in its data) and queue the signal.

    The caller has checked that the step may be taken by ``actor`` (see :func:`transition`;
    the system's own steps go through :func:`hdcore.services.system.system_transition`).
    """
    host = host_of(session)
    wf = host.workflow(req.category)
    name = t.name
    ctx = TransitionContext(session=session, request=req, transition=t, actor=actor, data=loaded)
    reasons = [r for g in t.guards if (r := g(ctx))] + host.check_transition(ctx)
    if reasons:
        raise TransitionRefused(str(_("The step cannot be taken")), [str(r) for r in reasons])

    old = req.status
    _apply(session, ctx, wf.kind(target_of(session, req, t)))
    templates = [*t.tasks, *host.transition_tasks(ctx)]
    if templates:
        create_tasks_from_templates(session, actor, req, templates)
    host.on_transition(ctx)
    record(
        session, req, actor, "transition", {"status": [old, req.status]},
        {"transition": name, **(to_json(t.schema, loaded) if t.schema else {}), **(extra or {})},
        public=t.public,
    )
    signals.emit(session, signals.request_status_changed, "transition", request_id=req.id,
                 category=req.category, transition=name, old_status=old,
                 new_status=req.status, actor_id=actor.id)
    return req


def target_of(session: Session, req: ServiceRequest, t: Transition) -> str:
    """Where ``t`` leads from the request's current state.

    A transition marked ``meta={"returns": "previous"}`` goes back to the state the request was
    in before it entered the current one, when that state is still a working state; else to
    its declared target.
    """
    if t.meta.get("returns") != "previous":
        return t.target
    wf = host_of(session).workflow(req.category)
    entered = session.scalars(
        select(Event).where(Event.request_id == req.id, Event.kind == "transition")
        .order_by(Event.id.desc())
    )
    for ev in entered:
        old_new = ev.changes.get("status")
        if old_new and old_new[1] == req.status:
            prev = old_new[0]
            if prev in wf.states and wf.kind(prev) is StateKind.ACTIVE:
                return prev
            break
    return t.target


def _apply(session: Session, ctx: TransitionContext, target_kind: StateKind) -> None:
    req, t, actor, data = ctx.request, ctx.transition, ctx.actor, ctx.data
    now = utcnow()
    req.status = target_of(session, req, t)
    req.updated_at = now
    # The system closing a silent request is no answer from IT.
    answering = actor.is_staff and not getattr(actor, "is_system", False)
    if answering and req.first_response_at is None and req.requester_id != actor.id:
        req.first_response_at = now
    if target_kind is StateKind.RESOLVED:
        req.resolved_at = now
        if data.get("resolution"):
            req.resolution = data["resolution"]
    if t.target == CLOSED_STATE or target_kind is StateKind.FINAL:
        req.closed_at = now
        if req.resolved_at is None and t.target == CLOSED_STATE:
            req.resolved_at = now
        for task in req.tasks:  # a forced close or a cancel ends the work still open
            if task.is_open:
                task.status = TaskStatus.CANCELLED.value
                task.completed_at = now
    if t.name == "reopen":
        req.resolved_at = None
        req.closed_at = None
    message = data.get("message") or (data.get("reason") if t.name == "reopen" else None)
    if message:
        session.add(Comment(request=req, author=actor, body=message, internal=False))


def resolve(session: Session, actor: User, request_id: int | str, resolution: str,
            **kw: Any) -> ServiceRequest:
    """Mark the request solved with the ``resolution`` the requester will read."""
    return transition(session, actor, request_id, "resolve", {"resolution": resolution}, **kw)


def close(session: Session, actor: User, request_id: int | str, **kw: Any) -> ServiceRequest:
    """The requester (or a supervisor) confirms the fix and closes the request."""
    return transition(session, actor, request_id, "close", {}, **kw)


def force_close(session: Session, actor: User, request_id: int | str, reason: str,
                **kw: Any) -> ServiceRequest:
    """The lead or a manager closes the request without the requester, with a reason."""
    return transition(session, actor, request_id, "force_close", {"reason": reason}, **kw)


def reopen(session: Session, actor: User, request_id: int | str, reason: str,
           **kw: Any) -> ServiceRequest:
    """Send a resolved (or, by a supervisor, closed) request back to work, saying why."""
    return transition(session, actor, request_id, "reopen", {"reason": reason}, **kw)


def cancel(session: Session, actor: User, request_id: int | str, reason: str = "",
           **kw: Any) -> ServiceRequest:
    """Withdraw a request that is no longer needed."""
    return transition(session, actor, request_id, "cancel", {"reason": reason}, **kw)
