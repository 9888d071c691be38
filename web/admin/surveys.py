"""Surveys in the administration: the questions asked when a request closes (per category),
and periodic surveys built, sent to everyone or a department, and their results."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hdcore import Conflict, NotFound, ValidationFailed
from hdcore import services as svc
from hdcore.models import ANY_CATEGORY, QUESTION_KIND_LABELS, Department, QuestionKind
from hdcore.services.surveys import all_category_questions, audience_size, get_survey, surveys
from web.admin.blueprint import bp
from web.context import db, host
from web.formatting import category_label


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, str(QUESTION_KIND_LABELS[k])) for k in QuestionKind]


def _categories() -> list[tuple[str, str]]:
    return [(ANY_CATEGORY, _("Every category"))] + [(c.name, category_label(c.name))
                                                    for c in host().categories()]


def _question_form() -> dict[str, Any]:
    return {"text": request.form.get("text", ""), "kind": request.form.get("kind", ""),
            "choices": request.form.get("choices", ""),
            "required": bool(request.form.get("required")),
            "active": bool(request.form.get("active")),
            "position": request.form.get("position", "0") or "0"}


@bp.route("/surveys", methods=["GET", "POST"])
def surveys_admin() -> str | Response:
    """The closing questions by category (with the form adding one) and the periodic surveys."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"kind": "rating", "category": ANY_CATEGORY, "active": True}
    if request.method == "POST":
        values = {**_question_form(), "category": request.form.get("category", "")}
        qid = request.form.get("question_id", type=int)
        try:
            svc.save_category_question(db(), current_user, qid, values["category"], values)
        except NotFound:
            abort(404)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("The question was saved."), "success")
            return redirect(url_for("admin.surveys_admin"))
    return render_template("admin/surveys.html", questions=all_category_questions(db()),
                           surveys=surveys(db()), kinds=_kinds(), categories=_categories(),
                           values=values, errors=errors, kind_labels=dict(_kinds()),
                           category_names=dict(_categories())), 400 if errors else 200


@bp.route("/surveys/questions/<int:question_id>/delete", methods=["POST"])
def delete_survey_question(question_id: int) -> Response:
    """Remove a question (and its answers)."""
    back = request.form.get("back") or url_for("admin.surveys_admin")
    try:
        svc.delete_question(db(), current_user, question_id)
    except NotFound:
        abort(404)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(_("The question was removed."), "success")
    return redirect(back if back.startswith("/") else url_for("admin.surveys_admin"))


def _survey_form() -> dict[str, Any]:
    closes = (request.form.get("closes_on") or "").strip()
    closes_at: Any = None
    if closes:
        try:
            day = datetime.fromisoformat(closes).date()
            closes_at = datetime.combine(day, time(23, 59), svc.company_timezone(db())
                                         ).astimezone(UTC)
        except ValueError:
            closes_at = closes  # the service names it
    return {"title": request.form.get("title", ""),
            "description": request.form.get("description", ""),
            "audience": request.form.get("audience", "all"),
            "department_id": request.form.get("department_id", ""), "closes_at": closes_at,
            "closes_on": closes}


def _departments() -> list[Department]:
    return list(db().scalars(select(Department).order_by(Department.name)))


@bp.route("/surveys/new", methods=["GET", "POST"])
def new_survey() -> str | Response:
    """Start building a periodic survey."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"audience": "all"}
    if request.method == "POST":
        values = _survey_form()
        try:
            survey = svc.save_survey(db(), current_user, None, values)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("The survey was created; add its questions."), "success")
            return redirect(url_for("admin.edit_survey", survey_id=survey.id))
    return render_template("admin/survey_form.html", survey=None, values=values, errors=errors,
                           departments=_departments(), kinds=_kinds()), 400 if errors else 200


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
def edit_survey(survey_id: int) -> str | Response:
    """A survey: its settings and questions while being built; send, close, results."""
    try:
        survey = get_survey(db(), survey_id)
    except NotFound:
        abort(404)
    errors: dict[str, list[str]] = {}
    qerrors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "title": survey.title, "description": survey.description, "audience": survey.audience,
        "department_id": survey.department_id or "",
        "closes_on": survey.closes_at.astimezone(svc.company_timezone(db())).date().isoformat()
        if survey.closes_at else ""}
    qvalues: dict[str, Any] = {"kind": "rating"}
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            if action == "save":
                values = _survey_form()
                svc.save_survey(db(), current_user, survey_id, values)
                flash(_("The survey was saved."), "success")
            elif action == "question":
                qvalues = _question_form()
                svc.add_survey_question(db(), current_user, survey_id, qvalues)
                flash(_("The question was added."), "success")
            elif action == "send":
                svc.send_survey(db(), current_user, survey_id)
                flash(_("The survey was sent; people find it in the portal."), "success")
            elif action == "close":
                svc.close_survey(db(), current_user, survey_id)
                flash(_("The survey was closed."), "success")
            else:
                abort(400)
        except ValidationFailed as exc:
            if action == "question":
                qerrors = exc.errors
            else:
                errors = exc.errors
            flash("; ".join(m for msgs in exc.errors.values() for m in msgs), "error")
        except Conflict as exc:
            flash(str(exc), "error")
        else:
            return redirect(url_for("admin.edit_survey", survey_id=survey_id))
    responses, results = (svc.survey_results(db(), survey) if survey.status != "draft"
                          else (0, []))
    return render_template(
        "admin/survey_form.html", survey=survey, values=values, errors=errors,
        qvalues=qvalues, qerrors=qerrors, departments=_departments(), kinds=_kinds(),
        kind_labels=dict(_kinds()), responses=responses, results=results,
        audience=audience_size(db(), survey),
    ), 400 if errors or qerrors else 200
