"""Tasks under a request: create (by hand or from templates), start, complete, cancel, reopen.

A task cannot start or complete while a task it depends on is still open; dependencies may
only point at tasks of the same request that already exist, so they can never form a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.errors import PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Group, ServiceRequest, Task, TaskStatus, User, utcnow
from hdcore.services.access import can_work_task, require_view, require_worker
from hdcore.services.base import (
    check_version,
    get_request,
    get_task,
    get_user,
    host_of,
    record,
    service,
)
from hdcore.workflow import TaskTemplate


def _group(session: Session, group: int | str | Group | None, field: str) -> Group | None:
    if group is None or isinstance(group, Group):
        return group
    found = (session.get(Group, group) if isinstance(group, int)
             else session.scalar(select(Group).where(Group.name == group)))
    if found is None:
        raise ValidationFailed({field: [str(_("Unknown group."))]})
    return found


@service
def add_task(
    session: Session,
    actor: User,
    request_id: int | str,
    *,
    title: str,
    description: str = "",
    assignee: int | str | User | None = None,
    group: int | str | Group | None = None,
    due_at: datetime | None = None,
    depends_on: Iterable[int] = (),
) -> Task:
    """Add a task to a request; only those working on the request (or supervisors) may."""
    req = get_request(session, request_id)
    require_worker(actor, req)
    if host_of(session).workflow(req.category).is_final(req.status):
        raise PermissionDenied(str(_("A closed request takes no new tasks.")))
    errors: dict[str, list[str]] = {}
    if not isinstance(title, str) or not title.strip():
        errors["title"] = [str(_("A short title is required."))]
    elif len(title) > 200:
        errors["title"] = [str(_("At most %(n)d characters.")) % {"n": 200}]
    person = grp = None
    try:
        person = get_user(session, assignee, "assignee")
        if person is not None and not person.is_staff:
            errors["assignee"] = [str(_("Tasks go to IT staff."))]
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        grp = _group(session, group, "group")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if due_at is not None and due_at.tzinfo is None:
        errors["due_at"] = [str(_("Give the time with its time zone."))]
    deps: list[Task] = []
    for dep_id in depends_on:
        dep = session.get(Task, int(dep_id))
        if dep is None or dep.request_id != req.id:
            errors["depends_on"] = [str(_("Tasks can only depend on tasks of the same request."))]
            break
        deps.append(dep)
    if errors:
        raise ValidationFailed(errors)

    task = Task(request=req, title=title.strip(), description=description or "",
                assignee=person, group=grp, due_at=due_at, created_by=actor, depends_on=deps)
    session.add(task)
    session.flush()
    _record_created(session, actor, task)
    return task


_UNSET: object = object()


@service
def update_task(
    session: Session,
    actor: User,
    task_id: int,
    *,
    expected_version: int | None = None,
    title: str | None = None,
    description: str | None = None,
    assignee: int | str | User | object | None = _UNSET,
    group: int | str | Group | object | None = _UNSET,
    due_at: datetime | object | None = _UNSET,
) -> Task:
    """Change a task's title, description, assignee, group or due time (None clears those)."""
    task = get_task(session, task_id)
    require_worker(actor, task.request)
    check_version(task, expected_version)
    errors: dict[str, list[str]] = {}
    changes: dict[str, list[object]] = {}
    if title is not None:
        if not title.strip():
            errors["title"] = [str(_("A short title is required."))]
        elif len(title) > 200:
            errors["title"] = [str(_("At most %(n)d characters.")) % {"n": 200}]
        elif title.strip() != task.title:
            changes["title"] = [task.title, title.strip()]
    if description is not None and description != task.description:
        changes["description"] = [task.description, description]
    person = grp = None
    if assignee is not _UNSET:
        try:
            person = get_user(session, assignee, "assignee")  # type: ignore[arg-type]
            if person is not None and not person.is_staff:
                errors["assignee"] = [str(_("Tasks go to IT staff."))]
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if group is not _UNSET:
        try:
            grp = _group(session, group, "group")  # type: ignore[arg-type]
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if due_at is not _UNSET and isinstance(due_at, datetime) and due_at.tzinfo is None:
        errors["due_at"] = [str(_("Give the time with its time zone."))]
    if errors:
        raise ValidationFailed(errors)
    if "title" in changes:
        task.title = title.strip()  # type: ignore[union-attr]
    if "description" in changes:
        task.description = description or ""
    if assignee is not _UNSET and (person.id if person else None) != task.assignee_id:
        changes["assignee_id"] = [task.assignee_id, person.id if person else None]
        task.assignee = person
    if group is not _UNSET and (grp.id if grp else None) != task.group_id:
        changes["group_id"] = [task.group_id, grp.id if grp else None]
        task.group = grp
    if due_at is not _UNSET and due_at != task.due_at:
        changes["due_at"] = [_iso(task.due_at), _iso(due_at)]
        task.due_at = due_at  # type: ignore[assignment]
    if changes:
        record(session, task.request, actor, "task_updated", changes, {"title": task.title},
               task=task, public=False)
    return task


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _record_created(session: Session, actor: User, task: Task) -> None:
    record(session, task.request, actor, "task_created", data={
        "title": task.title, "assignee_id": task.assignee_id, "group_id": task.group_id,
        "depends_on": [d.id for d in task.depends_on],
    }, task=task, public=False)
    signals.emit(session, signals.task_created, "add_task", task_id=task.id,
                 request_id=task.request_id, assignee_id=task.assignee_id,
                 group_id=task.group_id)


def create_tasks_from_templates(session: Session, actor: User, req: ServiceRequest,
                                templates: Sequence[TaskTemplate]) -> list[Task]:
    """Create tasks from workflow templates (inside the caller's transaction)."""
    by_key: dict[str, Task] = {}
    now = utcnow()
    for tpl in templates:
        grp = session.scalar(select(Group).where(Group.name == tpl.group)) if tpl.group else None
        task = Task(
            request=req, title=str(tpl.title), description=str(tpl.description),
            group=grp, due_at=now + tpl.due_in if tpl.due_in else None, created_by=actor,
            template=tpl.key, depends_on=[by_key[k] for k in tpl.depends_on if k in by_key],
        )
        session.add(task)
        by_key[tpl.key] = task
    session.flush()
    for task in by_key.values():
        _record_created(session, actor, task)
    return list(by_key.values())


_MOVES = {
    "start": ((TaskStatus.OPEN,), TaskStatus.IN_PROGRESS),
    "complete": ((TaskStatus.OPEN, TaskStatus.IN_PROGRESS), TaskStatus.DONE),
    "cancel": ((TaskStatus.OPEN, TaskStatus.IN_PROGRESS), TaskStatus.CANCELLED),
    "reopen": ((TaskStatus.DONE, TaskStatus.CANCELLED), TaskStatus.OPEN),
}
TASK_ACTIONS = tuple(_MOVES)


@service
def transition_task(
    session: Session,
    actor: User,
    task_id: int,
    action: str,
    *,
    note: str = "",
    expected_version: int | None = None,
) -> Task:
    """Start, complete, cancel or reopen a task.

    Starting or completing is refused while a task it depends on is open; reopening is
    refused once the request is final.
    """
    task = get_task(session, task_id)
    require_view(actor, task.request)
    if not can_work_task(actor, task):
        raise PermissionDenied(str(_("Only the task's assignee, its group or the request's "
                                     "technician can change it.")))
    if action not in _MOVES:
        raise ValidationFailed({"action": [str(_("Choose one of: %(c)s.")) % {
            "c": ", ".join(_MOVES)}]})
    sources, target = _MOVES[action]
    if TaskStatus(task.status) not in sources:
        raise TransitionRefused(str(_("The task is %(s)s.")) % {"s": TaskStatus(task.status).label})
    if action in ("start", "complete") and task.blocked_by:
        raise TransitionRefused(
            str(_("The task waits for other tasks")), [t.title for t in task.blocked_by]
        )
    if action == "reopen" and host_of(session).workflow(task.request.category).is_final(
        task.request.status
    ):
        raise TransitionRefused(str(_("The request is closed.")))
    check_version(task, expected_version)
    old = task.status
    now = utcnow()
    task.status = target.value
    if target is TaskStatus.IN_PROGRESS:
        task.started_at = now
        if task.assignee_id is None and actor.is_staff:
            task.assignee = actor
    elif target in (TaskStatus.DONE, TaskStatus.CANCELLED):
        task.completed_at = now
    else:
        task.completed_at = None
    record(session, task.request, actor, "task_" + action, {"status": [old, task.status]},
           {"title": task.title, **({"note": note} if note else {})}, task=task, public=False)
    signals.emit(session, signals.task_status_changed, "transition_task", task_id=task.id,
                 request_id=task.request_id, old_status=old, new_status=task.status)
    return task


def start_task(session: Session, actor: User, task_id: int, **kw: object) -> Task:
    """Begin work on a task."""
    return transition_task(session, actor, task_id, "start", **kw)  # type: ignore[arg-type]


def complete_task(session: Session, actor: User, task_id: int, **kw: object) -> Task:
    """Mark a task done."""
    return transition_task(session, actor, task_id, "complete", **kw)  # type: ignore[arg-type]


def cancel_task(session: Session, actor: User, task_id: int, **kw: object) -> Task:
    """Drop a task that is no longer needed."""
    return transition_task(session, actor, task_id, "cancel", **kw)  # type: ignore[arg-type]
