"""Surveys: the questions asked when a request closes, periodic surveys of IT's service, and
the answers to both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hdcore.analytics.plugin import SURVEYS_PERMISSION
from hdcore.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    ANY_CATEGORY,
    Department,
    QuestionKind,
    ServiceRequest,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    User,
    utcnow,
)
from hdcore.services.base import get_request, host_of, service
from hdcore.services.conversation import rate

TEXT_MAX = 5000
AUDIENCES = ("all", "department")
KINDS = tuple(k.value for k in QuestionKind)


def can_build_surveys(session: Session, actor: User) -> bool:
    """Whether ``actor`` holds the permission to edit surveys (managers and administrators
    unless the administrator gave it to other roles)."""
    return actor.is_active and host_of(session).has_permission(actor, SURVEYS_PERMISSION)


def _require_builder(session: Session, actor: User | None) -> None:
    if actor is None or not can_build_surveys(session, actor):
        raise PermissionDenied(str(_("Only managers and administrators can edit surveys.")))


def _clean_text(value: Any, field: str, errors: dict[str, list[str]], *, limit: int,
                required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors[field] = [str(_("This field is required."))]
    elif len(text) > limit:
        errors[field] = [str(_("At most %(n)d characters.")) % {"n": limit}]
    return text


def _question_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A question's fields, checked: text, kind, choices (one per line), required, position."""
    errors: dict[str, list[str]] = {}
    text = _clean_text(data.get("text"), "text", errors, limit=500)
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = [str(_("Choose how the question is answered."))]
    raw = data.get("choices") or []
    if isinstance(raw, str):
        raw = raw.splitlines()
    choices = [str(c).strip() for c in raw if str(c).strip()]
    if kind == QuestionKind.CHOICE and len(choices) < 2:
        errors["choices"] = [str(_("Give at least two choices, one per line."))]
    elif any(len(c) > 200 for c in choices):
        errors["choices"] = [str(_("At most %(n)d characters.")) % {"n": 200}]
    try:
        position = int(data.get("position") or 0)
    except (TypeError, ValueError):
        errors["position"] = [str(_("Give a whole number."))]
        position = 0
    return {"text": text, "kind": kind,
            "choices": choices if kind == QuestionKind.CHOICE else [],
            "required": bool(data.get("required")), "position": position,
            "active": bool(data.get("active", True))}, errors


# -- questions asked on closing ------------------------------------------------------------


def category_questions(session: Session, category: str, *,
                       active_only: bool = True) -> list[SurveyQuestion]:
    """The questions a category's closing survey asks (its own, then those of every category)."""
    q = select(SurveyQuestion).where(SurveyQuestion.survey_id.is_(None),
                                     SurveyQuestion.category.in_([category, ANY_CATEGORY]))
    if active_only:
        q = q.where(SurveyQuestion.active.is_(True))
    rows = list(session.scalars(q.order_by(SurveyQuestion.position, SurveyQuestion.id)))
    return sorted(rows, key=lambda r: (r.category != ANY_CATEGORY, r.position, r.id))


def all_category_questions(session: Session) -> list[SurveyQuestion]:
    """Every closing-survey question, by category."""
    return list(session.scalars(select(SurveyQuestion).where(SurveyQuestion.survey_id.is_(None))
                                .order_by(SurveyQuestion.category, SurveyQuestion.position,
                                          SurveyQuestion.id)))


@service
def save_category_question(session: Session, actor: User, question_id: int | None,
                           category: str, data: Mapping[str, Any]) -> SurveyQuestion:
    """Add (``question_id`` None) or change a question of a category's closing survey."""
    _require_builder(session, actor)
    values, errors = _question_fields(data)
    known = {c.name for c in host_of(session).categories()} | {ANY_CATEGORY}
    if category not in known:
        errors["category"] = [str(_("Unknown category."))]
    if errors:
        raise ValidationFailed(errors)
    if question_id is None:
        question = SurveyQuestion(category=category)
        session.add(question)
    else:
        question = session.get(SurveyQuestion, question_id)
        if question is None or question.survey_id is not None:
            raise NotFound(f"no question {question_id}")
        question.category = category
    for key, value in values.items():
        setattr(question, key, value)
    session.flush()
    return question


@service
def delete_question(session: Session, actor: User, question_id: int) -> None:
    """Remove a question (of a category, or of a survey still being built) with its answers.

    A question of a sent survey cannot be removed: its answers are the survey's results.
    """
    _require_builder(session, actor)
    question = session.get(SurveyQuestion, question_id)
    if question is None:
        raise NotFound(f"no question {question_id}")
    if question.survey is not None and question.survey.status != "draft":
        raise Conflict(str(_("The survey was sent; its questions can no longer change.")))
    session.delete(question)


# -- the survey of a closed request --------------------------------------------------------


@dataclass
class RequestSurvey:
    """A requester's survey of one closed request: the invitation and the questions."""

    request: ServiceRequest
    response: SurveyResponse
    questions: list[SurveyQuestion]

    @property
    def answered(self) -> bool:
        """Whether the requester has sent it."""
        return self.response.answered_at is not None


def request_survey(session: Session, actor: User, request_id: int | str) -> RequestSurvey:
    """The survey of a closed request, for its requester (NotFound when none was opened)."""
    req = get_request(session, request_id)
    if req.requester_id != actor.id:
        raise NotFound(f"no survey for {request_id}")
    response = session.scalar(select(SurveyResponse).where(SurveyResponse.request_id == req.id))
    if response is None:
        raise NotFound(f"no survey for {request_id}")
    return RequestSurvey(req, response, category_questions(session, req.category))


def _answers(questions: list[SurveyQuestion], raw: Mapping[str, Any],
             errors: dict[str, list[str]]) -> list[tuple[SurveyQuestion, int | None, str | None]]:
    """The answers to ``questions`` from ``raw`` (``q<id>`` keys), each bad one named."""
    out = []
    for q in questions:
        key = f"q{q.id}"
        value = raw.get(key)
        text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
        if not text:
            if q.required:
                errors[key] = [str(_("Please answer this question."))]
            continue
        if q.kind == QuestionKind.TEXT:
            if len(text) > TEXT_MAX:
                errors[key] = [str(_("At most %(n)d characters.")) % {"n": TEXT_MAX}]
            else:
                out.append((q, None, text))
            continue
        try:
            number = int(text)
        except ValueError:
            number = -1
        allowed = {QuestionKind.RATING: range(1, 6), QuestionKind.YESNO: range(0, 2),
                   QuestionKind.CHOICE: range(len(q.choices))}[QuestionKind(q.kind)]
        if number not in allowed:
            errors[key] = [str(_("Choose one of the answers offered."))]
        else:
            out.append((q, number, None))
    return out


@service
def answer_request_survey(session: Session, actor: User, request_id: int | str,
                          score: Any, comment: str = "",
                          answers: Mapping[str, Any] | None = None) -> SurveyResponse:
    """The requester answers the survey of their closed request: a 1-5 score (unless they
    rated already), a comment and the category's questions. A low score alerts the leads."""
    survey = request_survey(session, actor, request_id)
    if survey.answered:
        raise Conflict(str(_("You have already answered this survey.")))
    errors: dict[str, list[str]] = {}
    req = survey.request
    if req.rating is None:
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors["score"] = [str(_("Give a score from 1 to 5."))]
    comment = _clean_text(comment, "comment", errors, limit=TEXT_MAX, required=False)
    given = _answers(survey.questions, answers or {}, errors)
    if errors:
        raise ValidationFailed(errors)
    if req.rating is None:
        rate(session, actor, req.id, score, comment)
    response = survey.response
    response.score = req.rating
    response.comment = comment or None
    response.answered_at = utcnow()
    for q, number, text in given:
        response.answers.append(SurveyAnswer(question_id=q.id, number=number, text=text))
    session.flush()
    return response


# -- periodic surveys ----------------------------------------------------------------------


def _survey_fields(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "title": _clean_text(data.get("title"), "title", errors, limit=200),
        "description": _clean_text(data.get("description"), "description", errors,
                                   limit=TEXT_MAX, required=False),
    }
    audience = str(data.get("audience") or "all")
    if audience not in AUDIENCES:
        errors["audience"] = [str(_("Choose who is asked."))]
    values["audience"] = audience
    values["department_id"] = None
    if audience == "department":
        dept = data.get("department_id")
        found = session.get(Department, int(dept)) if str(dept or "").isdigit() else None
        if found is None:
            errors["department_id"] = [str(_("Choose the department asked."))]
        else:
            values["department_id"] = found.id
    closes = data.get("closes_at")
    if closes is not None and not isinstance(closes, datetime):
        errors["closes_at"] = [str(_("Give a date."))]
    values["closes_at"] = closes
    if errors:
        raise ValidationFailed(errors)
    return values


@service
def save_survey(session: Session, actor: User, survey_id: int | None,
                data: Mapping[str, Any]) -> Survey:
    """Create (``survey_id`` None) or change a periodic survey still being built."""
    _require_builder(session, actor)
    values = _survey_fields(session, data)
    if survey_id is None:
        survey = Survey(created_by_id=actor.id, created_at=utcnow(), status="draft")
        session.add(survey)
    else:
        survey = get_survey(session, survey_id)
        if survey.status != "draft":
            raise Conflict(str(_("The survey was sent; it can no longer change.")))
    for key, value in values.items():
        setattr(survey, key, value)
    session.flush()
    return survey


def get_survey(session: Session, survey_id: int) -> Survey:
    """A periodic survey by id; NotFound otherwise."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound(f"no survey {survey_id}")
    return survey


def surveys(session: Session) -> list[Survey]:
    """Every periodic survey, newest first."""
    return list(session.scalars(select(Survey).order_by(Survey.id.desc())))


@service
def add_survey_question(session: Session, actor: User, survey_id: int,
                        data: Mapping[str, Any]) -> SurveyQuestion:
    """Add a question to a survey still being built."""
    _require_builder(session, actor)
    survey = get_survey(session, survey_id)
    if survey.status != "draft":
        raise Conflict(str(_("The survey was sent; its questions can no longer change.")))
    values, errors = _question_fields(data)
    if errors:
        raise ValidationFailed(errors)
    if not values["position"]:
        values["position"] = len(survey.questions) + 1
    question = SurveyQuestion(survey=survey, **values)
    session.add(question)
    session.flush()
    return question


@service
def send_survey(session: Session, actor: User, survey_id: int) -> Survey:
    """Open a built survey to its audience (they find it in the portal)."""
    _require_builder(session, actor)
    survey = get_survey(session, survey_id)
    if survey.status != "draft":
        raise Conflict(str(_("The survey was already sent.")))
    if not survey.questions:
        raise ValidationFailed({"questions": [str(_("Add at least one question first."))]})
    survey.status = "open"
    survey.sent_at = utcnow()
    return survey


@service
def close_survey(session: Session, actor: User, survey_id: int) -> Survey:
    """Stop taking answers."""
    _require_builder(session, actor)
    survey = get_survey(session, survey_id)
    if survey.status != "open":
        raise Conflict(str(_("Only an open survey can be closed.")))
    survey.status = "closed"
    survey.closed_at = utcnow()
    return survey


def in_audience(survey: Survey, user: User) -> bool:
    """Whether ``user`` is asked by ``survey``."""
    return survey.audience == "all" or (survey.department_id is not None
                                        and user.department_id == survey.department_id)


def _is_open(survey: Survey) -> bool:
    return survey.status == "open" and (survey.closes_at is None or survey.closes_at > utcnow())


def pending_for(session: Session, user: User) -> tuple[list[Survey], list[SurveyResponse]]:
    """What ``user`` is asked to answer: open periodic surveys, and closed requests' surveys."""
    answered = select(SurveyResponse.survey_id).where(SurveyResponse.user_id == user.id,
                                                      SurveyResponse.survey_id.is_not(None))
    periodic = [s for s in session.scalars(
        select(Survey).where(Survey.status == "open", Survey.id.not_in(answered),
                             or_(Survey.audience == "all",
                                 Survey.department_id == user.department_id))
        .order_by(Survey.sent_at.desc())) if _is_open(s)]
    requests = list(session.scalars(
        select(SurveyResponse).where(SurveyResponse.user_id == user.id,
                                     SurveyResponse.request_id.is_not(None),
                                     SurveyResponse.answered_at.is_(None))
        .order_by(SurveyResponse.created_at.desc()).limit(50)))
    return periodic, requests


def survey_for(session: Session, actor: User, survey_id: int) -> Survey:
    """An open survey ``actor`` is asked (NotFound otherwise)."""
    survey = get_survey(session, survey_id)
    if survey.status == "draft" or not in_audience(survey, actor):
        raise NotFound(f"no survey {survey_id}")
    return survey


def has_answered(session: Session, actor: User, survey_id: int) -> bool:
    """Whether ``actor`` has answered the periodic survey."""
    return session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.user_id == actor.id)) > 0


@service
def answer_survey(session: Session, actor: User, survey_id: int,
                  answers: Mapping[str, Any]) -> SurveyResponse:
    """``actor`` answers a periodic survey they are asked (once)."""
    survey = survey_for(session, actor, survey_id)
    if not _is_open(survey):
        raise Conflict(str(_("This survey is closed.")))
    if has_answered(session, actor, survey_id):
        raise Conflict(str(_("You have already answered this survey.")))
    errors: dict[str, list[str]] = {}
    given = _answers([q for q in survey.questions if q.active], answers, errors)
    if errors:
        raise ValidationFailed(errors)
    response = SurveyResponse(survey_id=survey.id, user_id=actor.id, created_at=utcnow(),
                              answered_at=utcnow())
    for q, number, text in given:
        response.answers.append(SurveyAnswer(question_id=q.id, number=number, text=text))
    session.add(response)
    session.flush()
    return response


@dataclass
class QuestionSummary:
    """The answers to one question, summed up."""

    question: SurveyQuestion
    answered: int
    average: float | None
    #: ``(label, count)`` per possible answer (ratings 1-5, yes/no, each choice).
    counts: list[tuple[str, int]]
    texts: list[str]


def audience_size(session: Session, survey: Survey) -> int:
    """How many active people the survey asks."""
    q = select(func.count()).select_from(User).where(User.is_active.is_(True))
    if survey.audience == "department":
        q = q.where(User.department_id == survey.department_id)
    return int(session.scalar(q) or 0)


def survey_results(session: Session, survey: Survey) -> tuple[int, list[QuestionSummary]]:
    """How many answered, and each question's results (counted by the database)."""
    responses = int(session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id)) or 0)
    ids = [q.id for q in survey.questions]
    stats = {qid: (n, avg) for qid, n, avg in session.execute(
        select(SurveyAnswer.question_id, func.count(), func.avg(SurveyAnswer.number))
        .where(SurveyAnswer.question_id.in_(ids)).group_by(SurveyAnswer.question_id))}
    dist: dict[int, dict[int, int]] = {}
    for qid, number, n in session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.number, func.count())
            .where(SurveyAnswer.question_id.in_(ids), SurveyAnswer.number.is_not(None))
            .group_by(SurveyAnswer.question_id, SurveyAnswer.number)):
        dist.setdefault(qid, {})[number] = n
    out = []
    for q in survey.questions:
        n, avg = stats.get(q.id, (0, None))
        per = dist.get(q.id, {})
        if q.kind == QuestionKind.RATING:
            counts = [(str(i), per.get(i, 0)) for i in range(1, 6)]
        elif q.kind == QuestionKind.YESNO:
            counts = [(str(_("Yes")), per.get(1, 0)), (str(_("No")), per.get(0, 0))]
        elif q.kind == QuestionKind.CHOICE:
            counts = [(c, per.get(i, 0)) for i, c in enumerate(q.choices)]
        else:
            counts = []
        texts = [] if q.kind != QuestionKind.TEXT else list(session.scalars(
            select(SurveyAnswer.text).where(SurveyAnswer.question_id == q.id)
            .order_by(SurveyAnswer.id.desc()).limit(100)))
        out.append(QuestionSummary(q, int(n), float(avg) if avg is not None
                                   and q.kind == QuestionKind.RATING else None, counts, texts))
    return responses, out
