"""Surveys: the requester is asked on closing (not after an automatic close unless configured),
answers the category's questions, a low score alerts the leads; periodic surveys are built,
sent to everyone or a department, answered once and summed up (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import Conflict, NotFound, PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.models import Notification, OutboxMessage, SurveyResponse
from hdcore.services.surveys import audience_size, survey_results
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    clock_fixture,
    loan,
    plugins_fixture,
)


def solved(session, people):
    req = loan(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "start")
    svc.resolve(session, people.tech, req.id, "Handed over")
    return req


def survey_row(session, req):
    session.expire_all()
    return session.scalar(select(SurveyResponse).where(SurveyResponse.request_id == req.id))


def test_closing_opens_the_survey_with_the_categorys_questions(session, people, clock):
    q_all = svc.save_category_question(session, people.admin, None, "*",
                                       {"text": "Was the technician polite?", "kind": "yesno"})
    q_loan = svc.save_category_question(
        session, people.manager, None, "loan",
        {"text": "Which part was slow?", "kind": "choice",
         "choices": "Delivery\nPaperwork", "required": True})
    req = solved(session, people)
    assert survey_row(session, req) is None  # resolved is not closed yet
    svc.close(session, people.employee, req.id)
    assert survey_row(session, req).answered_at is None
    survey = svc.request_survey(session, people.employee, req.number)
    assert [q.id for q in survey.questions] == [q_all.id, q_loan.id]
    assert svc.pending_for(session, people.employee)[1][0].request_id == req.id

    with pytest.raises(ValidationFailed) as bad:
        svc.answer_request_survey(session, people.employee, req.id, 9, "",
                                  {f"q{q_all.id}": "maybe"})
    assert set(bad.value.errors) == {"score", f"q{q_all.id}", f"q{q_loan.id}"}
    assert survey_row(session, req).answered_at is None  # nothing half-written

    svc.answer_request_survey(session, people.employee, req.id, 4, "Fine",
                              {f"q{q_all.id}": "1", f"q{q_loan.id}": "0"})
    row = survey_row(session, req)
    assert row.score == 4 and row.comment == "Fine" and row.answered_at is not None
    assert sorted((a.question_id, a.number) for a in row.answers) == [
        (q_all.id, 1), (q_loan.id, 0)]
    assert session.get(type(req), req.id).rating == 4
    with pytest.raises(Conflict):
        svc.answer_request_survey(session, people.employee, req.id, 4)
    with pytest.raises(NotFound):  # only the requester has the survey
        svc.request_survey(session, people.other, req.number)


def test_a_low_score_alerts_the_leads(session, people, clock):
    req = solved(session, people)
    svc.close(session, people.employee, req.id)
    svc.answer_request_survey(session, people.employee, req.id, 2, "Took days")
    notes = list(session.scalars(select(Notification).where(Notification.kind == "low_rating")))
    assert [n.user_id for n in notes] == [people.lead.id]
    assert notes[0].params["score"] == 2
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "low_rating"))
    assert mail is not None and "2" in mail.subject and "Took days" in mail.body_text


def test_a_good_score_alerts_nobody_and_the_threshold_is_a_setting(session, people, clock):
    req = solved(session, people)
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 3)
    assert not session.scalars(select(Notification).where(
        Notification.kind == "low_rating")).all()
    # no questions: rating on the request's page answers the survey
    assert survey_row(session, req).answered_at is not None
    svc.set_plugin_settings(session, people.admin, "analytics",
                            {"low_score": 3, "survey_auto_closed": False})
    other = solved(session, people)
    svc.rate(session, people.employee, other.id, 3)
    assert len(session.scalars(select(Notification).where(
        Notification.kind == "low_rating")).all()) == 1


def test_auto_closed_requests_are_surveyed_only_when_configured(session, people, clock):
    req = solved(session, people)
    svc.system_transition(session, req.id, "auto_close", {"reason": "No answer"})
    assert survey_row(session, req) is None
    svc.set_plugin_settings(session, people.admin, "analytics",
                            {"low_score": 2, "survey_auto_closed": True})
    other = solved(session, people)
    svc.system_transition(session, other.id, "auto_close", {"reason": "No answer"})
    assert survey_row(session, other) is not None


def test_periodic_survey_for_a_department(session, people, clock):
    fin = people.employee.department
    with pytest.raises(PermissionDenied):
        svc.save_survey(session, people.tech, None, {"title": "Q4"})
    with pytest.raises(ValidationFailed) as bad:
        svc.save_survey(session, people.admin, None, {"title": "", "audience": "department"})
    assert set(bad.value.errors) == {"title", "department_id"}
    survey = svc.save_survey(session, people.admin, None, {
        "title": "IT service in Q4", "audience": "department", "department_id": fin.id})
    with pytest.raises(ValidationFailed):
        svc.send_survey(session, people.admin, survey.id)  # no question yet
    rating = svc.add_survey_question(session, people.admin, survey.id,
                                     {"text": "How do you rate IT?", "kind": "rating",
                                      "required": True})
    text = svc.add_survey_question(session, people.admin, survey.id,
                                   {"text": "What should change?", "kind": "text"})
    svc.send_survey(session, people.admin, survey.id)
    with pytest.raises(Conflict):
        svc.add_survey_question(session, people.admin, survey.id, {"text": "x", "kind": "text"})

    assert [s.id for s in svc.pending_for(session, people.employee)[0]] == [survey.id]
    assert svc.pending_for(session, people.other)[0] == []  # Sales is not asked
    with pytest.raises(NotFound):
        svc.answer_survey(session, people.other, survey.id, {f"q{rating.id}": "5"})
    with pytest.raises(ValidationFailed) as bad:
        svc.answer_survey(session, people.employee, survey.id, {f"q{text.id}": "More"})
    assert set(bad.value.errors) == {f"q{rating.id}"}
    svc.answer_survey(session, people.employee, survey.id,
                      {f"q{rating.id}": "4", f"q{text.id}": "Faster laptops"})
    svc.answer_survey(session, people.head, survey.id, {f"q{rating.id}": "2"})
    with pytest.raises(Conflict):
        svc.answer_survey(session, people.head, survey.id, {f"q{rating.id}": "5"})
    assert svc.pending_for(session, people.employee)[0] == []

    session.expire_all()
    survey = svc.survey_for(session, people.employee, survey.id)
    responses, results = survey_results(session, survey)
    assert responses == 2 and audience_size(session, survey) == 2
    assert results[0].average == 3.0 and dict(results[0].counts) == {
        "1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert results[1].texts == ["Faster laptops"]
    svc.close_survey(session, people.admin, survey.id)
    late = svc.create_user(session, None, username="sun.li", full_name="Sun Li",
                           department="FIN", password="demo")
    with pytest.raises(Conflict):  # closed: no more answers
        svc.answer_survey(session, late, survey.id, {f"q{rating.id}": "5"})
