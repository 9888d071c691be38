"""Evaluation cycles: open one over a period, read each technician's figures (linked to their
requests), write a score and comments, close the evaluation; the history of each person."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import Conflict, NotFound, ValidationFailed
from hdcore import services as svc
from hdcore.services.evaluation import default_cycle_start
from web import analytics as a
from web.context import db
from web.manage.blueprint import bp

#: The evaluation's figures link to the manager's report drill-down.
SCOPE = a.Scope(drill="manage.report_requests", export="manage.report_export")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat((request.form.get(name) or "").strip())
    except ValueError:
        return None


@bp.route("/evaluations", methods=["GET", "POST"])
def evaluations() -> str | Response:
    """The cycles, newest first, and the form that opens a new one."""
    errors: dict[str, list[str]] = {}
    form = {"kind": "monthly", "starts_on": default_cycle_start(a.today()).isoformat(),
            "ends_on": "", "name": ""}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in form}
        starts = _date("starts_on")
        ends = _date("ends_on")
        try:
            if form["starts_on"] and starts is None:
                raise ValidationFailed({"starts_on": [_("Give a date as YYYY-MM-DD.")]})
            if form["ends_on"] and ends is None:
                raise ValidationFailed({"ends_on": [_("Give a date as YYYY-MM-DD.")]})
            cycle = svc.create_cycle(db(), current_user, name=form["name"], kind=form["kind"],
                                     starts_on=starts, ends_on=ends)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("The cycle was opened."), "success")
            return redirect(url_for("manage.evaluation_cycle", cycle_id=cycle.id))
    return render_template("manage/evaluations.html", cycles=svc.cycles(db(), current_user),
                           form=form, errors=errors), 400 if errors else 200


@bp.route("/evaluations/<int:cycle_id>")
def evaluation_cycle(cycle_id: int) -> str:
    """A cycle: each technician's main figures and where their evaluation stands."""
    try:
        cycle = svc.get_cycle(db(), current_user, cycle_id)
    except NotFound:
        abort(404)
    rows = [svc.evaluation_view(db(), current_user, ev.id) for ev in cycle.evaluations]
    return render_template("manage/evaluation_cycle.html", cycle=cycle, rows=rows,
                           hours=a.hours, percent=a.percent, score=a.score)


@bp.route("/evaluations/e/<int:evaluation_id>", methods=["GET", "POST"])
def evaluation(evaluation_id: int) -> str | Response:
    """One technician's evaluation: figures with their requests, score and comments."""
    errors: dict[str, list[str]] = {}
    form = None
    if request.method == "POST":
        form = {"score": request.form.get("score", ""),
                "comments": request.form.get("comments", "")}
        closing = request.form.get("action") == "close"
        try:
            svc.save_evaluation(db(), current_user, evaluation_id, form, close=closing,
                                expected_version=request.form.get("version", type=int))
        except NotFound:
            abort(404)
        except ValidationFailed as exc:
            errors = exc.errors
        except Conflict as exc:
            flash(str(exc), "error")
        else:
            flash(_("The evaluation was closed.") if closing else _("The evaluation was saved."),
                  "success")
            return redirect(url_for("manage.evaluation", evaluation_id=evaluation_id))
    try:
        view = svc.evaluation_view(db(), current_user, evaluation_id)
    except NotFound:
        abort(404)
    history = [e for e in svc.history_of(db(), current_user, view.evaluation.technician_id)
               if e.id != evaluation_id]
    return render_template("manage/evaluation.html", view=view, editable=True, form=form,
                           errors=errors, scope=SCOPE,
                           history=history, back=None), 400 if errors else 200
