"""The set-up's own states and steps, and the tasks each need becomes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hdcore import State, StateKind, TaskTemplate, Transition, WorkflowContribution
from hdcore import lazy_gettext as _
from hr_onboarding.schemas import HandOverSchema, office_today

CATEGORY = "hr_onboarding"

CONTRIBUTION = WorkflowContribution(
    states=(State("provisioning", _("Setting up"), StateKind.ACTIVE),),
    transitions=(
        Transition("provision", _("Start the set-up"), ("in_progress",), "provisioning"),
        Transition("hand_over", _("Everything is ready"), ("provisioning",), "resolved",
                   schema=HandOverSchema),
    ),
)


def need_tasks(details: dict[str, Any], groups: dict[str, str]) -> list[TaskTemplate]:
    """One task per need, for the IT group that does that work, and the first-day hand-over
    that waits for all of them (due on the first working day)."""
    who = f"{details.get('employee_name', '')}, {details.get('department', '')}"
    start = details.get("start_date")
    first_day = date.fromisoformat(start) if isinstance(start, str) else start
    tasks: list[TaskTemplate] = []
    if details.get("needs_mailbox"):
        tasks.append(TaskTemplate("mailbox", _("Create the mailbox"), who,
                                  group=groups.get("mailbox_group"), due_in=timedelta(days=2)))
    if details.get("needs_erp_account"):
        tasks.append(TaskTemplate("erp_account", _("Create the ERP account"), who,
                                  group=groups.get("erp_group"), due_in=timedelta(days=2)))
    if details.get("needs_pc"):
        kind = str(details.get("pc_type") or "laptop")
        tasks.append(TaskTemplate("pc_order", _("Get a PC from procurement"), f"{who} ({kind})",
                                  group=groups.get("pc_group"), due_in=timedelta(days=3)))
        tasks.append(TaskTemplate("pc_setup", _("Install and set up the PC"), who,
                                  group=groups.get("pc_group"), depends_on=("pc_order",)))
    due = None
    if isinstance(first_day, date) and first_day > office_today():
        due = timedelta(days=(first_day - office_today()).days)
    tasks.append(TaskTemplate("hand_over", _("Hand everything over on the first day"), who,
                              due_in=due, depends_on=tuple(t.key for t in tasks)))
    return tasks
