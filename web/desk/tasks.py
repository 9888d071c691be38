"""Tasks at the desk: open a task where it lives, start, complete, cancel or reopen it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import (
    CategoryDisabled,
    Conflict,
    PermissionDenied,
    Task,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from web.auth import safe_next
from web.context import db
from web.desk.blueprint import bp
from web.desk.forms import form_int
from web.views_common import flash_invalid, flash_refusal, load_visible


def _on_page(task: Task) -> str:
    return url_for("desk.request", number=task.request.number, _anchor=f"task-{task.id}")


def _visible_task(task_id: int) -> Task:
    """The task, if its request is visible to the viewer (NotFound answers 404 otherwise)."""
    task = svc.get_task(db(), task_id)
    load_visible(db(), current_user, task.request.number)
    return task


@bp.route("/tasks/<int:task_id>")
def task(task_id: int) -> Response:
    """A task is shown on its request's page."""
    return redirect(_on_page(_visible_task(task_id)))


@bp.route("/tasks/<int:task_id>/<action>", methods=["POST"])
def task_action(task_id: int, action: str) -> Response:
    """Start, complete, cancel or reopen a task, then go back where the button was."""
    task = _visible_task(task_id)
    messages = {"start": _("Task started."), "complete": _("Task completed."),
                "cancel": _("Task cancelled."), "reopen": _("Task reopened.")}
    if action not in messages:
        abort(404)
    try:
        svc.transition_task(db(), current_user, task.id, action,
                            note=request.form.get("note", "").strip(),
                            expected_version=form_int("version"))
        flash(messages[action], "success")
    except Conflict:
        flash(_("Someone else changed this task meanwhile; its current state is shown."),
              "error")
    except ValidationFailed as exc:
        flash_invalid(exc)
    except (TransitionRefused, PermissionDenied, CategoryDisabled) as exc:
        flash_refusal(exc)
    return redirect(safe_next(request.form.get("next")) or _on_page(task))
