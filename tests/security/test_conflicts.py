"""Two people changing the same request: the second gets a conflict, nothing is overwritten.

Through the desk's forms (a hidden ``version``), through the API (``If-Match``, 409 on a
stale version, 428 without one) and with two transactions writing at the very same moment
(both have read the same version before either writes), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from hdcore import Conflict, HelpDesk, PermissionDenied, ServiceRequest
from hdcore import services as svc
from hdcore.models import Event, User
from tests.core.sample_plugin import LoanPlugin
from tests.web.conftest import Browser
from web.app import create_app

STALE = "Someone else changed this request meanwhile"


@pytest.fixture
def plugins() -> list[object]:
    return [LoanPlugin()]


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    return create_app(helpdesk, {"TESTING": True})


@pytest.fixture
def browser(app: Flask) -> Callable[[str], Browser]:
    def make(username: str) -> Browser:
        b = Browser(app.test_client())
        assert b.login(username).status_code == 302
        return b

    return make


@pytest.fixture
def req(session: Session, people: SimpleNamespace) -> ServiceRequest:
    """A loan request assigned to Li Na and being worked on."""
    r = svc.submit_request(session, people.employee, category="loan",
                           title="Laptop for the audit", description="For two days",
                           details={"item": "laptop", "days": 3})
    svc.assign(session, people.lead, r.id, assignee="li.na")
    svc.transition(session, people.tech, r.id, "start")
    return r


def fresh(helpdesk: HelpDesk, req: ServiceRequest) -> ServiceRequest:
    """The request as committed now (a new session: nothing cached)."""
    with helpdesk.session_scope() as s:
        return s.get(ServiceRequest, req.id)


def events(helpdesk: HelpDesk, req: ServiceRequest, kind: str) -> int:
    with helpdesk.session_scope() as s:
        return s.scalar(select(func.count()).select_from(Event).where(
            Event.request_id == req.id, Event.kind == kind)) or 0


def text(resp: Any) -> str:
    return resp.get_data(as_text=True)


def form_of(html: str, action: str) -> str:
    match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert match, f"no form for {action}"
    return match.group(0)


# -- the desk's forms ----------------------------------------------------------------------

def test_two_edits_of_the_fields_second_is_refused_and_keeps_its_text(
        browser, helpdesk, people, req):
    li, lead = browser("li.na"), browser("wang.fang")
    url = f"/desk/r/{req.number}/edit"
    seen = req.version
    li.get(url), lead.get(url)  # both open the form at the same version
    first = lead.post(url, {"title": "Laptop for the year-end audit", "priority": "high",
                            "description": "For the auditors", "details.item": "laptop",
                            "details.days": "3", "version": str(seen)})
    assert first.status_code == 302
    second = li.post(url, {"title": "Li Na's title", "priority": "low",
                           "description": "Li Na's careful words", "details.item": "laptop",
                           "details.days": "3", "version": str(seen)})
    html = text(second)
    assert second.status_code == 409
    assert STALE in html
    assert 'value="Li Na&#39;s title"' in html and "Li Na&#39;s careful words" in html
    assert "Laptop for the year-end audit" in html  # the current state is shown beside it
    now = fresh(helpdesk, req)
    assert (now.title, now.priority, now.description) == (
        "Laptop for the year-end audit", "high", "For the auditors")
    assert now.version == seen + 1
    assert f'name="version" value="{now.version}"' in html
    assert events(helpdesk, req, "updated") == 1


def test_two_edits_of_the_details(browser, helpdesk, people, req):
    li, lead = browser("li.na"), browser("wang.fang")
    url = f"/desk/r/{req.number}/edit"
    seen = req.version
    base = {"title": req.title, "priority": req.priority, "description": req.description,
            "version": str(seen)}
    assert lead.post(url, {**base, "details.item": "projector",
                           "details.days": "5"}).status_code == 302
    second = li.post(url, {**base, "details.item": "laptop", "details.days": "12"})
    assert second.status_code == 409
    assert STALE in text(second)
    assert 'value="12"' in text(second)  # what Li Na typed is still in the form
    assert fresh(helpdesk, req).details == {"item": "projector", "days": 5}


def test_a_step_on_a_stale_page_is_refused(browser, helpdesk, people, req):
    li, lead = browser("li.na"), browser("wang.fang")
    page = f"/desk/r/{req.number}"
    seen = req.version
    steps = events(helpdesk, req, "transition")
    # The lead raises the priority while Li Na writes her resolution.
    assert lead.post(f"{page}/edit", {"title": req.title, "priority": "urgent",
                                      "details.item": "laptop", "details.days": "3",
                                      "version": str(seen)}).status_code == 302
    resp = li.post(f"{page}/step/resolve", {"resolve.resolution": "Reinstalled the driver",
                                            "version": str(seen)}, page=page)
    assert resp.status_code == 409
    html = text(resp)
    assert STALE in html
    assert "Reinstalled the driver" in form_of(html, f"{page}/step/resolve")
    now = fresh(helpdesk, req)
    assert (now.status, now.priority, now.resolved_at) == ("in_progress", "urgent", None)
    assert events(helpdesk, req, "transition") == steps


def test_a_step_after_the_request_was_handed_to_someone_else(browser, helpdesk, people, req):
    li, lead = browser("li.na"), browser("wang.fang")
    page = f"/desk/r/{req.number}"
    seen = req.version
    assert lead.post(f"{page}/assign", {"assignee": str(people.tech2.id), "reason": "Leave",
                                        "version": str(seen)}, page=page).status_code == 302
    resp = li.post(f"{page}/step/resolve", {"resolve.resolution": "Reinstalled the driver",
                                            "version": str(seen)}, page=page)
    # No longer hers: refused with the reason (a message), before any version question.
    assert resp.status_code == 302
    assert "may not take the step" in text(li.get(page))
    now = fresh(helpdesk, req)
    assert (now.status, now.assignee_id) == ("in_progress", people.tech2.id)


def test_two_assignments_second_is_refused(browser, helpdesk, people, req):
    lead, manager = browser("wang.fang"), browser("chen.jie")
    page = f"/desk/r/{req.number}"
    seen = req.version
    assert lead.post(f"{page}/assign", {"assignee": str(people.tech2.id),
                                        "version": str(seen)}, page=page).status_code == 302
    resp = manager.post(f"{page}/assign", {"assignee": str(people.tech.id),
                                           "reason": "Keep it with Li Na",
                                           "version": str(seen)}, page=page)
    assert resp.status_code == 409
    assert "Keep it with Li Na" in form_of(text(resp), f"{page}/assign")
    assert fresh(helpdesk, req).assignee_id == people.tech2.id


# -- the API -------------------------------------------------------------------------------

@pytest.fixture
def api(app: Flask, session: Session, people: SimpleNamespace) -> Callable[[str], Any]:
    """``api("tech")``: call the API with that person's bearer token."""
    secrets = {role: svc.issue_token(session, None, getattr(people, role), name="t").secret
               for role in ("tech", "lead", "manager")}

    def make(role: str) -> Any:
        client = app.test_client()

        def call(method: str, path: str, json: Any = None, etag: str | None = None) -> Any:
            headers = {"Authorization": f"Bearer {secrets[role]}"}
            if etag is not None:
                headers["If-Match"] = etag
            return client.open(f"/api/v1/requests/{path}", method=method, json=json,
                               headers=headers)

        return call

    return make


def test_api_stale_writes_answer_409_and_change_nothing(api, helpdesk, people, req):
    tech, lead = api("tech"), api("lead")
    got = tech("GET", str(req.id))
    etag = got.headers["ETag"]
    assert etag == f'"{req.version}"'
    # Without If-Match an edit is refused before anything happens.
    assert tech("PATCH", str(req.id), {"title": "x"}).status_code == 428

    first = lead("PATCH", str(req.id), {"title": "The lead's title",
                                        "details": {"item": "projector", "days": 4}}, etag)
    assert first.status_code == 200 and first.headers["ETag"] != etag
    for method, path, body in (
        ("PATCH", str(req.id), {"title": "Li Na's title"}),
        ("PATCH", str(req.id), {"details": {"item": "laptop", "days": 9}}),
        ("POST", f"{req.id}/transitions", {"transition": "resolve", "resolution": "Done"}),
        ("POST", f"{req.id}/assign", {"assignee": "zhao.lei"}),
    ):
        resp = tech(method, path, body, etag)
        assert resp.status_code == 409, (path, resp.get_json())
        error = resp.get_json()["error"]
        assert error["code"] == "conflict" and "changed" in error["message"]
    now = fresh(helpdesk, req)
    assert (now.title, now.details, now.status, now.assignee_id) == (
        "The lead's title", {"item": "projector", "days": 4}, "in_progress", people.tech.id)
    assert events(helpdesk, req, "updated") == 1
    # With the current ETag the same change goes through.
    resp = tech("POST", f"{req.id}/transitions", {"transition": "resolve",
                                                 "resolution": "Done"}, first.headers["ETag"])
    assert resp.status_code == 200 and fresh(helpdesk, req).status == "resolved"


def test_api_and_form_share_one_version(api, browser, helpdesk, people, req):
    """A change through the API makes a form opened before it stale, and the other way."""
    li = browser("li.na")
    url = f"/desk/r/{req.number}/edit"
    etag = api("tech")("GET", str(req.id)).headers["ETag"]
    assert li.post(url, {"title": "From the form", "priority": "normal",
                         "details.item": "laptop", "details.days": "3",
                         "version": str(req.version)}).status_code == 302
    assert api("lead")("PATCH", str(req.id), {"title": "From the API"},
                       etag).status_code == 409
    assert fresh(helpdesk, req).title == "From the form"


# -- true concurrency: two transactions at the same moment -------------------------------

def race(helpdesk: HelpDesk, writers: list[Callable[[Session], Any]]) -> list[Any]:
    """Run ``writers`` in threads, each in its own session, all at once: what each returned
    or raised.

    On PostgreSQL each has read the request before any of them writes (a barrier before the
    first flush), so the database itself must refuse all but one. SQLite lets one writer at a
    time in (a use case takes the write lock first), so there they start together and queue.
    """
    barrier = threading.Barrier(len(writers), timeout=30)
    waited: set[int] = set()
    interleave = helpdesk.engine.dialect.name == "postgresql"

    def hold(session: Session, flush_context: Any, instances: Any) -> None:
        if id(session) not in waited and any(isinstance(o, ServiceRequest)
                                             for o in session.dirty):
            waited.add(id(session))
            barrier.wait()

    results: list[Any] = [None] * len(writers)

    def run(i: int) -> None:
        with helpdesk.session_scope() as s:
            try:
                if not interleave:
                    barrier.wait()
                results[i] = writers[i](s)
            except Exception as exc:  # what the caller checks
                results[i] = exc

    if interleave:
        event.listen(helpdesk.sessions, "before_flush", hold)
    try:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writers))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        if interleave:
            event.remove(helpdesk.sessions, "before_flush", hold)
    return results


def test_concurrent_edits_one_wins_the_other_conflicts(helpdesk, people, req):
    seen = req.version
    titles = ["Title of writer 0", "Title of writer 1", "Title of writer 2"]

    def edit(title: str) -> Callable[[Session], Any]:
        def write(s: Session) -> Any:
            actor = s.get(User, people.lead.id)
            return svc.update_request(s, actor, req.id, expected_version=seen, title=title)
        return write

    results = race(helpdesk, [edit(t) for t in titles])
    won = [i for i, r in enumerate(results) if isinstance(r, ServiceRequest)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 2, results
    now = fresh(helpdesk, req)
    assert now.title == titles[won[0]] and now.version == seen + 1
    assert events(helpdesk, req, "updated") == 1


def test_concurrent_step_and_assignment(helpdesk, people, req):
    seen = req.version
    def resolve(s: Session) -> Any:
        return svc.transition(s, s.get(User, people.tech.id), req.id, "resolve",
                              {"resolution": "Fixed"}, expected_version=seen)

    def reassign(s: Session) -> Any:
        return svc.assign(s, s.get(User, people.lead.id), req.id, assignee="zhao.lei",
                          expected_version=seen)

    results = race(helpdesk, [resolve, reassign])
    assert sum(isinstance(r, ServiceRequest) for r in results) == 1, results
    # The other is refused: a conflict, or (once it is Zhao Lei's) Li Na may not resolve it.
    refused = (Conflict, PermissionDenied) if isinstance(results[1], ServiceRequest) \
        else (Conflict,)
    assert sum(isinstance(r, refused) for r in results) == 1, results
    now = fresh(helpdesk, req)
    assert now.version == seen + 1
    if isinstance(results[0], ServiceRequest):
        assert (now.status, now.assignee_id) == ("resolved", people.tech.id)
        assert events(helpdesk, req, "assigned") == 1  # only the first assignment
    else:
        assert (now.status, now.assignee_id) == ("in_progress", people.tech2.id)
        assert now.resolved_at is None
