"""The lead's dispatch area over HTTP: intake, quick assign, phone, tasks, workload, close."""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hdcore import RouteSuggestion, ServiceRequest, Task, hookimpl
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.models import Attachment, utcnow
from tests.core.sample_plugin import LoanPlugin
from tests.web.conftest import csrf_of


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def reload(session, obj):
    """See what the app's connection committed."""
    session.rollback()
    session.refresh(obj)
    return obj


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def errors_on(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'class="error">([^<]*)<', html)]


def row(html: str, marker: str) -> str:
    """The table row (or article) carrying ``marker`` in its opening tag."""
    match = re.search(r"<(tr|article)[^>]*" + re.escape(marker) + r"[^>]*>(.*?)</\1>", html,
                      re.S)
    assert match, f"no row {marker}"
    return match.group(2)


def cell(row_html: str, cls: str) -> str:
    match = re.search(r'<td class="n ' + cls + r'">(.*?)</td>', row_html, re.S)
    assert match, f"no cell {cls}"
    return text_of(match.group(1))


def file(session, people, title, requester=None, **kw):
    return svc.submit_request(session, requester or people.employee, category="loan",
                              title=title, details={"item": "laptop", "days": 3}, **kw)


# -- who may enter -------------------------------------------------------------------------


PAGES = ("/dispatch/", "/dispatch/?tab=group", "/dispatch/phone", "/dispatch/phone?q=zhang",
         "/dispatch/people?q=zh", "/dispatch/workload", "/dispatch/work",
         "/dispatch/work?flag=overdue", "/dispatch/r/{n}/split", "/dispatch/r/{n}/close")


@pytest.mark.parametrize(("username", "status"), [
    ("zhang.wei", 403), ("li.na", 403), ("wang.fang", 200), ("chen.jie", 200), ("admin", 200),
])
def test_every_page_checks_the_role(browser, people, session, username, status):
    req = file(session, people, "Laptop")
    b = browser(username)
    for url in PAGES:
        assert b.get(url.format(n=req.number)).status_code == status, url
    if status == 403:
        # Posts are refused as well, even with a valid form token.
        token = csrf_of(b.get("/portal/").get_data(as_text=True))
        for url in (f"/dispatch/r/{req.number}/assign", f"/dispatch/r/{req.number}/split",
                    f"/dispatch/r/{req.number}/close", "/dispatch/phone"):
            resp = b.client.post(url, data={"csrf_token": token, "reason": "x",
                                             "assignee": str(people.tech.id),
                                             "tasks-0-title": "x"})
            assert resp.status_code == 403, url
        reload(session, req)
        assert req.status == "new" and req.assignee_id is None and req.tasks == []


def test_signed_out_visitors_are_sent_to_sign_in(browser, people):
    resp = browser().get("/dispatch/")
    assert resp.status_code == 302 and "/login" in resp.location


def test_an_unknown_request_number_is_not_found(browser, people):
    b = browser("wang.fang")
    assert b.get("/dispatch/r/SR-2000-999999/split").status_code == 404
    assert b.get("/dispatch/r/SR-2000-999999/close").status_code == 404
    assert b.get("/dispatch/work?assignee=99999").status_code == 404


def test_the_lead_lands_on_the_intake_and_the_menu_links_it(browser, people):
    b = browser("wang.fang")
    assert b.get("/").location == "/dispatch/"
    html = b.get("/dispatch/").get_data(as_text=True)
    assert 'href="/dispatch/"' in html and "Dispatch" in html


# -- the intake ----------------------------------------------------------------------------


@pytest.fixture
def intake(session, people):
    first = file(session, people, "First in", priority="high")
    taken = file(session, people, "Taken already")
    svc.assign(session, people.lead, taken.id, assignee="li.na")
    group_only = file(session, people, "Group only")
    svc.assign(session, people.lead, group_only.id, group="Applications")
    withdrawn = file(session, people, "Withdrawn")
    svc.cancel(session, people.employee, withdrawn.id)
    second = svc.submit_request(session, people.lead, category="loan", title="By phone",
                                details={"item": "projector", "days": 1}, channel="phone",
                                requester=people.other)
    return {"first": first, "taken": taken, "group_only": group_only, "second": second}


def test_the_intake_shows_only_unassigned_requests_oldest_first(browser, people, intake):
    b = browser("wang.fang")
    html = b.get("/dispatch/").get_data(as_text=True)
    numbers = re.findall(r'<tr id="row-([^"]+)"', html)
    assert numbers == [intake["first"].number, intake["second"].number]
    first = row(html, f'id="row-{intake["first"].number}"')
    assert "First in" in first and "Zhang Wei" in first and "Finance" in first
    assert "High" in first and "Web portal" in first and "Equipment loan" in first
    assert "Liu Yang" in row(html, f'id="row-{intake["second"].number}"')
    assert "Phone" in row(html, f'id="row-{intake["second"].number}"')
    assert "Taken already" not in html and "Withdrawn" not in html
    assert "Group only" not in html
    tabs = text_of(html[html.index('class="tabs"', html.index("Not assigned") - 300):])
    assert "Not assigned 2" in tabs and "Only a group 1" in tabs
    group_tab = b.get("/dispatch/?tab=group").get_data(as_text=True)
    assert re.findall(r'<tr id="row-([^"]+)"', group_tab) == [intake["group_only"].number]
    # The group is chosen already in its row's form.
    assert re.search(rf'<option value="{people.apps.id}" selected>Applications',
                     row(group_tab, f'id="row-{intake["group_only"].number}"'))


def test_each_row_offers_everyone_with_their_open_work(browser, people, session, intake):
    svc.add_task(session, people.lead, intake["taken"].id, title="Fetch it", assignee="li.na")
    html = browser("wang.fang").get("/dispatch/").get_data(as_text=True)
    form = row(html, f'id="row-{intake["first"].number}"')
    option = re.search(rf'<option value="{people.tech.id}"[^>]*>([^<]*)</option>', form)
    assert option and option.group(1) == "Li Na · 1 open request, 1 task"
    idle = re.search(rf'<option value="{people.tech2.id}"[^>]*>([^<]*)</option>', form)
    assert idle.group(1) == "Zhao Lei · 0 open requests, 0 tasks"
    group = re.search(rf'<option value="{people.apps.id}"[^>]*>([^<]*)</option>', form)
    assert group.group(1) == "Applications · 1 open request (1 not taken) · 1 person"
    # Employees are never offered.
    assert "Zhang Wei ·" not in form


def test_the_rows_link_to_the_request_workspace_and_the_row_actions(browser, people, intake):
    number = intake["first"].number
    html = browser("wang.fang").get("/dispatch/").get_data(as_text=True)
    first = row(html, f'id="row-{number}"')
    assert f'href="/desk/r/{number}"' in first
    assert f'href="/dispatch/r/{number}/split"' in first
    assert f'href="/dispatch/r/{number}/close"' in first


def test_quick_assign_returns_to_the_queue_with_a_message(browser, people, session, intake):
    req = intake["first"]
    b = browser("wang.fang")
    resp = b.post(f"/dispatch/r/{req.number}/assign",
                  {"assignee": str(people.tech.id), "group": str(people.apps.id),
                   "version": str(req.version), "tab": "unassigned",
                   "next": "/dispatch/?tab=unassigned"}, page="/dispatch/")
    assert resp.status_code == 302 and resp.location == "/dispatch/?tab=unassigned"
    reload(session, req)
    assert (req.assignee_id, req.group_id, req.status) == (people.tech.id, people.apps.id,
                                                           "assigned")
    html = b.get(resp.location).get_data(as_text=True)
    assert f"{req.number} is now with Li Na (Applications)." in html
    assert f'id="row-{req.number}"' not in html


def test_quick_assign_to_a_group_only_moves_it_to_the_second_tab(browser, people, session,
                                                                 intake):
    req = intake["first"]
    b = browser("wang.fang")
    b.post(f"/dispatch/r/{req.number}/assign", {"group": str(people.infra.id),
                                                "version": str(req.version)}, page="/dispatch/")
    html = b.get("/dispatch/?tab=group").get_data(as_text=True)
    assert f'id="row-{req.number}"' in html


def test_a_stale_assign_says_so_and_keeps_the_choice(browser, people, session, intake):
    req = intake["first"]
    seen = req.version
    b = browser("wang.fang")
    page = b.get("/dispatch/").get_data(as_text=True)
    # Meanwhile someone edits the request (it stays unassigned).
    svc.update_request(session, people.lead, req.id, expected_version=seen, priority="urgent")
    resp = b.client.post(f"/dispatch/r/{req.number}/assign", data={
        "csrf_token": csrf_of(page), "assignee": str(people.tech2.id), "version": str(seen)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else changed" in html
    mine = row(html, f'id="row-{req.number}"')
    assert re.search(rf'<option value="{people.tech2.id}" selected>', mine)
    assert "Urgent" in mine  # the current state is shown
    reload(session, req)
    assert req.assignee_id is None
    assert f'name="version" value="{req.version}"' in mine


def test_a_stale_assign_of_a_request_taken_meanwhile_shows_who_has_it(browser, people, session,
                                                                      intake):
    req = intake["first"]
    seen = req.version
    b = browser("wang.fang")
    page = b.get("/dispatch/").get_data(as_text=True)
    svc.assign(session, people.manager, req.id, assignee="li.na")
    resp = b.client.post(f"/dispatch/r/{req.number}/assign", data={
        "csrf_token": csrf_of(page), "assignee": str(people.tech2.id), "version": str(seen)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "it has left this list" in html and "with Li Na" in html
    assert reload(session, req).assignee_id == people.tech.id


def test_assigning_to_nobody_is_refused_next_to_the_row(browser, people, session, intake):
    req = intake["first"]
    resp = browser("wang.fang").post(f"/dispatch/r/{req.number}/assign",
                                     {"version": str(req.version)}, page="/dispatch/")
    assert resp.status_code == 200
    assert errors_on(row(resp.get_data(as_text=True), f'id="row-{req.number}"')) == [
        "Choose a person or a group."]
    assert reload(session, req).status == "new"


def test_an_employee_cannot_be_the_assignee(browser, people, session, intake):
    req = intake["first"]
    resp = browser("wang.fang").post(f"/dispatch/r/{req.number}/assign", {
        "assignee": str(people.other.id), "version": str(req.version)}, page="/dispatch/")
    assert errors_on(row(resp.get_data(as_text=True), f'id="row-{req.number}"')) == [
        "Requests go to IT staff."]


class RoutingLoans(LoanPlugin):
    """Loans that suggest the Applications group."""

    @hookimpl
    def hd_suggest_route(self, session, request):
        return RouteSuggestion(group="Applications", reason="Loans are the apps team's")


@pytest.mark.parametrize("plugins", [[RoutingLoans()]])
def test_the_categorys_suggestion_is_preselected(browser, people, session):
    req = file(session, people, "Routed")
    html = browser("wang.fang").get("/dispatch/").get_data(as_text=True)
    mine = row(html, f'id="row-{req.number}"')
    assert re.search(rf'<option value="{people.apps.id}" selected>', mine)
    assert "Suggested: Applications" in mine and "Loans are the apps team" in mine


# -- phone intake ---------------------------------------------------------------------------


@pytest.fixture
def callers(session, people):
    people.employee.employee_no = "E10002"
    people.employee.phone = "0512-6688-1002"
    people.other.employee_no = "E10005"
    session.commit()
    return people


def test_find_the_caller_without_javascript(browser, callers):
    b = browser("wang.fang")
    html = b.get("/dispatch/phone?q=6688-1002").get_data(as_text=True)
    assert "Zhang Wei" in html and "Liu Yang" not in html
    choose = re.search(r'href="(/dispatch/phone\?requester=\d+)"', html).group(1)
    assert choose == f"/dispatch/phone?requester={callers.employee.id}"
    chosen = b.get(choose).get_data(as_text=True)
    assert "Change caller" in chosen and "Equipment loan" in chosen
    assert "No one matches" in b.get("/dispatch/phone?q=nobody-here").get_data(as_text=True)


def test_find_the_caller_as_you_type(browser, callers):
    b = browser("wang.fang")
    page = b.get("/dispatch/phone").get_data(as_text=True)
    assert 'data-people-search="/dispatch/people"' in page
    assert "/static/dispatch.js" in page
    data = json.loads(b.get("/dispatch/people?q=e1000&category=loan").get_data(as_text=True))
    assert [p["username"] for p in data["results"]] == ["liu.yang", "zhang.wei"]
    zhang = data["results"][1]
    assert zhang["department"] == "Finance" and zhang["employee_no"] == "E10002"
    assert zhang["url"] == f"/dispatch/phone?requester={callers.employee.id}&category=loan"
    assert json.loads(b.get("/dispatch/people?q=").get_data(as_text=True))["results"] == []


def test_file_a_request_by_phone_with_an_attachment(browser, callers, session):
    b = browser("wang.fang")
    url = f"/dispatch/phone?requester={callers.employee.id}&category=loan"
    html = b.get(url).get_data(as_text=True)
    assert 'name="details.item"' in html and 'name="details.days"' in html
    resp = b.client.post("/dispatch/phone", data={
        "csrf_token": csrf_of(html), "requester": str(callers.employee.id), "category": "loan",
        "title": "Projector for the board meeting", "description": "Called at 9:10",
        "details.item": "projector", "details.days": "2", "priority": "high",
        "files": [(io.BytesIO(b"agenda"), "议程.pdf")],
    }, content_type="multipart/form-data")
    assert resp.status_code == 302
    req = session.scalar(select(ServiceRequest).where(
        ServiceRequest.title == "Projector for the board meeting"))
    assert resp.location.endswith(f"/r/{req.number}")
    assert (req.channel, req.requester_id, req.entered_by_id, req.priority) == (
        "phone", callers.employee.id, callers.lead.id, "high")
    assert req.details == {"item": "projector", "days": 2}
    assert [a.filename for a in session.scalars(select(Attachment).where(
        Attachment.request_id == req.id))] == ["议程.pdf"]
    landing = b.get(resp.location).get_data(as_text=True)
    assert f"Request {req.number} was filed for Zhang Wei." in landing


def test_a_refused_phone_form_shows_errors_next_to_the_fields_and_keeps_input(browser, callers,
                                                                             session):
    b = browser("wang.fang")
    url = f"/dispatch/phone?requester={callers.employee.id}&category=loan"
    html = b.get(url).get_data(as_text=True)
    resp = b.client.post("/dispatch/phone", data={
        "csrf_token": csrf_of(html), "requester": str(callers.employee.id), "category": "loan",
        "title": "", "description": "Keep what the caller said", "details.item": "car",
        "details.days": "5",
    })
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert errors_on(page) == ["A short title is required.", "Must be one of: laptop, projector."]
    title_field = re.search(r'<div class="field has-error ?">\s*<label for="title">', page)
    assert title_field, "the title's error is drawn in its own field"
    assert "Keep what the caller said" in page
    assert re.search(r'name="details.days" id="details.days"\s*value="5"', page)
    assert "Zhang Wei" in page  # still the chosen caller
    assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


def test_phone_intake_needs_a_caller_and_an_open_category(browser, callers, session):
    b = browser("wang.fang")
    page = b.get("/dispatch/phone").get_data(as_text=True)
    resp = b.client.post("/dispatch/phone", data={"csrf_token": csrf_of(page),
                                                  "category": "loan", "title": "x"})
    assert resp.status_code == 400
    assert "Choose the caller and the service category first." in resp.get_data(as_text=True)
    svc.set_plugin_enabled(session, callers.admin, "loans", False)
    html = b.get(f"/dispatch/phone?requester={callers.employee.id}&category=loan").get_data(
        as_text=True)
    assert "switched off" in html and 'name="details.item"' not in html


@pytest.mark.parametrize("plugins", [[ep.load() for ep in importlib.metadata.entry_points(
    group=ENTRY_POINT_GROUP)]])
def test_every_installed_category_draws_its_phone_form(browser, people, helpdesk):
    b = browser("wang.fang")
    categories = helpdesk.host.categories()
    if not categories:
        pytest.skip("no category plugin installed")
    for cat in categories:
        resp = b.get(f"/dispatch/phone?requester={people.employee.id}&category={cat.name}")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, cat.name
        assert 'name="details.' in html, cat.name


# -- split into tasks -----------------------------------------------------------------------


def task_count(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Task))


def test_split_into_tasks_creates_every_line_with_its_dependency(browser, people, session):
    req = file(session, people, "New starter's desk")
    b = browser("wang.fang")
    url = f"/dispatch/r/{req.number}/split"
    resp = b.post(url, {
        "lines": "4",
        "tasks-0-title": "Order the PC", "tasks-0-group": str(people.apps.id),
        "tasks-0-due_at": "2099-05-01T17:00",
        # Line 2 is left empty and ignored.
        "tasks-2-title": "Install the ERP client", "tasks-2-assignee": str(people.tech.id),
        "tasks-2-depends_on": "0", "tasks-2-description": "Version 12.2",
        "tasks-3-title": "Hand over", "tasks-3-assignee": str(people.tech2.id),
        "tasks-3-depends_on": "2",
    })
    assert resp.status_code == 302 and resp.location.endswith(f"/r/{req.number}")
    reload(session, req)
    assert [t.title for t in req.tasks] == ["Order the PC", "Install the ERP client",
                                            "Hand over"]
    order, install, hand = req.tasks
    assert order.group_id == people.apps.id
    assert order.due_at.isoformat() == "2099-05-01T09:00:00+00:00"  # typed in Shanghai time
    assert install.assignee_id == people.tech.id and install.description == "Version 12.2"
    assert install.depends_on == [order] and hand.depends_on == [install]
    assert "3 tasks were added" in b.get(resp.location).get_data(as_text=True)


def test_split_is_all_or_nothing_and_marks_the_bad_lines(browser, people, session):
    req = file(session, people, "Office move")
    before = task_count(session)
    b = browser("wang.fang")
    url = f"/dispatch/r/{req.number}/split"
    resp = b.post(url, {
        "lines": "3",
        "tasks-0-title": "Pack the PCs", "tasks-0-assignee": str(people.tech.id),
        "tasks-1-title": "", "tasks-1-assignee": str(people.tech2.id),
        "tasks-2-title": "Unpack", "tasks-2-due_at": "2001-01-01T09:00",
    })
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Nothing was created" in html
    assert task_count(session) == before
    assert errors_on(html) == ["A short title is required.", "The due time is in the past."]
    assert 'value="Pack the PCs"' in html and 'value="Unpack"' in html
    assert re.search(rf'name="tasks-1-assignee"[^>]*>.*?<option value="{people.tech2.id}" '
                     r"selected>", html, re.S)
    assert html.count('class="split-line line-error"') == 2


def test_split_more_lines_writes_nothing_and_keeps_what_was_typed(browser, people, session):
    req = file(session, people, "Many things")
    b = browser("wang.fang")
    resp = b.post(f"/dispatch/r/{req.number}/split", {"lines": "3", "more": "1",
                                                      "tasks-0-title": "Keep me"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'value="Keep me"' in html
    assert html.count('class="split-line ') == 6
    assert task_count(session) == 0


def test_split_with_no_line_filled_is_refused(browser, people, session):
    req = file(session, people, "Nothing")
    resp = browser("wang.fang").post(f"/dispatch/r/{req.number}/split", {"lines": "3"})
    assert "Add at least one task." in resp.get_data(as_text=True)


def test_a_closed_request_takes_no_tasks(browser, people, session):
    req = file(session, people, "Done")
    svc.force_close(session, people.lead, req.id, "Not needed")
    b = browser("wang.fang")
    page = b.get(f"/dispatch/r/{req.number}/split").get_data(as_text=True)
    assert "it takes no new tasks" in page
    resp = b.client.post(f"/dispatch/r/{req.number}/split", data={
        "csrf_token": csrf_of(page), "lines": "3", "tasks-0-title": "Late"})
    assert resp.status_code == 403
    assert "A closed request takes no new tasks." in resp.get_data(as_text=True)


# -- force close -----------------------------------------------------------------------------


def test_force_close_needs_a_reason(browser, people, session):
    req = file(session, people, "Duplicate")
    svc.assign(session, people.lead, req.id, assignee="li.na")
    task = svc.add_task(session, people.lead, req.id, title="Look", assignee="li.na")
    b = browser("wang.fang")
    url = f"/dispatch/r/{req.number}/close"
    page = b.get(url).get_data(as_text=True)
    assert "1 open task will be cancelled with it." in page
    resp = b.post(url, {"reason": "  ", "version": str(req.version)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert re.search(r'<div class="field has-error">\s*<label for="reason">', html)
    assert len(errors_on(html)) == 1
    assert reload(session, req).status == "assigned"
    resp = b.post(url, {"reason": "Duplicate of an earlier request", "version": str(req.version),
                        "next": "/dispatch/"})
    assert resp.status_code == 302 and resp.location == "/dispatch/"
    reload(session, req)
    assert req.status == "closed"
    assert reload(session, task).status == "cancelled"
    assert f"{req.number} was closed." in b.get("/dispatch/").get_data(as_text=True)


def test_a_stale_force_close_keeps_the_reason(browser, people, session):
    req = file(session, people, "Stale")
    seen = req.version
    b = browser("chen.jie")
    page = b.get(f"/dispatch/r/{req.number}/close").get_data(as_text=True)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    resp = b.client.post(f"/dispatch/r/{req.number}/close", data={
        "csrf_token": csrf_of(page), "reason": "Solved by phone", "version": str(seen)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else changed this request meanwhile" in html
    assert "Solved by phone" in html and "Assigned" in html
    assert reload(session, req).status == "assigned"


def test_a_closed_request_cannot_be_force_closed_again(browser, people, session):
    req = file(session, people, "Gone")
    svc.force_close(session, people.lead, req.id, "Not needed")
    b = browser("wang.fang")
    page = b.get(f"/dispatch/r/{req.number}/close").get_data(as_text=True)
    assert "cannot be force-closed now" in page and 'name="reason"' not in page
    resp = b.client.post(f"/dispatch/r/{req.number}/close", data={
        "csrf_token": csrf_of(page), "reason": "again"})
    assert resp.status_code == 302
    assert "not possible" in b.get(resp.location).get_data(as_text=True)


# -- workload --------------------------------------------------------------------------------


@pytest.fixture
def load(session, people):
    """Li Na: two open requests (one overdue, one escalated), one resolved, two open tasks
    (one overdue). Applications: one request nobody in it took, one group task."""
    lead = people.lead
    a = file(session, people, "A")
    svc.assign(session, lead, a.id, assignee="li.na")
    a.resolve_due_at = utcnow() - timedelta(hours=2)
    session.commit()
    b = file(session, people, "B")
    svc.assign(session, lead, b.id, assignee="li.na", group="Applications")
    svc.escalate(session, people.employee, b.id, "Urgent for the audit")
    c = file(session, people, "C")
    svc.assign(session, lead, c.id, assignee="li.na")
    svc.resolve(session, people.tech, c.id, "Done")
    d = file(session, people, "D")
    svc.assign(session, lead, d.id, assignee="zhao.lei")
    svc.add_task(session, lead, d.id, title="Late task", assignee="li.na",
                 due_at=utcnow() + timedelta(minutes=1))
    svc.add_task(session, lead, d.id, title="Other task", assignee="li.na")
    svc.add_task(session, lead, d.id, title="Team task", group="Applications")
    e = file(session, people, "E")
    svc.assign(session, lead, e.id, group="Applications")
    file(session, people, "F")
    late = session.scalar(select(Task).where(Task.title == "Late task"))
    late.due_at = utcnow() - timedelta(minutes=5)
    session.commit()
    return people


def test_workload_numbers_per_person_and_group(browser, load):
    html = browser("wang.fang").get("/dispatch/workload").get_data(as_text=True)
    li = row(html, 'data-user="li.na"')
    assert [cell(li, c) for c in ("requests", "tasks", "overdue", "escalated", "total")] == [
        "2", "2", "2", "1", "4"]
    zhao = row(html, 'data-user="zhao.lei"')
    assert [cell(zhao, c) for c in ("requests", "tasks", "overdue", "escalated")] == [
        "1", "0", "0", "0"]
    apps = row(html, 'data-group="Applications"')
    assert [cell(apps, c) for c in ("requests", "without", "tasks", "escalated")] == [
        "2", "1", "1", "1"]
    nobody = row(html, 'data-group=""')
    assert cell(nobody, "requests") == "1"
    # Leads and managers without work are left out; technicians are always listed.
    assert 'data-user="wang.fang"' not in html
    assert f'href="/dispatch/work?assignee={load.tech.id}&amp;flag=overdue"' in li


def test_the_list_behind_a_number(browser, load):
    b = browser("wang.fang")
    html = b.get(f"/dispatch/work?assignee={load.tech.id}").get_data(as_text=True)
    assert "Open work of Li Na" in html
    titles = re.findall(r'<div class="req-title">([^<]*)</div>', html)
    assert sorted(titles) == ["A", "B"]
    assert "Late task" in html and "Other task" in html and "Team task" not in html
    late = b.get(f"/dispatch/work?assignee={load.tech.id}&flag=overdue").get_data(as_text=True)
    assert re.findall(r'<div class="req-title">([^<]*)</div>', late) == ["A"]
    assert "Late task" in late and "Other task" not in late
    esc = b.get(f"/dispatch/work?group={load.apps.id}&flag=escalated").get_data(as_text=True)
    assert "Escalated requests of Applications" in esc
    assert re.findall(r'<div class="req-title">([^<]*)</div>', esc) == ["B"]
    nobody = b.get("/dispatch/work?nobody=1").get_data(as_text=True)
    assert re.findall(r'<div class="req-title">([^<]*)</div>', nobody) == ["F"]


# -- how the counts read -----------------------------------------------------------------------


def test_older_requests_of_the_caller_are_counted_in_singular_and_plural(browser, callers,
                                                                        session):
    for n in range(6):
        file(session, callers, f"Request {n}")
    b = browser("wang.fang")
    page = b.get(f"/dispatch/phone?requester={callers.employee.id}").get_data(as_text=True)
    assert "… and 1 older one." in page and "older ones" not in page
    file(session, callers, "One more")
    page = b.get(f"/dispatch/phone?requester={callers.employee.id}").get_data(as_text=True)
    assert "… and 2 older ones." in page


def test_open_work_reads_as_one_phrase_in_each_language(browser, people, session, intake):
    svc.add_task(session, people.lead, intake["taken"].id, title="Fetch it", assignee="li.na")
    b = browser("wang.fang")
    zh = b.get("/dispatch/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    option = re.search(rf'<option value="{people.tech.id}"[^>]*>([^<]*)</option>', zh).group(1)
    assert "，" in option and ", " not in option  # a Chinese comma between the phrases
    en = b.get("/dispatch/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    option = re.search(rf'<option value="{people.tech.id}"[^>]*>([^<]*)</option>', en).group(1)
    assert option.endswith("1 open request, 1 task")
