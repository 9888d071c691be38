"""Who may see and do what with a request: the permission rules every service applies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import object_session

from hdcore.errors import NotFound, PermissionDenied
from hdcore.i18n import _
from hdcore.models import Department, ServiceRequest, Task, User
from hdcore.workflow import ASSIGNEE, DEPARTMENT_HEAD, REQUESTER, SUPERVISORS, Transition

if TYPE_CHECKING:
    from hdcore.host import PluginHost


def group_ids(user: User) -> set[int]:
    """Ids of the IT groups ``user`` belongs to."""
    return {g.id for g in user.groups}


def is_department_head_for(actor: User, request: ServiceRequest) -> bool:
    """Whether ``actor`` heads the department of the request's requester."""
    dept = request.requester.department
    return dept is not None and dept.head_id == actor.id


def works_on(actor: User, request: ServiceRequest) -> bool:
    """Whether ``actor`` is the request's assignee or in its group (or supervises the desk)."""
    if actor.role in SUPERVISORS:
        return True
    if actor.role != "technician":
        return False
    return request.assignee_id == actor.id or (
        request.group_id is not None and request.group_id in group_ids(actor)
    )


def _host(*objects: object) -> PluginHost | None:
    """The plugin host of the session the objects are loaded in (None: not loaded in one)."""
    for obj in objects:
        session = object_session(obj)
        if session is not None and "host" in session.info:
            return session.info["host"]
    return None


def can_view(actor: User, request: ServiceRequest) -> bool:
    """IT staff see every request; others their own and, as department head, their department's;
    then every plugin may hide it (``hd_can_view_request``: security incidents, ...)."""
    if not (
        actor.is_staff
        or request.requester_id == actor.id
        or request.entered_by_id == actor.id
        or is_department_head_for(actor, request)
    ):
        return False
    host = _host(request, actor)
    return host is None or host.may_view(actor, request)


def require_view(actor: User, request: ServiceRequest) -> None:
    """Raise NotFound (not PermissionDenied: its existence is not disclosed) if not visible."""
    if not actor.is_active or not can_view(actor, request):
        raise NotFound(f"no request {request.number}")


def require_staff(actor: User) -> None:
    """Only IT staff may do this."""
    if not actor.is_active or not actor.is_staff:
        raise PermissionDenied(str(_("Only IT staff can do this.")))


def require_worker(actor: User, request: ServiceRequest) -> None:
    """Only the assignee, a member of the assigned group, or a supervisor may do this."""
    require_view(actor, request)
    if not works_on(actor, request):
        raise PermissionDenied(
            str(_("Only the assigned technician, the group or a supervisor can do this."))
        )


def may_take(actor: User, transition: Transition, request: ServiceRequest,
             has_permission: object) -> bool:
    """Whether ``actor`` holds one of the roles ``transition`` allows on ``request``."""
    for role in transition.roles:
        if role == REQUESTER and request.requester_id == actor.id:
            return True
        if role == ASSIGNEE and works_on(actor, request):
            return True
        if role == DEPARTMENT_HEAD and is_department_head_for(actor, request):
            return True
        granted = role.startswith("perm:") and callable(has_permission)
        if granted and has_permission(actor, role[5:]):  # type: ignore[operator]
            return True
        if role == actor.role:
            return True
    return False


def visible_requests(actor: User) -> Select[tuple[ServiceRequest]]:
    """A query of the requests ``actor`` may see (filter and order it further): the core's rule
    and every plugin's condition (``hd_restrict_visibility``), all in SQL."""
    q = select(ServiceRequest)
    host = _host(actor)
    session = object_session(actor)
    if host is not None and session is not None:
        for condition in host.visibility_conditions(session, actor):
            q = q.where(condition)
    if actor.is_staff:
        return q
    headed = select(Department.id).where(Department.head_id == actor.id)
    requesters_in_headed = select(User.id).where(User.department_id.in_(headed))
    return q.where(
        or_(
            ServiceRequest.requester_id == actor.id,
            ServiceRequest.entered_by_id == actor.id,
            ServiceRequest.requester_id.in_(requesters_in_headed),
        )
        if actor.is_active
        else false()
    )


def can_work_task(actor: User, task: Task) -> bool:
    """The task's assignee, its group's members and the request's workers may act on it."""
    if works_on(actor, task.request):
        return True
    if actor.role != "technician":
        return False
    return task.assignee_id == actor.id or (
        task.group_id is not None and task.group_id in group_ids(actor)
    )
