"""The tasks an e-mail change is broken into when it is carried out."""

from __future__ import annotations

from dataclasses import replace

from hdcore import TaskStatus, TaskTemplate, TransitionContext
from plugins.email_admin.workflow import ACTION_TASKS, TASK_NEEDS_DETAIL

TITLE_MAX = 200


def carry_out_tasks(ctx: TransitionContext) -> list[TaskTemplate]:
    """The action's tasks, with the request's addresses filled in.

    A request carried out a second time (after going back to work) gets only the tasks it
    does not have yet, so nothing is done twice.
    """
    details = ctx.request.details
    templates = ACTION_TASKS.get(str(details.get("action")), ())
    existing = {t.template for t in ctx.request.tasks if t.status != TaskStatus.CANCELLED.value}
    values = {
        "mailbox": details.get("mailbox", ""),
        "employee": f"{details.get('employee_name', '')} ({details.get('employee_no', '')})",
        "lists": details.get("join_lists", ""),
        "forward_to": details.get("forward_to", ""),
    }
    out = []
    for tpl in templates:
        needed = TASK_NEEDS_DETAIL.get(tpl.key)
        if tpl.key in existing or (needed and not details.get(needed)):
            continue
        # Task titles are at most 200 characters; long addresses must not break the step.
        out.append(replace(tpl, title=(str(tpl.title) % values)[:TITLE_MAX],
                           description=str(tpl.description) % values))
    return out
