"""Splitting a request into several tasks at once: every line checked first, all made or none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from hdcore.errors import PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Group, Task, User, utcnow
from hdcore.services.access import require_worker
from hdcore.services.base import company_timezone, get_request, get_user, host_of, service
from hdcore.services.tasks import _group, add_task

#: The keys a task line may carry.
LINE_FIELDS = ("title", "description", "assignee", "group", "due_at", "depends_on")
#: At most this many tasks in one go.
MAX_LINES = 50
TITLE_MAX = 200


def _zone_of(session: Session, actor: User) -> ZoneInfo:
    """The zone a time typed by ``actor`` without one is read in: theirs, else the company's."""
    try:
        return ZoneInfo(actor.timezone) if actor.timezone else company_timezone(session)
    except (ZoneInfoNotFoundError, ValueError):
        return company_timezone(session)


def _due(session: Session, actor: User, value: Any, now: datetime) -> tuple[datetime | None,
                                                                            str | None]:
    """The due time of a line and the reason it is refused, if it is."""
    if value in (None, ""):
        return None, None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError:
            return None, str(_("Give a date and time like 2026-03-01 14:30."))
        if value.tzinfo is None:
            value = value.replace(tzinfo=_zone_of(session, actor))
    if not isinstance(value, datetime):
        return None, str(_("Give a date and time like 2026-03-01 14:30."))
    if value.tzinfo is None:
        return None, str(_("Give the time with its time zone."))
    if value <= now:
        return None, str(_("The due time is in the past."))
    return value, None


def _depends(value: Any, index: int) -> tuple[list[int], str | None]:
    """The earlier lines a line depends on, and the reason they are refused, if they are."""
    if value in (None, ""):
        return [], None
    items = value if isinstance(value, list | tuple | set) else [value]
    out: list[int] = []
    for item in items:
        if isinstance(item, bool):
            return [], str(_("A task can only depend on an earlier line."))
        try:
            j = int(item)
        except (TypeError, ValueError):
            return [], str(_("A task can only depend on an earlier line."))
        if not 0 <= j < index:
            return [], str(_("A task can only depend on an earlier line."))
        out.append(j)
    return sorted(set(out)), None


def _check_line(session: Session, actor: User, index: int, line: Any,
                now: datetime) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One line's values ready for :func:`add_task`, and its errors keyed ``tasks.<i>.<f>``."""
    key = f"tasks.{index}"
    if not isinstance(line, Mapping):
        return {}, {key: [str(_("Each task must be a set of fields."))]}
    errors: dict[str, list[str]] = {}
    for unknown in sorted(set(line) - set(LINE_FIELDS)):
        errors[f"{key}.{unknown}"] = [str(_("Unknown field."))]
    title = line.get("title")
    if not isinstance(title, str) or not title.strip():
        errors[f"{key}.title"] = [str(_("A short title is required."))]
    elif len(title.strip()) > TITLE_MAX:
        errors[f"{key}.title"] = [str(_("At most %(n)d characters.")) % {"n": TITLE_MAX}]
    description = line.get("description") or ""
    if not isinstance(description, str):
        errors[f"{key}.description"] = [str(_("Write a text."))]
    person: User | None = None
    grp: Group | None = None
    try:
        person = get_user(session, line.get("assignee") or None, f"{key}.assignee")
        if person is not None and not person.is_staff:
            errors[f"{key}.assignee"] = [str(_("Tasks go to IT staff."))]
    except ValidationFailed as exc:
        errors.update({k: [str(_("Unknown or inactive user."))] for k in exc.errors})
    try:
        grp = _group(session, line.get("group") or None, f"{key}.group")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    due_at, due_error = _due(session, actor, line.get("due_at"), now)
    if due_error:
        errors[f"{key}.due_at"] = [due_error]
    depends, dep_error = _depends(line.get("depends_on"), index)
    if dep_error:
        errors[f"{key}.depends_on"] = [dep_error]
    values = {"title": title.strip() if isinstance(title, str) else "",
              "description": description.strip() if isinstance(description, str) else "",
              "assignee": person, "group": grp, "due_at": due_at, "depends_on": depends}
    return values, errors


@service
def add_tasks(session: Session, actor: User, request_id: int | str,
              tasks: Sequence[Mapping[str, Any]]) -> list[Task]:
    """Split a request into several tasks in one transaction.

    Each line may carry ``title`` (required), ``description``, ``assignee`` (a member of IT
    staff: id, user name or User), ``group`` (id, name or Group), ``due_at`` (an aware
    datetime, or an ISO string read in the actor's zone when it has none; not in the past)
    and ``depends_on`` (indexes of *earlier* lines). Every line is checked before anything is
    written; one :class:`ValidationFailed` names every bad field as ``tasks.<i>.<field>``
    and nothing is created. Only those working on the request (or supervisors) may, and not
    once it is final. Returns the tasks in the order of the lines.
    """
    req = get_request(session, request_id)
    require_worker(actor, req)
    if host_of(session).workflow(req.category).is_final(req.status):
        raise PermissionDenied(str(_("A closed request takes no new tasks.")))
    if isinstance(tasks, str | bytes | Mapping) or not isinstance(tasks, Sequence) or not tasks:
        raise ValidationFailed({"tasks": [str(_("Add at least one task."))]})
    if len(tasks) > MAX_LINES:
        raise ValidationFailed({"tasks": [str(_("At most %(n)d tasks at once.")) % {
            "n": MAX_LINES}]})
    now = utcnow()
    checked: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for i, line in enumerate(tasks):
        values, line_errors = _check_line(session, actor, i, line, now)
        checked.append(values)
        errors.update(line_errors)
    if errors:
        raise ValidationFailed(errors)

    created: list[Task] = []
    for i, values in enumerate(checked):
        try:
            task = add_task(session, actor, req.id, title=values["title"],
                            description=values["description"], assignee=values["assignee"],
                            group=values["group"], due_at=values["due_at"],
                            depends_on=[created[j].id for j in values["depends_on"]])
        except ValidationFailed as exc:  # re-checked by add_task; keep the line's name
            raise ValidationFailed({f"tasks.{i}.{k}": v for k, v in exc.errors.items()}) from exc
        created.append(task)
    return created
