"""What IT staff do on a request: take steps, write, assign, escalate, attach, add tasks.

Each action parses the form, calls one service and redirects back to the request page. A
refused form is drawn again with what was typed and the errors next to the fields; a stale
version says that someone else changed the request meanwhile (409) and keeps the input; a
step the workflow or the permissions refuse is explained in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import (
    CategoryDisabled,
    Conflict,
    PermissionDenied,
    ServiceRequest,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from web.context import db
from web.desk.blueprint import bp
from web.desk.forms import FormState, form_int, form_ints, form_version, local_datetime
from web.desk.workspace import render_workspace
from web.files import uploads
from web.schema_forms import parse_form
from web.views_common import flash_refusal, load_visible, transition_or_404

Page = Response | tuple[str, int]


def conflict_message() -> str:
    """What a stale form says."""
    return _("Someone else changed this request meanwhile. The page now shows its current "
             "state; your input is kept below. Check it and send it again.")


def back(req: ServiceRequest, anchor: str | None = None) -> Response:
    """Back to the request page (Post/Redirect/Get)."""
    return redirect(url_for("desk.request", number=req.number, _anchor=anchor))


def attempt(req: ServiceRequest, form: str, values: dict[str, Any], action: Callable[[], Any],
            done: str, anchor: str | None = None) -> Page:
    """Run one service call for the request page's ``form`` and answer as the desk does."""
    try:
        action()
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return render_workspace(req, {form: FormState(values, exc.errors)}, 200)
    except Conflict:
        flash(conflict_message(), "error")
        return render_workspace(req, {form: FormState(values, conflict=True)}, 409)
    except (TransitionRefused, PermissionDenied, CategoryDisabled) as exc:
        flash_refusal(exc)
        return back(req, anchor)
    flash(done, "success")
    return back(req, anchor)


@bp.route("/r/<number>/step/<name>", methods=["POST"])
def step(number: str, name: str) -> Page:
    """Take one of the category's steps, with the fields it requires."""
    req = load_visible(db(), current_user, number)
    t = transition_or_404(req, name)
    data = parse_form(t.schema, request.form, prefix=f"{t.name}.") if t.schema else {}
    return attempt(
        req, f"step:{t.name}", data,
        lambda: svc.transition(db(), current_user, req.id, t.name, data,
                               expected_version=form_version()),
        _("Done: %(step)s.", step=str(t.label)), "steps")


@bp.route("/r/<number>/comment", methods=["POST"])
def comment(number: str) -> Page:
    """Reply to the requester, or write an internal note, with files."""
    req = load_visible(db(), current_user, number)
    body = request.form.get("body", "")
    internal = request.form.get("visibility") == "internal"
    values = {"body": body, "visibility": "internal" if internal else "public"}
    done = _("Internal note added.") if internal else _("Reply sent to the requester.")
    return attempt(
        req, "comment", values,
        lambda: svc.add_comment(db(), current_user, req.id, body, internal=internal,
                                attachments=uploads(request)),
        done, "history-end")


@bp.route("/r/<number>/attachments", methods=["POST"])
def attach(number: str) -> Page:
    """Add a file to the request, for everyone who sees it or for IT staff only."""
    req = load_visible(db(), current_user, number)
    files = uploads(request, "file")
    internal = request.form.get("internal") == "1"
    if not files:
        return render_workspace(req, {"attachment": FormState(
            {"internal": internal}, {"file": [_("Choose a file.")]})}, 200)
    f = files[0]
    return attempt(
        req, "attachment", {"internal": internal},
        lambda: svc.add_attachment(db(), current_user, req.id, filename=f.filename,
                                   stream=f.stream, content_type=f.content_type,
                                   internal=internal),
        _("File %(name)s attached.", name=f.filename), "attachments")


@bp.route("/r/<number>/take", methods=["POST"])
def take(number: str) -> Page:
    """Assign the request to oneself (keeping its group)."""
    req = load_visible(db(), current_user, number)
    return attempt(
        req, "assign", {},
        lambda: svc.assign(db(), current_user, req.id, assignee=current_user.id,
                           expected_version=form_version()),
        _("You have taken %(n)s.", n=req.number))


@bp.route("/r/<number>/assign", methods=["POST"])
def assign(number: str) -> Page:
    """Assign the request to a person and/or a group."""
    req = load_visible(db(), current_user, number)
    values = {"assignee": form_int("assignee"), "group": form_int("group"),
              "reason": request.form.get("reason", "")}
    return attempt(
        req, "assign", values,
        lambda: svc.assign(db(), current_user, req.id, assignee=values["assignee"],
                           group=values["group"], reason=values["reason"].strip(),
                           expected_version=form_version()),
        _("Assignment saved."), "assignment")


@bp.route("/r/<number>/escalate", methods=["POST"])
def escalate(number: str) -> Page:
    """Escalate the request to the IT manager, saying why."""
    req = load_visible(db(), current_user, number)
    reason = request.form.get("reason", "")
    return attempt(
        req, "escalate", {"reason": reason},
        lambda: svc.escalate(db(), current_user, req.id, reason),
        _("The request was escalated; the IT manager is informed."))


@bp.route("/r/<number>/de-escalate", methods=["POST"])
def de_escalate(number: str) -> Page:
    """Take the request off the escalated list (the lead or a manager), with a note."""
    if not current_user.is_supervisor:
        abort(403)
    req = load_visible(db(), current_user, number)
    note = request.form.get("note", "")
    return attempt(
        req, "de_escalate", {"note": note},
        lambda: svc.de_escalate(db(), current_user, req.id, note,
                                expected_version=form_version()),
        _("%(number)s is no longer escalated.", number=req.number), "escalation")


@bp.route("/r/<number>/tasks", methods=["POST"])
def add_task(number: str) -> Page:
    """Add a task to the request (assignee, group, due time, the tasks it waits for)."""
    req = load_visible(db(), current_user, number)
    values: dict[str, Any] = {
        "title": request.form.get("title", ""), "description": request.form.get("description", ""),
        "assignee": form_int("assignee"), "group": form_int("group"),
        "due_at": request.form.get("due_at", ""), "depends_on": form_ints("depends_on"),
    }
    try:
        due = local_datetime(values["due_at"], "due_at")
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return render_workspace(req, {"task": FormState(values, exc.errors)}, 200)
    return attempt(
        req, "task", values,
        lambda: svc.add_task(db(), current_user, req.id, title=values["title"],
                             description=values["description"], assignee=values["assignee"],
                             group=values["group"], due_at=due,
                             depends_on=values["depends_on"]),
        _("Task added."), "tasks")

