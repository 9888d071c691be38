"""What the administration pages share: open-work counts, choices for selects, form errors."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from hdcore import Department, Role, ServiceRequest, Task, TaskStatus, ValidationFailed
from hdcore import services as svc
from hdcore.i18n import LOCALES
from hdcore.workflow import StateKind
from web.context import db, host
from web.views_common import flash_invalid

OPEN_TASK = (TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value)


def final_states() -> set[str]:
    """Names of the states in which nothing more happens, across every category."""
    return {s for cat in host().categories()
            for s in host().workflow(cat.name).states_of_kind(StateKind.FINAL)}


def open_work(column: str) -> tuple[Counter[int], Counter[int]]:
    """Open requests and open tasks per assignee (``column`` ``assignee_id``) or group
    (``group_id``)."""
    req_col = getattr(ServiceRequest, column)
    task_col = getattr(Task, column)
    requests = Counter({k: n for k, n in db().execute(
        select(req_col, func.count()).where(req_col.is_not(None),
                                            ServiceRequest.status.not_in(final_states()))
        .group_by(req_col)) if k is not None})
    tasks = Counter({k: n for k, n in db().execute(
        select(task_col, func.count()).where(task_col.is_not(None), Task.status.in_(OPEN_TASK))
        .group_by(task_col)) if k is not None})
    return requests, tasks


def role_choices() -> list[tuple[str, str]]:
    """The roles, as (value, label)."""
    return [(r.value, r.label) for r in Role]


def department_choices() -> list[Department]:
    """Every department, by name."""
    return list(db().scalars(select(Department).order_by(Department.name)))


def locale_choices() -> list[tuple[str, str]]:
    """The languages of the UI, each named in itself, after "the browser's"."""
    names = {"en": "English", "zh_Hans_CN": "中文（简体）"}
    return [("", _("Same as the browser")), *((code, names.get(code, code)) for code in LOCALES)]


def timezone_choices() -> tuple[str, ...]:
    """Every IANA time zone."""
    return svc.timezone_names()


def form_failed(exc: ValidationFailed) -> dict[str, list[str]]:
    """Say the form needs correcting; the errors go next to their fields."""
    flash(_("Please correct the marked fields."), "error")
    return exc.errors


def flash_reasons(exc: ValidationFailed) -> None:
    """Show every reason of a refusal that has no field on the page."""
    flash_invalid(exc)


def is_me(user: Any) -> bool:
    """Whether ``user`` is the signed-in administrator."""
    return bool(getattr(user, "id", None) == current_user.id)
