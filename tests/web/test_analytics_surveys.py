"""Surveys over HTTP: the administrator builds closing questions and a periodic survey, the
requester answers in the portal (bad answers named, what was typed kept), results summed up."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hdcore import services as svc
from hdcore.models import SurveyResponse
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    clock_fixture,
    loan,
    plugins_fixture,
)


@pytest.fixture
def closed(session, people, clock):
    req = loan(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "start")
    svc.resolve(session, people.tech, req.id, "Handed over")
    svc.close(session, people.employee, req.id)
    return req


def test_closing_question_built_and_answered(browser, session, people, closed):
    admin = browser("admin")
    resp = admin.post("/admin/surveys", {"category": "*", "text": "", "kind": "rating",
                                         "new": "1", "active": "1"})
    assert resp.status_code == 400 and "This field is required." in resp.get_data(as_text=True)
    resp = admin.post("/admin/surveys", {"category": "loan", "text": "Was the laptop clean?",
                                         "kind": "yesno", "required": "1", "new": "1",
                                         "active": "1"})
    assert resp.status_code == 302
    question = svc.category_questions(session, "loan")[0]

    employee = browser("zhang.wei")
    listing = employee.get("/portal/surveys").get_data(as_text=True)
    assert f"/portal/r/{closed.number}/survey" in listing
    url = f"/portal/r/{closed.number}/survey"
    page = employee.get(url).get_data(as_text=True)
    assert "Was the laptop clean?" in page
    resp = employee.post(url, {"comment": "Quick"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Give a score from 1 to 5." in html and "Please answer this question." in html
    assert ">Quick</textarea>" in html  # what was typed is kept
    resp = employee.post(url, {"score": "5", "comment": "Quick", f"q{question.id}": "1"})
    assert resp.status_code == 302
    session.rollback()  # a fresh read: the page wrote in its own transaction
    row = session.scalar(select(SurveyResponse).where(SurveyResponse.request_id == closed.id))
    assert row.score == 5 and [a.number for a in row.answers] == [1]
    assert browser("liu.yang").get(url).status_code == 404  # not their request


def test_periodic_survey_built_sent_answered_and_summed_up(browser, session, people, clock):
    admin = browser("admin")
    resp = admin.post("/admin/surveys/new", {"title": "IT this year", "audience": "all"})
    assert resp.status_code == 302
    url = resp.location
    resp = admin.post(url, {"action": "question", "text": "Rate IT", "kind": "rating",
                            "required": "1", "new": "1", "active": "1"})
    assert resp.status_code == 302
    resp = admin.post(url, {"action": "question", "text": "Channel", "kind": "choice",
                            "choices": "Portal\nPhone", "new": "1", "active": "1"})
    assert resp.status_code == 302
    assert admin.post(url, {"action": "send"}).status_code == 302
    survey_id = int(url.rstrip("/").rsplit("/", 1)[1])

    employee = browser("zhang.wei")
    assert f"/portal/surveys/{survey_id}" in employee.get("/portal/surveys").get_data(
        as_text=True)
    answer_url = f"/portal/surveys/{survey_id}"
    ids = re.findall(r'name="q(\d+)"', employee.get(answer_url).get_data(as_text=True))
    rate_q, channel_q = sorted(set(int(i) for i in ids))
    resp = employee.post(answer_url, {f"q{channel_q}": "1"})
    assert resp.status_code == 400 and "Please answer this question." in resp.get_data(
        as_text=True)
    assert employee.post(answer_url, {f"q{rate_q}": "4", f"q{channel_q}": "1"}
                         ).status_code == 302
    assert "takes no more answers" in employee.get(answer_url).get_data(as_text=True)

    results = admin.get(url).get_data(as_text=True)
    assert "Average: 4.00 of 5 from 1 answers" in results
    assert re.search(r"<th>Phone</th><td><meter[^>]*value=\"1\"", results)
    assert browser("li.na").get("/admin/surveys").status_code == 403
