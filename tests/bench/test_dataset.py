"""The benchmark's generated data set works like data the application wrote: the pages, the API,
the search, the dashboards, the sweep and new requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bench.dataset import Dataset, generate, load, make_due
from hdcore import HelpDesk, clock
from hdcore import services as svc
from hdcore.models import Comment, Event, SearchDoc, ServiceRequest, Task, User
from hdcore.queries.kb import search_articles
from hdcore.sla.jobs import escalation_job, reminder_job
from web.testing import Browser

REQUESTS = 300
ARTICLES = 30


@pytest.fixture
def data(helpdesk: HelpDesk) -> Dataset:
    """A small generated data set in the test's empty database."""
    return generate(helpdesk, REQUESTS, articles=ARTICLES, progress=lambda _line: None)


def _sign_in(browser: Callable[[str | None], Browser], username: str, data: Dataset) -> Browser:
    b = browser(None)
    resp = b.login(username, data.password)
    assert resp.status_code == 302, f"{username} could not sign in"
    return b


def test_the_data_set_has_the_shape_asked_for(helpdesk: HelpDesk, data: Dataset) -> None:
    with helpdesk.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRequest)) == REQUESTS
        roles = dict(s.execute(select(User.role, func.count()).group_by(User.role)).all())
        per_request = s.execute(select(func.count()).select_from(Comment)
                                .group_by(Comment.request_id)).scalars().all()
        events = s.execute(select(func.count()).select_from(Event)
                           .group_by(Event.request_id)).scalars().all()
        statuses = set(s.scalars(select(ServiceRequest.status).distinct()))
        indexed = s.scalar(select(func.count()).select_from(SearchDoc)
                           .where(SearchDoc.kind == "request"))
        if s.get_bind().dialect.name == "postgresql":  # rebuilt after the load
            assert s.scalar(text("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                 "'ix_search_doc_tsv'")) == 1
    assert data.requests == REQUESTS and len(data.technicians) == 20
    assert roles["technician"] == 20 and roles["employee"] > 5000
    assert max(per_request) <= 3 and max(events) <= 12 and min(events) >= 1
    assert "closed" in statuses and statuses & {"assigned", "in_progress", "waiting_requester"}
    assert indexed == REQUESTS
    assert data.open_request_ids and data.employees and len(data.kb_queries) >= 10
    assert sorted(data.categories) == sorted(c.name for c in helpdesk.host.categories())


def test_pages_and_api_show_generated_requests(helpdesk: HelpDesk, data: Dataset,
                                               browser: Callable[[str | None], Browser],
                                               app: Any) -> None:
    with helpdesk.session_scope() as s:
        req = s.get(ServiceRequest, data.open_request_ids[0])
        assert req is not None and req.assignee is not None
        number, tech = req.number, req.assignee.username
        mine = s.scalars(select(ServiceRequest.number).where(
            ServiceRequest.assignee_id == req.assignee_id,
            ServiceRequest.status.in_(("assigned", "in_progress", "waiting_requester")))).all()
        replied = s.scalars(select(ServiceRequest).join(Comment).where(
            Comment.internal.is_(False)).order_by(ServiceRequest.id.desc()).limit(1)).one()
        reply = s.scalars(select(Comment.body).where(Comment.request_id == replied.id,
                                                     Comment.internal.is_(False))).first()
        token = svc.issue_token(s, None, replied.assignee, name="bench").secret
        replied_id, replied_number, replied_tech = (replied.id, replied.number,
                                                    replied.assignee.username)
    queue = _sign_in(browser, tech, data).get("/desk/")
    assert queue.status_code == 200
    page = queue.get_data(as_text=True)
    assert number in page and all(n in page for n in mine[:5])

    b = _sign_in(browser, replied_tech, data)
    page = b.get(f"/desk/r/{replied_number}").get_data(as_text=True)
    assert html.escape(str(reply)) in page and "history" in page.lower()

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    resp = client.get(f"/api/v1/requests/{replied_id}", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert reply in [c["body"] for c in resp.get_json()["comments"]]
    history = client.get(f"/api/v1/requests/{replied_id}/events", headers=headers).get_json()
    kinds = [e["kind"] for e in history["items"]]
    assert kinds[0] == "created" and "comment" in kinds and "assigned" in kinds


def test_every_category_and_state_opens_for_it_and_the_requester(
        helpdesk: HelpDesk, data: Dataset, browser: Callable[[str | None], Browser]) -> None:
    """One request of each category and of each status, on the desk and in the portal, and a
    task's page: the plugins' detail views accept the generated details."""
    with helpdesk.session_scope() as s:
        picked: dict[str, ServiceRequest] = {}
        for req in s.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())):
            picked.setdefault(req.category, req)
            picked.setdefault(req.status, req)
        pages = {(r.number, r.requester.username) for r in picked.values()}
        task = s.scalars(select(Task).order_by(Task.id.desc()).limit(1)).one()
        task_page, task_owner, task_title = (f"/desk/tasks/{task.id}", task.assignee.username,
                                             task.title)
    assert len(pages) >= len(data.categories)
    lead = _sign_in(browser, data.lead, data)
    for number, requester in sorted(pages):
        resp = lead.get(f"/desk/r/{number}")
        assert resp.status_code == 200, (number, resp.status_code)
        portal = _sign_in(browser, requester, data).get(f"/portal/r/{number}")
        assert portal.status_code == 200 and number in portal.get_data(as_text=True)
    shown = _sign_in(browser, task_owner, data).get(task_page, follow_redirects=True)
    assert shown.status_code == 200 and html.escape(task_title) in shown.get_data(as_text=True)


def test_search_and_dashboard_work_on_generated_data(
        helpdesk: HelpDesk, data: Dataset, browser: Callable[[str | None], Browser]) -> None:
    with helpdesk.session_scope() as s:
        employee = s.scalar(select(User).where(User.username == data.employees[0]))
        assert employee is not None
        for query in data.kb_queries[:6]:
            assert search_articles(s, employee, query), f"nothing found for {query!r}"
    b = _sign_in(browser, data.employees[0], data)
    page = b.get("/kb/", query_string={"q": data.kb_queries[0]})
    assert page.status_code == 200 and "/kb/a/" in page.get_data(as_text=True)

    dashboard = _sign_in(browser, data.manager, data).get("/manage/dashboard")
    assert dashboard.status_code == 200
    values = re.findall(r'<span class="stat-value">([^<]*)</span>',
                        dashboard.get_data(as_text=True))
    assert int(values[0]) > 0 and int(values[1]) > 0, values  # opened, closed


def test_make_due_gives_the_sweep_exactly_that_work(helpdesk: HelpDesk, data: Dataset) -> None:
    assert reminder_job(helpdesk, clock.now()) == 0 and escalation_job(helpdesk, clock.now()) == 0
    for _round in range(2):  # a second call replaces the first one's requests
        ids = make_due(helpdesk, 20)
        assert len(ids) == 20
        before = _automatic_escalations(helpdesk)
        assert escalation_job(helpdesk, clock.now()) == 20
        assert _automatic_escalations(helpdesk) - before == set(ids)
    assert load(helpdesk) == data  # the sweep's requests are not counted as the data set's


def _automatic_escalations(helpdesk: HelpDesk) -> set[int]:
    with helpdesk.session_scope() as s:
        return set(s.scalars(select(Event.request_id).where(
            Event.kind == "escalated", Event.actor_id.is_(None))))


def test_new_requests_follow_the_generated_ones(helpdesk: HelpDesk, data: Dataset) -> None:
    with helpdesk.session_scope() as s:
        employee = s.scalar(select(User).where(User.username == data.employees[1]))
        category = data.categories[0]
        details = dict(helpdesk.host.sample_requests(category)[0].details)
        highest = s.scalar(select(func.max(ServiceRequest.id)))
        req = svc.submit_request(s, employee, category=category, title="新电脑无法连接打印机",
                                 details=details)
        assert req.id > highest
        numbers = s.scalars(select(ServiceRequest.number)).all()
        assert len(numbers) == len(set(numbers)) == REQUESTS + 1
        svc.add_comment(s, employee, req.id, "补充：型号是 HP M404dn。")
    assert load(helpdesk).requests == REQUESTS + 1


def test_generation_is_deterministic_and_load_describes_it(
        helpdesk: HelpDesk, data: Dataset, tmp_path: Any) -> None:
    assert load(helpdesk) == data
    from hdcore.testing.pytest_plugin import build_helpdesk, installed_plugins

    other = build_helpdesk(f"sqlite:///{tmp_path}/again.db", installed_plugins(),
                           tmp_path / "again")
    try:
        with helpdesk.session_scope() as s:
            end = s.scalar(select(func.max(Event.at)))
        first = generate(other, 50, articles=20, end=end, progress=lambda _l: None)
        second_hd = build_helpdesk(f"sqlite:///{tmp_path}/third.db", installed_plugins(),
                                   tmp_path / "third")
        second = generate(second_hd, 50, articles=20, end=end, progress=lambda _l: None)
        assert first == second
        rows = []
        for hd in (other, second_hd):
            with hd.session_scope() as s:
                rows.append(s.execute(select(ServiceRequest.number, ServiceRequest.status,
                                             ServiceRequest.created_at, ServiceRequest.title)
                                      .order_by(ServiceRequest.id)).all())
            hd.dispose()
        assert rows[0] == rows[1]
    finally:
        other.dispose()
