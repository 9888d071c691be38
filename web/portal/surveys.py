"""Surveys in the portal: what one is asked (closed requests, periodic surveys) and answering."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import Conflict, NotFound, ValidationFailed
from hdcore import services as svc
from hdcore.models import ServiceRequest
from hdcore.services.surveys import has_answered
from web.context import db
from web.portal.views import bp


@bp.route("/surveys")
def surveys() -> str:
    """The surveys waiting for me: periodic ones, and my closed requests."""
    periodic, requests = svc.pending_for(db(), current_user)
    reqs = {r.request_id: db().get(ServiceRequest, r.request_id) for r in requests}
    return render_template("portal/surveys.html", periodic=periodic, requests=requests,
                           reqs=reqs)


def _answers() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if k.startswith("q") and k[1:].isdigit()}


@bp.route("/r/<number>/survey", methods=["GET", "POST"])
def request_survey(number: str) -> str | Response:
    """The survey of one of my closed requests: a score, a comment, the category's questions."""
    try:
        survey = svc.request_survey(db(), current_user, number)
    except NotFound:
        abort(404)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        values = dict(request.form)
        try:
            svc.answer_request_survey(db(), current_user, survey.request.id,
                                      request.form.get("score"), request.form.get("comment", ""),
                                      _answers())
        except ValidationFailed as exc:
            errors = exc.errors
        except Conflict as exc:
            flash(str(exc), "error")
            return redirect(url_for("portal.detail", number=number))
        else:
            flash(_("Thank you for your answers."), "success")
            return redirect(url_for("portal.detail", number=number))
    return render_template("portal/survey.html", title=survey.request.title,
                           req=survey.request, questions=survey.questions,
                           answered=survey.answered, ask_score=survey.request.rating is None,
                           values=values, errors=errors), 400 if errors else 200


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
def periodic_survey(survey_id: int) -> str | Response:
    """A periodic survey I am asked."""
    try:
        survey = svc.survey_for(db(), current_user, survey_id)
    except NotFound:
        abort(404)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        values = dict(request.form)
        try:
            svc.answer_survey(db(), current_user, survey_id, _answers())
        except ValidationFailed as exc:
            errors = exc.errors
        except Conflict as exc:
            flash(str(exc), "error")
            return redirect(url_for("portal.surveys"))
        else:
            flash(_("Thank you for your answers."), "success")
            return redirect(url_for("portal.surveys"))
    answered = has_answered(db(), current_user, survey_id)
    closed = survey.status != "open"
    return render_template("portal/survey.html", title=survey.title, survey=survey, req=None,
                           questions=[q for q in survey.questions if q.active],
                           answered=answered or closed, ask_score=False, values=values,
                           errors=errors), 400 if errors else 200
