"""Splitting a request into tasks: several lines at once, all created or none.

Inputs are named ``tasks-<line>-<field>``. Empty lines are left out before the service sees
the rest; its errors (``tasks.<i>.<field>``) then refer to the lines that were sent, so a
refused form is drawn again with exactly those lines, in order, and the errors next to them.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import CategoryDisabled, PermissionDenied, ServiceRequest, ValidationFailed
from hdcore import services as svc
from hdcore.services.task_batch import MAX_LINES
from web.context import db
from web.dispatch.blueprint import bp
from web.dispatch.common import assign_choices, request_url
from web.views_common import flash_refusal, load_visible

#: The inputs of one line.
LINE_INPUTS = ("title", "description", "assignee", "group", "due_at", "depends_on")
#: Lines shown on a fresh form, and added by "more lines".
START_LINES = 3


def _posted_lines() -> list[dict[str, str]]:
    """Every line of the posted form, as typed."""
    count = min(request.form.get("lines", START_LINES, type=int) or START_LINES, MAX_LINES)
    return [{f: (request.form.get(f"tasks-{i}-{f}") or "").strip() for f in LINE_INPUTS}
            for i in range(count)]


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _for_service(lines: list[dict[str, str]]) -> tuple[list[dict[str, Any]],
                                                       list[dict[str, str]]]:
    """The filled lines for :func:`add_tasks` and, in the same order, as typed.

    A dependency names a line of the form; it becomes the index among the filled lines (an
    empty line, or one that is not earlier, becomes an index the service refuses).
    """
    filled = [(i, line) for i, line in enumerate(lines) if any(line.values())]
    position = {orig: new for new, (orig, _line) in enumerate(filled)}
    out: list[dict[str, Any]] = []
    kept: list[dict[str, str]] = []
    for new, (_orig, line) in enumerate(filled):
        dep = _id(line["depends_on"])
        dep_new = position.get(dep, len(filled)) if dep is not None else None
        out.append({
            "title": line["title"], "description": line["description"],
            "assignee": _id(line["assignee"]), "group": _id(line["group"]),
            "due_at": line["due_at"] or None,
            "depends_on": [dep_new] if dep_new is not None else [],
        })
        kept.append({**line, "depends_on": str(dep_new) if dep_new is not None and
                     dep_new < new else ""})
    return out, kept


def _render(req: ServiceRequest, lines: list[dict[str, str]],
            errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    while len(lines) < START_LINES:
        lines.append(dict.fromkeys(LINE_INPUTS, ""))
    return render_template(
        "dispatch/split.html", req=req, lines=lines, errors=errors or {},
        choices=assign_choices(), max_lines=MAX_LINES,
        bad_lines={int(k.split(".")[1]) for k in errors or {}
                   if k.startswith("tasks.") and k.split(".")[1].isdigit()},
        tasks=list(req.tasks), is_final=svc.host_of(db()).workflow(
            req.category).is_final(req.status),
    ), status


@bp.route("/r/<number>/split", methods=["GET", "POST"])
def split(number: str) -> Response | tuple[str, int]:
    """Several tasks for one request, each with a person or group, a due time and the
    earlier line it waits for; created in one go."""
    req = load_visible(db(), current_user, number)
    if request.method == "GET":
        return _render(req, [])
    lines = _posted_lines()
    if request.form.get("more"):
        # Draw the form again with more empty lines; nothing is written.
        extra = min(START_LINES, MAX_LINES - len(lines))
        return _render(req, lines + [dict.fromkeys(LINE_INPUTS, "") for _i in range(extra)])
    data, kept = _for_service(lines)
    try:
        made = svc.add_tasks(db(), current_user, req.id, data)
    except ValidationFailed as exc:
        flash(_("Nothing was created. Please correct the marked lines."), "error")
        return _render(req, kept, exc.errors)
    except (PermissionDenied, CategoryDisabled) as exc:
        flash_refusal(exc)
        return _render(req, lines, status=403)
    flash(ngettext("%(num)d task was added to %(number)s.", "%(num)d tasks were added to "
                   "%(number)s.", len(made), number=req.number), "success")
    return redirect(request_url(req.number))
