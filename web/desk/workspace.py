"""The request workspace: everything IT staff need about one request, and every form to act."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hdcore import Group, ServiceRequest, StateKind, Task, Transition, User, VendorEngagement
from hdcore import services as svc
from hdcore.models import STAFF_ROLES, utcnow
from hdcore.queries.queue import CLOCK_KINDS
from web.context import db, host
from web.desk.blueprint import bp
from web.desk.forms import FormState
from web.plugins import request_panels
from web.schema_forms import FieldView, display_details, form_fields
from web.views_common import load_visible, new_summary_lines, timeline, visible_attachments

#: The buttons a task offers in each of its states (the service has the last word).
TASK_BUTTONS = {
    "open": ("start", "complete", "cancel"),
    "in_progress": ("complete", "cancel"),
    "done": ("reopen",),
    "cancelled": ("reopen",),
}
#: The way forward first, side steps next, cancelling and force-closing last.
STYLE_ORDER = {"primary": 0, "secondary": 1, "danger": 2}


@dataclass
class StepForm:
    """One step the viewer may take now, with its inputs and what a refused post left."""

    transition: Transition
    fields: list[FieldView]
    state: FormState | None
    #: Errors of the step that belong to no input (guards, whole-form checks).
    other_errors: list[str]


@dataclass
class TaskRow:
    """A task as its row on the request page shows it."""

    task: Task
    can_work: bool
    buttons: tuple[str, ...]
    blocked_by: list[Task]
    overdue: bool


def staff_and_groups() -> tuple[list[User], list[Group]]:
    """Active IT staff and every IT group, by name (for the assign and task forms)."""
    staff = list(db().scalars(select(User).where(User.role.in_(STAFF_ROLES),
                                                 User.is_active.is_(True))
                              .order_by(User.full_name)))
    groups = list(db().scalars(select(Group).order_by(Group.name)))
    return staff, groups


def step_forms(req: ServiceRequest, forms: dict[str, FormState]) -> list[StepForm]:
    """The steps the viewer may take now; inputs are named ``<step>.<field>``."""
    out = []
    steps = svc.available_transitions(db(), current_user, req)
    steps.sort(key=lambda t: STYLE_ORDER.get(t.style, 1))
    for t in steps:
        state = forms.get(f"step:{t.name}")
        fields: list[FieldView] = []
        other: list[str] = []
        if t.schema is not None:
            errors = {f"{t.name}.{k}": v for k, v in (state.errors if state else {}).items()}
            fields = form_fields(t.schema, state.values if state else None, errors,
                                 prefix=t.name, session=db())
            if state:
                other = state.error_list({f.name for f in fields})
        elif state:
            other = state.error_list()
        out.append(StepForm(t, fields, state, other))
    return out


def task_rows(req: ServiceRequest, is_final: bool) -> list[TaskRow]:
    """The request's tasks with what the viewer may do to each."""
    now = utcnow()
    rows = []
    for task in req.tasks:
        buttons = TASK_BUTTONS.get(task.status, ())
        if is_final:
            buttons = ()
        rows.append(TaskRow(
            task=task, can_work=svc.can_work_task(current_user, task), buttons=buttons,
            blocked_by=task.blocked_by if task.is_open else [],
            overdue=task.is_open and task.due_at is not None and task.due_at < now,
        ))
    return rows


def engagements(req: ServiceRequest) -> list[VendorEngagement]:
    """The vendors' engagements on the request, oldest first."""
    return list(db().scalars(
        select(VendorEngagement).where(VendorEngagement.request_id == req.id)
        .options(selectinload(VendorEngagement.vendor))
        .order_by(VendorEngagement.engaged_at, VendorEngagement.id)))


def render_workspace(req: ServiceRequest, forms: dict[str, FormState] | None = None,
                     status: int = 200) -> tuple[str, int]:
    """The request page; ``forms`` carries what refused posts typed (keyed by form name)."""
    forms = forms or {}
    user = current_user
    session = db()
    wf = host().workflow(req.category)
    kind = wf.kind(req.status)
    is_final = kind is StateKind.FINAL
    open_work = kind not in (StateKind.RESOLVED, StateKind.FINAL)
    works = svc.works_on(user, req)
    staff, groups = staff_and_groups()
    panels = request_panels(req, user)
    now = utcnow()
    details = display_details(host().request_schema(req.category), req.details)
    return render_template(
        "desk/request.html",
        req=req, kind=kind.value, is_final=is_final, now=now,
        clock_running=kind.value in CLOCK_KINDS,
        details=details,
        summary=new_summary_lines(host().detail_summary(req.category, req.details), details),
        history=timeline(session, req, internal=True),
        attachments=visible_attachments(session, req, internal=True),
        main_panels=[p for p in panels if p.place == "main"],
        side_panels=[p for p in panels if p.place != "main"],
        engagements=engagements(req),
        vendor_kinds={k.name: str(k.label) for k in host().vendor_kinds()},
        steps=step_forms(req, forms), tasks=task_rows(req, is_final),
        staff=staff, groups=groups, forms=forms, blank=FormState(),
        can_take=(not is_final and req.assignee_id != user.id
                  and (user.is_supervisor or req.assignee_id is None or works)),
        can_assign=not is_final and (user.is_supervisor or works),
        can_edit=not is_final and works,
        can_add_task=not is_final and works,
        can_escalate=open_work and works,
        can_de_escalate=bool(req.escalation_level) and user.is_supervisor,
    ), status


@bp.route("/r/<number>", endpoint="request")
def request_page(number: str) -> tuple[str, int]:
    """Everything about one request, with every action the viewer may take now."""
    return render_workspace(load_visible(db(), current_user, number))

