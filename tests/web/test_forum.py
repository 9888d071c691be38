"""The forum over HTTP: ask, reply, accept, moderate, turn into a request, escape the text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import services as svc
from hdcore.models import ForumThread, ServiceRequest
from tests.core.sample_plugin import LoanPlugin


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def test_ask_reply_accept_and_file_as_a_request(browser, people, session):
    emp = browser("zhang.wei")
    resp = emp.post("/forum/new", {"board": "loan", "title": "", "body": ""})
    assert resp.status_code == 422 and "A short title is required." in resp.get_data(True)
    resp = emp.post("/forum/new", {"board": "loan", "title": "借投影仪",
                                   "body": "<script>alert(1)</script>明天开会要用"})
    thread_id = int(resp.location.rsplit("/", 1)[1])
    page = emp.get(f"/forum/t/{thread_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;明天开会要用" in page  # shown as text

    tech = browser("li.na")
    tech.post(f"/forum/t/{thread_id}/reply", {"body": "可以，去三楼领取"},
              page=f"/forum/t/{thread_id}")
    thread = session.get(ForumThread, thread_id)
    session.refresh(thread)
    answer = thread.posts[1]
    emp.post(f"/forum/p/{answer.id}/accept", {"thread": thread_id}, page=f"/forum/t/{thread_id}")
    assert "Accepted answer" in emp.get(f"/forum/t/{thread_id}").get_data(as_text=True)

    resp = emp.post(f"/forum/t/{thread_id}/to-request", {}, page=f"/forum/t/{thread_id}")
    assert resp.status_code == 302 and "/portal/r/" in resp.location
    session.rollback()
    req = session.scalars(select(ServiceRequest)).one()
    assert req.title == "借投影仪" and req.requester_id == people.employee.id
    assert req.number in emp.get(f"/forum/t/{thread_id}").get_data(as_text=True)
    listing = emp.get("/forum/b/loan").get_data(as_text=True)
    assert "借投影仪" in listing and "Answered" in listing


def test_only_the_lead_moderates(browser, people, session):
    thread = svc.start_thread(session, people.employee, board="general", title="Spam",
                              body="buy now")
    emp = browser("zhang.wei")
    assert "Moderation" not in emp.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert emp.post(f"/forum/t/{thread.id}/moderate", {"action": "hide"},
                    page=f"/forum/t/{thread.id}").status_code == 403
    lead = browser("wang.fang")
    lead.post(f"/forum/t/{thread.id}/moderate", {"action": "hide"}, page=f"/forum/t/{thread.id}")
    assert emp.get(f"/forum/t/{thread.id}").status_code == 404
    assert "Spam" not in emp.get("/forum/").get_data(as_text=True)
    assert "Spam" in lead.get("/forum/").get_data(as_text=True)
