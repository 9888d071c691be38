"""The IT manager's area over HTTP: the overview of open work, escalations and reassigning."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from hdcore import Event
from hdcore import services as svc
from hdcore.models import utcnow
from tests.core.sample_plugin import LoanPlugin
from tests.web.conftest import csrf_of
from tests.web.test_dispatch import cell, errors_on, file, reload, row, text_of


@pytest.fixture
def plugins():
    return [LoanPlugin()]


@pytest.mark.parametrize(("username", "status"), [
    ("zhang.wei", 403), ("li.na", 403), ("wang.fang", 403), ("chen.jie", 200), ("admin", 200),
])
def test_every_page_checks_the_role(browser, people, session, username, status):
    req = file(session, people, "Escalate me")
    svc.escalate(session, people.employee, req.id, "Too slow")
    b = browser(username)
    for url in ("/manage/", "/manage/escalations"):
        assert b.get(url).status_code == status, url
    if status == 403:
        token = csrf_of(b.get("/portal/").get_data(as_text=True))
        resp = b.client.post(f"/manage/escalations/{req.number}/reassign", data={
            "csrf_token": token, "assignee": str(people.tech.id)})
        assert resp.status_code == 403
        assert reload(session, req).assignee_id is None


def test_the_manager_lands_on_the_overview(browser, people):
    b = browser("chen.jie")
    assert b.get("/").location == "/manage/"
    assert browser().get("/manage/").status_code == 302


@pytest.fixture
def work(session, people):
    """Li Na: one new-to-her assigned, one in progress and overdue, one waiting, one resolved;
    Applications: one request only the group has; one escalated; one not assigned at all."""
    lead, tech = people.lead, people.tech
    a = file(session, people, "Assigned one")
    svc.assign(session, lead, a.id, assignee="li.na", group="Applications")
    b = file(session, people, "Working late")
    svc.assign(session, lead, b.id, assignee="li.na")
    svc.transition(session, tech, b.id, "start")
    b.resolve_due_at = utcnow() - timedelta(hours=1)
    session.commit()
    c = file(session, people, "Waiting on Zhang")
    svc.assign(session, lead, c.id, assignee="li.na")
    svc.transition(session, tech, c.id, "wait_requester", {"message": "Which floor?"})
    d = file(session, people, "Resolved one")
    svc.assign(session, lead, d.id, assignee="li.na")
    svc.resolve(session, tech, d.id, "Done")
    e = file(session, people, "Group's")
    svc.assign(session, lead, e.id, group="Applications")
    svc.escalate(session, people.employee, e.id, "Month-end close is blocked")
    closed = file(session, people, "Closed")
    svc.force_close(session, lead, closed.id, "Duplicate")
    f = file(session, people, "Nobody's")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def kinds(row_html: str) -> list[str]:
    return [cell(row_html, f"kind-{k}") for k in ("new", "active", "waiting", "resolved")]


def test_overview_counts_open_work_by_group_and_person(browser, people, work):
    html = browser("chen.jie").get("/manage/").get_data(as_text=True)
    li = row(html, 'data-user="li.na"')
    assert kinds(li) == ["0", "2", "1", "1"]
    assert [cell(li, c) for c in ("tasks", "overdue", "escalated")] == ["0", "1", "0"]
    apps = row(html, 'data-group="Applications"')
    assert kinds(apps) == ["0", "2", "0", "0"]
    assert cell(apps, "escalated") == "1"
    nobody = row(html, 'data-group=""')
    assert kinds(nobody) == ["1", "0", "0", "0"]
    stats = text_of(html[html.index('class="stats"'):html.index("By group")])
    assert "5 Open requests" in stats and "1 Resolved, not confirmed" in stats
    assert "1 Not assigned" in stats and "1 Overdue" in stats and "1 Escalated" in stats
    oldest = html[html.index("Oldest open requests"):]
    titles = [html_lib.unescape(t) for t in
              re.findall(r'<div class="req-title">([^<]*)</div>', oldest)]
    assert titles == ["Assigned one", "Working late", "Waiting on Zhang", "Group's", "Nobody's"]


def test_escalations_list_with_the_last_reason_and_who(browser, people, session, work):
    svc.escalate(session, people.tech, work["b"].id, "Vendor does not answer")
    svc.escalate(session, people.tech, work["b"].id, "Still no answer from the vendor")
    gone = work["c"]
    svc.escalate(session, people.employee, gone.id, "Forget it")
    svc.force_close(session, people.manager, gone.id, "Withdrawn by phone")
    html = browser("chen.jie").get("/manage/escalations").get_data(as_text=True)
    cards = re.findall(r'id="esc-([^"]+)"', html)
    assert cards == [work["b"].number, work["e"].number]  # level 2 before level 1
    b_card = text_of(row(html, f'id="esc-{work["b"].number}"'))
    assert "Level 2" in b_card and "Still no answer from the vendor" in b_card
    assert "Escalated by Li Na (Technician)" in b_card
    e_card = text_of(row(html, f'id="esc-{work["e"].number}"'))
    assert "Month-end close is blocked" in e_card
    assert "Escalated by Zhang Wei (the requester)" in e_card
    assert f'href="/desk/r/{work["e"].number}"' in row(html, f'id="esc-{work["e"].number}"')


def test_reassign_an_escalated_request_with_a_note(browser, people, session, work):
    req = work["e"]
    b = browser("chen.jie")
    resp = b.post(f"/manage/escalations/{req.number}/reassign", {
        "assignee": str(people.tech2.id), "group": str(people.infra.id),
        "reason": "Infrastructure knows this", "version": str(req.version),
    }, page="/manage/escalations")
    assert resp.status_code == 302 and resp.location == "/manage/escalations"
    reload(session, req)
    assert (req.assignee_id, req.group_id) == (people.tech2.id, people.infra.id)
    event = session.scalars(select(Event).where(Event.request_id == req.id,
                                                Event.kind == "assigned")
                            .order_by(Event.id.desc())).first()
    assert event.data == {"reason": "Infrastructure knows this"}
    assert event.actor_id == people.manager.id
    page = b.get("/manage/escalations").get_data(as_text=True)
    assert f"{req.number} is now with Zhao Lei (Infrastructure)." in page


def test_a_stale_reassign_keeps_the_choice_and_the_note(browser, people, session, work):
    req = work["e"]
    seen = req.version
    b = browser("chen.jie")
    page = b.get("/manage/escalations").get_data(as_text=True)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    resp = b.client.post(f"/manage/escalations/{req.number}/reassign", data={
        "csrf_token": csrf_of(page), "assignee": str(people.tech2.id),
        "reason": "My note", "version": str(seen)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    card = row(html, f'id="esc-{req.number}"')
    assert "Someone else changed this request meanwhile" in card
    assert re.search(rf'<option value="{people.tech2.id}" selected>', card)
    assert 'value="My note"' in card
    assert "with Li Na" in text_of(card)
    assert reload(session, req).assignee_id == people.tech.id


def test_reassigning_to_nobody_is_refused_on_the_card(browser, people, session, work):
    req = work["e"]
    resp = browser("chen.jie").post(f"/manage/escalations/{req.number}/reassign", {
        "group": "", "assignee": "", "version": str(req.version)}, page="/manage/escalations")
    assert resp.status_code == 200
    assert errors_on(row(resp.get_data(as_text=True), f'id="esc-{req.number}"')) == [
        "Choose a person or a group."]


def test_no_escalation_says_so(browser, people):
    html = browser("admin").get("/manage/escalations").get_data(as_text=True)
    assert "No escalated request is open." in html
