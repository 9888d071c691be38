"""The ERP support rules: sign-off and verification read from the history, vetoes, step tasks.

Whether a change is signed off or verified is read from the request's append-only event log,
not from its details: details can be edited, the history cannot, and a new sign-off request or
a reopened request must start the count afresh.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import Event, Group, ServiceRequest, Task, TaskTemplate, TransitionContext
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.erp_support.constants import (
    ERP_GROUP_NAMES,
    NEEDS_SIGN_OFF,
    TASK_APPLY_PRODUCTION,
    TASK_APPLY_TEST,
)
from plugins.erp_support.workflow import APPLY_IN_PRODUCTION, APPLY_IN_TEST, SET_UP_USER

_APPROVAL_STEPS = ("request_approval", "approve_change", "decline_change", "withdraw_approval")
_VERIFICATION_STEPS = ("submit_for_verification", "confirm_verification", "reject_verification")


def steps_taken(ctx: TransitionContext) -> list[str]:
    """Names of the workflow steps taken on the request since it was last reopened, in order."""
    events = ctx.session.scalars(
        select(Event).where(Event.request_id == ctx.request.id, Event.kind == "transition")
        .order_by(Event.id)
    )
    names: list[str] = []
    for ev in events:
        name = (ev.data or {}).get("transition")
        if name == "reopen":
            names.clear()
        elif name:
            names.append(name)
    return names


def _latest(steps: list[str], among: tuple[str, ...]) -> str | None:
    return next((s for s in reversed(steps) if s in among), None)


def is_signed_off(steps: list[str]) -> bool:
    """Whether the department head signed off the change last asked of them."""
    return _latest(steps, _APPROVAL_STEPS) == "approve_change"


def is_verified(steps: list[str]) -> bool:
    """Whether the requester confirmed the latest fix in the test system."""
    return _latest(steps, _VERIFICATION_STEPS) == "confirm_verification"


def awaits_production(steps: list[str]) -> bool:
    """Whether a fix verified in test has not been applied in production since."""
    if not is_verified(steps):
        return False
    confirmed = len(steps) - 1 - steps[::-1].index("confirm_verification")
    return "apply_production" not in steps[confirmed:]


def _open_tasks(request: ServiceRequest, key: str) -> list[Task]:
    return [t for t in request.tasks if t.template == key and t.is_open]


# -- vetoes -------------------------------------------------------------------------------------


def check_request_approval(ctx: TransitionContext) -> list[str]:
    """Someone must be there to sign off: the requester's department needs a head."""
    dept = ctx.request.requester.department
    if dept is None or dept.head_id is None:
        return [str(_("Nobody can sign this off: the requester's department has no head on "
                      "record. Ask the administrator to set one."))]
    return []


def check_apply_production(ctx: TransitionContext) -> list[str]:
    """A change reaches production only signed off, verified in test and done in test first."""
    reasons: list[str] = []
    steps = steps_taken(ctx)
    req_type = ctx.request.details.get("request_type")
    if req_type in NEEDS_SIGN_OFF and not is_signed_off(steps):
        reasons.append(str(_("This change needs the sign-off of the requester's department "
                             "head before it is applied in production.")))
    if req_type == "configuration_change" and not is_verified(steps):
        reasons.append(str(_("A configuration change goes to production only after the "
                             "requester has verified it in the test environment.")))
    for task in _open_tasks(ctx.request, TASK_APPLY_TEST):
        reasons.append(str(_("The change is not in test yet: the task “%(task)s” is open."))
                       % {"task": task.title})
    return reasons


def check_resolve(ctx: TransitionContext) -> list[str]:
    """A fix verified in test is not a solution until it is in production."""
    if ctx.request.details.get("environment") == "test":
        return []
    if awaits_production(steps_taken(ctx)):
        return [str(_("The fix was verified in test but is not in production yet: record "
                      "“Applied in production” first."))]
    return []


# -- routing and tasks --------------------------------------------------------------------------


def erp_group_name(session: Session) -> str | None:
    """The desk's ERP team: the first of the usual names that exists as an IT group."""
    found = set(session.scalars(select(Group.name).where(Group.name.in_(ERP_GROUP_NAMES))))
    return next((name for name in ERP_GROUP_NAMES if name in found), None)



def tasks_on_approval(ctx: TransitionContext) -> list[TaskTemplate]:
    """The work a signed-off change breaks into (leaving out tasks already open)."""
    if ctx.request.details.get("request_type") == "user_change":
        templates = [SET_UP_USER]
    elif is_verified(steps_taken(ctx)):
        templates = [APPLY_IN_PRODUCTION]  # already tried in test: only production is left
    else:
        templates = [APPLY_IN_TEST, APPLY_IN_PRODUCTION]
    team = ctx.request.group.name if ctx.request.group else erp_group_name(ctx.session)
    return [replace(t, group=team) for t in templates if not _open_tasks(ctx.request, t.key)]


def complete_step_tasks(ctx: TransitionContext, key: str) -> None:
    """Taking the step that reports the work done completes the task that asked for it."""
    note = str(_("Done with the step “%(step)s”.")) % {"step": str(ctx.transition.label)}
    for task in _open_tasks(ctx.request, key):
        svc.complete_task(ctx.session, ctx.actor, task.id, note=note)


def complete_test_tasks(ctx: TransitionContext) -> None:
    """“Applied in test” completes the open “apply in test” task."""
    complete_step_tasks(ctx, TASK_APPLY_TEST)


def complete_production_tasks(ctx: TransitionContext) -> None:
    """“Applied in production” completes the open “apply in production” task."""
    complete_step_tasks(ctx, TASK_APPLY_PRODUCTION)
