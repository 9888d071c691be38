"""Who may see a security incident: the people on it, and holders of the incidents permission.

An incident report names compromised accounts, hosts and what the attacker did; it is shown to
the requester (and whoever entered it for them), the technician and group it is assigned to,
people given one of its tasks, and the holders of ``network_security.view_incidents`` (the
desk lead and the IT manager by default; administrators hold every permission). A department
head, other technicians and other employees do not see it, in lists, search, pages or the API.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import Session, object_session

from hdcore import ServiceRequest, Task, User
from hdcore import services as svc
from plugins.network_security.kinds import CATEGORY, INCIDENT, VIEW_INCIDENTS_PERMISSION


def _privileged(session: Session | None, actor: User) -> bool:
    if actor.role == "admin":
        return True
    return session is not None and svc.host_of(session).has_permission(
        actor, VIEW_INCIDENTS_PERMISSION)


def is_incident(request: ServiceRequest) -> bool:
    """Whether ``request`` is a security incident report."""
    return request.category == CATEGORY and (request.details or {}).get("kind") == INCIDENT


def condition(session: Session, actor: User) -> Any:
    """The SQL condition on requests ``actor`` may see (None: every incident)."""
    if _privileged(session, actor):
        return None
    r = ServiceRequest
    gids = [g.id for g in actor.groups]
    in_group = r.group_id.in_(gids) if gids else false()
    on_a_task = exists(select(Task.id).where(
        Task.request_id == r.id,
        or_(Task.assignee_id == actor.id, Task.group_id.in_(gids) if gids else false())))
    return or_(
        r.category != CATEGORY,
        func.coalesce(r.details["kind"].as_string(), "") != INCIDENT,
        r.requester_id == actor.id,
        r.entered_by_id == actor.id,
        r.assignee_id == actor.id,
        in_group,
        on_a_task,
    )


def may_view(actor: User, request: ServiceRequest) -> bool | None:
    """False when ``request`` is an incident ``actor`` is not on (None: no objection)."""
    if not is_incident(request):
        return None
    if _privileged(object_session(request) or object_session(actor), actor):
        return None
    gids = {g.id for g in actor.groups}
    if actor.id in (request.requester_id, request.entered_by_id, request.assignee_id):
        return None
    if request.group_id is not None and request.group_id in gids:
        return None
    if any(t.assignee_id == actor.id or (t.group_id is not None and t.group_id in gids)
           for t in request.tasks):
        return None
    return False
