"""The technicians' desk over HTTP: the work queue, the request workspace and every action.

Employees get 403 for the whole ``/desk`` area (whatever request number the URL names, so
nothing is disclosed); a request number that does not exist answers 404 to staff.
"""

from __future__ import annotations

import importlib.metadata
import io
import re
from datetime import timedelta

import pytest
from markupsafe import Markup

from hdcore import hookimpl
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.models import utcnow
from tests.core.sample_plugin import LoanPlugin
from tests.web.conftest import csrf_of
from web.plugins import Panel

STAFF = ("li.na", "zhao.lei", "wang.fang", "chen.jie", "admin")


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def reload(session, obj):
    """See what the web app committed: end this session's snapshot, then re-read."""
    session.rollback()
    session.refresh(obj)
    return obj


def loan(session, people, title="Laptop for the audit", *, days=3, priority="normal"):
    return svc.submit_request(session, people.employee, category="loan", title=title,
                              priority=priority, details={"item": "laptop", "days": days})


def text(resp) -> str:
    return resp.get_data(as_text=True)


def numbers_in(html: str) -> list[str]:
    """Request numbers of the queue's rows, top to bottom (one per row)."""
    return re.findall(r'<tr class="[^"]*">\s*<td class="nowrap"><a href="[^"]+">(SR-[\d-]+)<',
                      html)


def row_of(html: str, title: str) -> str:
    """The queue row (``<tr ...>...</tr>``) showing ``title``."""
    for row in re.findall(r"<tr class=.*?</tr>", html, re.S):
        if title in row:
            return row
    raise AssertionError(f"no row with {title!r}")


def form_of(html: str, action: str) -> str:
    """The form posting to ``action`` (its HTML)."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert match, f"no form for {action}"
    return match.group(0)


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip()
            for m in re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</div>', html, re.S)]


@pytest.fixture
def req(session, people):
    """A loan request assigned to Li Na."""
    r = loan(session, people)
    svc.assign(session, people.lead, r.id, assignee="li.na")
    return r


# -- who may enter -------------------------------------------------------------------------

def test_employees_get_403_everywhere_and_strangers_must_sign_in(browser, people, session, req):
    task = svc.add_task(session, people.tech, req.id, title="Prepare")
    pages = ["/desk/", f"/desk/r/{req.number}", f"/desk/r/{req.number}/edit",
             f"/desk/tasks/{task.id}", "/desk/r/SR-1999-000001"]
    actions = [f"/desk/r/{req.number}/{a}" for a in
               ("step/start", "comment", "attachments", "take", "assign", "escalate", "tasks",
                "edit")] + [f"/desk/tasks/{task.id}/start"]
    b = browser("zhang.wei")  # the requester herself
    token = csrf_of(text(b.get("/portal/")))
    for url in pages:
        assert b.get(url).status_code == 403, url
    for url in actions:
        resp = b.client.post(url, data={"csrf_token": token, "body": "x", "reason": "x"})
        assert resp.status_code == 403, url
    reload(session, req)
    assert req.status == "assigned" and req.comments == [] and req.escalation_level == 0
    anonymous = browser()
    for url in pages:
        resp = anonymous.get(url)
        assert resp.status_code == 302 and resp.location.startswith("/login"), url


@pytest.mark.parametrize("username", STAFF)
def test_every_staff_role_opens_the_desk(browser, people, session, req, username):
    task = svc.add_task(session, people.tech, req.id, title="Prepare")
    b = browser(username)
    assert b.get("/desk/").status_code == 200
    assert b.get("/desk/?partial=1").status_code == 200
    page = b.get(f"/desk/r/{req.number}")
    assert page.status_code == 200 and req.title in text(page)
    assert b.get(f"/desk/tasks/{task.id}").location == f"/desk/r/{req.number}#task-{task.id}"
    assert b.get("/desk/r/SR-1999-000001").status_code == 404
    assert b.get("/desk/tasks/999999").status_code == 404
    assert b.post(f"/desk/r/{req.number}/step/fly", {}, page="/desk/").status_code == 404
    assert b.post(f"/desk/tasks/{task.id}/explode", {}, page="/desk/").status_code == 404
    assert b.get(f"/desk/r/{req.number}/comment").status_code == 405


def test_staff_land_on_the_work_queue(browser, people):
    assert browser("li.na").get("/").location == "/desk/"
    html = text(browser("li.na").get("/desk/"))
    assert 'href="/desk/"' in html and "Work queue" in html


# -- the queue -----------------------------------------------------------------------------

@pytest.fixture
def queue_data(session, people):
    """Li Na's request and task, her group's request, Zhao Lei's request."""
    mine = loan(session, people, "Mine: laptop", priority="high")
    svc.assign(session, people.lead, mine.id, assignee="li.na")
    group = loan(session, people, "Group: projector", priority="low")
    svc.assign(session, people.lead, group.id, group="Applications")
    other = loan(session, people, "Zhao's own", priority="urgent")
    svc.assign(session, people.lead, other.id, assignee="zhao.lei")
    task = svc.add_task(session, people.tech2, other.id, title="Check the docking station",
                        assignee="li.na")
    return {"mine": mine, "group": group, "other": other, "task": task}


def test_queue_shows_my_and_my_groups_work_and_not_others(browser, people, queue_data):
    b = browser("li.na")
    mine = text(b.get("/desk/"))
    assert "Mine: laptop" in mine and "Check the docking station" in mine
    # Zhao Lei's request shows only as the request of Li Na's task, not as a row of its own.
    assert "Group: projector" not in mine and "Zhao&#39;s own</a>" not in mine
    # The task shows the number and title of the request it belongs to.
    row = row_of(mine, "Check the docking station")
    assert queue_data["other"].number in row and "Zhao&#39;s own" in row
    assert re.search(r'Mine <span class="count">2</span>', mine)
    assert re.search(r'My groups <span class="count">1</span>', mine)
    assert "All open work" not in mine  # a technician has no "all" tab
    groups = text(b.get("/desk/?scope=groups"))
    assert "Group: projector" in groups and "Mine: laptop" not in groups
    # Asking for "all" as a technician shows their own queue instead.
    assert "Zhao&#39;s own</a>" not in text(b.get("/desk/?scope=all"))

    lead = text(browser("wang.fang").get("/desk/?scope=all"))
    for title in ("Mine: laptop", "Group: projector", "Zhao&#39;s own</a>",
                  "Check the docking station"):
        assert title in lead
    assert re.search(r'All open work <span class="count">4</span>', lead)
    # Without a chosen tab, the first one with work opens: the lead has none of her own.
    landing = text(browser("wang.fang").get("/desk/"))
    assert re.search(r'class="active">All open work', landing)
    assert re.search(r'class="active">Mine', text(b.get("/desk/")))


def test_queue_filters(browser, people, session, queue_data):
    b = browser("wang.fang")
    urgent = text(b.get("/desk/?scope=all&priority=urgent"))
    assert "Zhao&#39;s own" in urgent and "Check the docking station" in urgent
    assert "Mine: laptop" not in urgent
    assert 'value="urgent" selected' in urgent  # the filter stays chosen
    # Tabs and sort links keep the filters.
    assert 'href="/desk/?scope=mine&amp;priority=urgent"' in urgent
    svc.transition(session, people.tech, queue_data["mine"].id, "start")
    working = text(b.get("/desk/?scope=all&status=in_progress"))
    assert "Mine: laptop" in working and "Group: projector" not in working
    assert "Group: projector" in text(b.get("/desk/?scope=all&status=@active"))
    assert "Mine: laptop" not in text(b.get("/desk/?scope=all&category=nothing&status=@new"))
    found = text(b.get("/desk/?scope=all&q=projector"))
    assert "Group: projector" in found and "Mine: laptop" not in found
    # Unknown values fall back to the defaults instead of failing.
    assert b.get("/desk/?scope=bogus&status=bogus&sort=bogus&dir=up&due=x&page=x").status_code \
        == 200
    svc.cancel(session, people.employee, queue_data["group"].id)
    assert "Group: projector" not in text(b.get("/desk/?scope=all"))
    assert "Group: projector" in text(b.get("/desk/?scope=all&status=@final"))
    empty = text(b.get("/desk/?scope=all&q=nothing-like-this"))
    assert "Nothing matches these filters." in empty


def test_queue_sorting(browser, people, session, queue_data):
    b = browser("wang.fang")
    by_priority = numbers_in(text(b.get("/desk/?scope=all&sort=priority")))
    other, mine, group = (queue_data[k].number for k in ("other", "mine", "group"))
    assert by_priority == [other, other, mine, group]  # the urgent request and its task first
    assert numbers_in(text(b.get("/desk/?scope=all&sort=priority&dir=asc")))[0] == group
    by_number = numbers_in(text(b.get("/desk/?scope=all&sort=number&dir=asc")))
    assert by_number == [mine, group, other, other]
    html = text(b.get("/desk/?scope=all&sort=number&dir=asc"))
    # The active column's link turns the order round; the others start in their usual one.
    assert 'href="/desk/?scope=all&amp;sort=number&amp;dir=desc"' in html
    assert 'aria-sort="ascending"' in html
    assert 'href="/desk/?scope=all&amp;sort=priority"' in html
    svc.add_comment(session, people.tech, queue_data["group"].id, "Seen")
    assert numbers_in(text(b.get("/desk/?scope=all&sort=updated")))[0] == group
    assert numbers_in(text(b.get("/desk/?scope=all&sort=status")))[0] in (mine, group, other)


def test_overdue_rows_are_marked_and_filtered(browser, people, session, queue_data):
    now = utcnow()
    mine, group = queue_data["mine"], queue_data["group"]
    # Both clocks are set: the queue shows the first-response clock while it runs, and the one
    # the SLA computed would fall "today" or "later" depending on the hour the test runs.
    mine.response_due_at = mine.resolve_due_at = now - timedelta(hours=3)
    group.response_due_at = group.resolve_due_at = now + timedelta(days=3)
    queue_data["task"].due_at = now - timedelta(minutes=10)
    session.commit()
    b = browser("li.na")
    html = text(b.get("/desk/"))
    assert 'class="overdue ' in row_of(html, "Mine: laptop")
    assert "Overdue" in row_of(html, "Mine: laptop")
    assert 'class="overdue ' in row_of(html, "Check the docking station")
    overdue = text(b.get("/desk/?due=overdue"))
    assert "Mine: laptop" in overdue and "Check the docking station" in overdue
    later = text(b.get("/desk/?scope=groups&due=later"))
    assert "Group: projector" in later
    assert 'class="overdue' not in row_of(later, "Group: projector")
    assert "Group: projector" not in text(b.get("/desk/?scope=groups&due=overdue"))
    # Waiting for the requester stops the clock: no longer marked.
    svc.transition(session, people.tech, mine.id, "wait_requester", {"message": "Which one?"})
    html = text(b.get("/desk/"))
    assert 'class="overdue' not in row_of(html, "Mine: laptop")
    assert "clock paused" in row_of(html, "Mine: laptop")


def test_escalated_requests_are_badged(browser, people, session, queue_data):
    svc.escalate(session, people.tech, queue_data["mine"].id, "Vendor unreachable")
    html = text(browser("li.na").get("/desk/"))
    assert "Escalated" in row_of(html, "Mine: laptop")
    assert "Escalated" not in row_of(html, "Check the docking station")


def test_partial_refresh_returns_only_the_list_and_keeps_filters(browser, people, queue_data):
    b = browser("wang.fang")
    full = text(b.get("/desk/?scope=all&priority=urgent"))
    assert 'data-refresh="/desk/?scope=all&amp;priority=urgent&amp;page=1"' in full
    assert "desk.js" in full
    part = text(b.get("/desk/?scope=all&priority=urgent&partial=1"))
    assert "<html" not in part and "queue-filters" not in part
    assert "Zhao&#39;s own" in part and "Mine: laptop" not in part
    assert "partial" not in part  # links in the list never point at the fragment


def test_queue_pages(browser, people, session):
    r = loan(session, people, "Many steps")
    svc.assign(session, people.lead, r.id, assignee="li.na")
    for n in range(30):
        svc.add_task(session, people.tech, r.id, title=f"Step {n:02d}", assignee="li.na")
    b = browser("li.na")
    first = text(b.get("/desk/?sort=number"))
    assert "Page 1 of 2" in first and 'href="/desk/?sort=number&amp;page=2"' in first
    second = text(b.get("/desk/?sort=number&page=2"))
    assert "Page 2 of 2" in second and len(numbers_in(second)) == 6


# -- the request workspace -----------------------------------------------------------------

def test_request_page_shows_everything(browser, people, session, req):
    people.employee.phone = "0512-6688-1002"
    session.commit()
    svc.add_comment(session, people.tech, req.id, "Asset NB-7 looks free", internal=True)
    svc.add_comment(session, people.tech, req.id, "Which day do you need it?")
    svc.add_attachment(session, people.tech, req.id, filename="inventory.xlsx",
                       stream=io.BytesIO(b"xlsx"), internal=True)
    first = svc.add_task(session, people.tech, req.id, title="Wipe the laptop",
                         assignee="li.na", due_at=utcnow() - timedelta(hours=1))
    svc.add_task(session, people.tech, req.id, title="Hand it over", group="Applications",
                 depends_on=[first.id])
    vendor = svc.create_vendor(session, people.lead, name="Rent-a-PC", kinds=["rental"])
    svc.engage_vendor(session, people.tech, req.id, vendor=vendor, kind="rental",
                      reference="RP-991", promised_response_at=utcnow() - timedelta(days=1))
    svc.escalate(session, people.tech, req.id, "Audit starts Monday")
    req.resolve_due_at = utcnow() + timedelta(hours=5)
    session.commit()

    html = text(browser("li.na").get(f"/desk/r/{req.number}"))
    for expected in (req.number, "Laptop for the audit", "Zhang Wei", "Finance",
                     "0512-6688-1002", "Li Na", "Web portal", "Escalated, level 1",
                     "Equipment loan", "Item", "laptop", "Days",
                     "Asset NB-7 looks free", "Which day do you need it?", "Internal note",
                     "inventory.xlsx", "Wipe the laptop", "Hand it over", "Applications",
                     "Waits for", "Rent-a-PC", "RP-991", "Rental company",
                     "Audit starts Monday", "due "):
        assert expected in html, expected
    assert re.search(r'<tr id="task-\d+" class="overdue">', html)
    vendor_row = re.search(r"RP-991.*?</tr>", html, re.S).group(0)
    assert "Overdue" in vendor_row  # promised an answer yesterday, none yet
    # Only the steps allowed now, each a form with the fields it requires.
    assert f'action="/desk/r/{req.number}/step/start"' in html
    assert f'action="/desk/r/{req.number}/step/resolve"' in html
    assert 'name="resolve.resolution"' in html
    assert f'action="/desk/r/{req.number}/step/hand_over"' not in html  # not in progress yet
    assert f'action="/desk/r/{req.number}/step/close"' not in html  # the requester's step


def test_internal_note_is_hidden_from_the_requester(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    b.post(f"{page}/comment", {"body": "VIP, be quick", "visibility": "internal"}, page=page)
    b.post(f"{page}/comment", {"body": "We have one ready", "visibility": "public"}, page=page)
    desk = text(b.get(page))
    assert "VIP, be quick" in desk and "We have one ready" in desk
    portal = text(browser("zhang.wei").get(f"/portal/r/{req.number}"))
    assert "We have one ready" in portal and "VIP, be quick" not in portal
    reload(session, req)
    assert [c.internal for c in req.comments] == [True, False]
    assert req.first_response_at is not None


def test_empty_comment_shows_the_error_next_to_the_field(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    resp = b.post(f"{page}/comment", {"body": "  ", "visibility": "internal"}, page=page)
    html = text(resp)
    assert resp.status_code == 200
    form = form_of(html, f"{page}/comment")
    assert "Write a message." in form
    assert 'value="internal" checked' in form  # the choice is kept
    assert reload(session, req).comments == []


def test_upload_internal_and_public_files(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    token = csrf_of(text(b.get(page)))
    for name, internal in (("config.txt", "1"), ("guide.pdf", "")):
        resp = b.client.post(f"{page}/attachments", data={
            "csrf_token": token, "internal": internal,
            "file": (io.BytesIO(b"data"), name)}, content_type="multipart/form-data")
        assert resp.status_code == 302
    html = text(b.get(page))
    assert "config.txt" in html and "guide.pdf" in html
    portal = text(browser("zhang.wei").get(f"/portal/r/{req.number}"))
    assert "guide.pdf" in portal and "config.txt" not in portal
    refused = b.client.post(f"{page}/attachments", data={
        "csrf_token": token, "file": (io.BytesIO(b"MZ"), "tool.exe")},
        content_type="multipart/form-data")
    assert refused.status_code == 200 and "not accepted" in text(refused)
    missing = b.client.post(f"{page}/attachments", data={"csrf_token": token},
                            content_type="multipart/form-data")
    assert "Choose a file." in form_of(text(missing), f"{page}/attachments")


def test_step_taken_from_the_page(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    resp = b.post(f"{page}/step/start", {"version": str(req.version)}, page=page)
    assert resp.status_code == 302 and resp.location == f"{page}#steps"
    assert "Done: Start work." in flashes(text(b.get(page)))
    assert reload(session, req).status == "in_progress"
    resp = b.post(f"{page}/step/resolve", {"version": str(req.version),
                                           "resolve.resolution": "NB-7 handed over"}, page=page)
    assert resp.status_code == 302
    reload(session, req)
    assert req.status == "resolved" and req.resolution == "NB-7 handed over"


def test_step_with_missing_or_bad_fields_shows_errors_next_to_them(browser, people, session,
                                                                   req):
    svc.transition(session, people.tech, req.id, "start")
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    resp = b.post(f"{page}/step/hand_over", {"version": str(req.version),
                                             "hand_over.asset_tag": "NB"}, page=page)
    assert resp.status_code == 200
    form = form_of(text(resp), f"{page}/step/hand_over")
    assert re.search(r'name="hand_over.asset_tag"[^>]*value="NB"', form.replace("\n", " "))
    assert "Shorter than minimum length 3." in form
    resp = b.post(f"{page}/step/resolve", {"version": str(req.version)}, page=page)
    form = form_of(text(resp), f"{page}/step/resolve")
    assert "This field is required." in form
    assert "<details class=\"step-details\" id=\"step-resolve\" open" in text(resp)
    assert reload(session, req).status == "in_progress"


def test_refused_step_explains_why(browser, people, session):
    long = loan(session, people, "Laptop for a secondment", days=20)
    svc.assign(session, people.lead, long.id, assignee="li.na")
    svc.transition(session, people.tech, long.id, "start")
    b = browser("li.na")
    page = f"/desk/r/{long.number}"
    resp = b.post(f"{page}/step/hand_over", {"version": str(long.version),
                                             "hand_over.asset_tag": "NB-7"}, page=page)
    assert resp.status_code == 302
    refusal = flashes(text(b.get(page)))
    assert ("<p>The step cannot be taken</p><ul class=\"flash-list\"><li>Loans over two weeks "
            "need the manager&#39;s approval first.</li></ul>") in refusal
    # Zhao Lei does not work on it: the step is not offered, and refused if posted.
    other = browser("zhao.lei")
    assert f"{page}/step/resolve" not in text(other.get(page))
    other.post(f"{page}/step/resolve", {"resolve.resolution": "x"}, page=page)
    assert any("may not take the step" in m for m in flashes(text(other.get(page))))
    assert reload(session, long).status == "in_progress"


def test_stale_step_keeps_what_was_typed(browser, people, session, req):
    svc.transition(session, people.tech, req.id, "start")
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    seen = req.version
    svc.add_task(session, people.lead, req.id, title="Meanwhile")  # does not bump the request
    svc.update_request(session, people.lead, req.id, expected_version=seen, priority="high")
    resp = b.post(f"{page}/step/resolve", {"version": str(seen),
                                           "resolve.resolution": "Long careful answer"},
                  page=page)
    html = text(resp)
    assert resp.status_code == 409
    assert "Someone else changed this request meanwhile" in html
    form = form_of(html, f"{page}/step/resolve")
    assert "Long careful answer" in form
    assert f'name="version" value="{reload(session, req).version}"' in form
    assert req.status == "in_progress" and req.priority == "high"


def test_take_and_assign(browser, people, session):
    r = loan(session, people, "Unassigned laptop")
    b = browser("li.na")
    page = f"/desk/r/{r.number}"
    assert f'action="{page}/take"' in text(b.get(page))
    b.post(f"{page}/take", {"version": str(r.version)}, page=page)
    reload(session, r)
    assert r.assignee_id == people.tech.id and r.status == "assigned"
    assert f'action="{page}/take"' not in text(b.get(page))
    assert "Unassigned laptop" in text(b.get("/desk/"))

    # Zhao Lei may not hand over Li Na's request: no form, and a refusal if posted.
    other = browser("zhao.lei")
    assert f'action="{page}/assign"' not in text(other.get(page))
    other.post(f"{page}/assign", {"assignee": str(people.tech2.id),
                                  "version": str(r.version)}, page=page)
    assert any("Only the help desk lead" in m for m in flashes(text(other.get(page))))

    lead = browser("wang.fang")
    resp = lead.post(f"{page}/assign", {"assignee": "", "group": "", "version": str(r.version)},
                     page=page)
    assert resp.status_code == 200
    assert "Choose a person or a group." in form_of(text(resp), f"{page}/assign")
    resp = lead.post(f"{page}/assign", {"assignee": str(people.tech2.id),
                                        "group": str(people.infra.id), "reason": "Hardware",
                                        "version": str(r.version)}, page=page)
    assert resp.status_code == 302
    reload(session, r)
    assert (r.assignee_id, r.group_id) == (people.tech2.id, people.infra.id)
    # A stale assignment form is refused and says so.
    resp = lead.post(f"{page}/assign", {"assignee": str(people.tech.id),
                                        "version": str(r.version - 1)}, page=page)
    assert resp.status_code == 409
    assert "Someone else changed this request meanwhile" in form_of(text(resp), f"{page}/assign")
    assert reload(session, r).assignee_id == people.tech2.id


def test_escalate_with_a_reason(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    resp = b.post(f"{page}/escalate", {"reason": ""}, page=page)
    assert "Say why the request needs escalating." in form_of(text(resp), f"{page}/escalate")
    resp = b.post(f"{page}/escalate", {"reason": "Needs a purchase decision"}, page=page)
    assert resp.status_code == 302
    reload(session, req)
    assert req.escalation_level == 1
    assert "Needs a purchase decision" in text(b.get(page))


def test_the_lead_de_escalates_from_the_request_page(browser, people, session, req):
    svc.escalate(session, people.tech, req.id, "Needs a purchase decision")
    page = f"/desk/r/{req.number}"
    assert "/de-escalate" not in text(browser("li.na").get(page))  # technicians do not
    assert browser("li.na").post(f"{page}/de-escalate", {}, page=page).status_code == 403
    lead = browser("wang.fang")
    html = text(lead.get(page))
    assert f'action="{page}/de-escalate"' in html
    resp = lead.post(f"{page}/de-escalate", {"note": "Bought; back to normal",
                                             "version": str(reload(session, req).version)},
                     page=page)
    assert resp.status_code == 302 and resp.location == f"{page}#escalation"
    assert reload(session, req).escalation_level == 0
    after = text(lead.get(page))
    assert "is no longer escalated" in after and "/de-escalate" not in after
    assert "Bought; back to normal" in after  # the note is in the history


# -- tasks ---------------------------------------------------------------------------------

def test_add_tasks_and_dependency_refusal(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    resp = b.post(f"{page}/tasks", {"title": "Wipe the disk", "assignee": str(people.tech.id),
                                    "due_at": "2026-03-02T09:30"}, page=page)
    assert resp.status_code == 302 and resp.location == f"{page}#tasks"
    first = reload(session, req).tasks[0]
    # Entered in the user's zone (Shanghai), stored in UTC.
    assert first.due_at.isoformat() == "2026-03-02T01:30:00+00:00"
    b.post(f"{page}/tasks", {"title": "Hand over", "group": str(people.apps.id),
                             "depends_on": str(first.id)}, page=page)
    second = reload(session, req).tasks[1]
    assert second.depends_on == [first]
    html = text(b.get(page))
    assert re.search(r"Waits for</?\w*>?: Wipe the disk|Waits for: Wipe the disk", html)

    resp = b.post(f"/desk/tasks/{second.id}/start", {"version": str(second.version)}, page=page)
    assert resp.location == f"{page}#task-{second.id}"
    messages = flashes(text(b.get(page)))
    # The message, then each reason as an item of a list (never glued with punctuation).
    assert ("<p>The task waits for other tasks</p>"
            '<ul class="flash-list"><li>Wipe the disk</li></ul>') in messages
    assert reload(session, second).status == "open"

    b.post(f"/desk/tasks/{first.id}/complete", {"version": str(first.version)}, page=page)
    assert "Task completed." in flashes(text(b.get(page)))
    b.post(f"/desk/tasks/{second.id}/start", {"version": str(second.version)}, page=page)
    assert reload(session, second).status == "in_progress"
    b.post(f"/desk/tasks/{second.id}/cancel", {"version": str(second.version)}, page=page)
    assert reload(session, second).status == "cancelled"
    b.post(f"/desk/tasks/{second.id}/reopen", {"version": str(second.version)}, page=page)
    assert reload(session, second).status == "open"
    # A stale button is refused with a message.
    b.post(f"/desk/tasks/{second.id}/start", {"version": "1"}, page=page)
    assert any("changed this task meanwhile" in m for m in flashes(text(b.get(page))))


def test_task_form_errors_are_shown_next_to_the_fields(browser, people, session, req):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    resp = b.post(f"{page}/tasks", {"title": "Check", "description": "keep me",
                                    "due_at": "tomorrow"}, page=page)
    html = text(resp)
    form = form_of(html, f"{page}/tasks")
    assert "Give a date and time like 2026-03-01 14:30." in form
    assert "keep me" in form and 'value="Check"' in form
    assert '<details class="add-task" open' in html
    resp = b.post(f"{page}/tasks", {"title": "", "description": "again"}, page=page)
    form = form_of(text(resp), f"{page}/tasks")
    assert "A short title is required." in form and "again" in form
    assert reload(session, req).tasks == []


def test_task_buttons_only_for_who_may_work_it(browser, people, session, req):
    task = svc.add_task(session, people.tech, req.id, title="Prepare", assignee="li.na")
    html = text(browser("zhao.lei").get(f"/desk/r/{req.number}"))
    assert f"/desk/tasks/{task.id}/start" not in html
    html = text(browser("li.na").get(f"/desk/r/{req.number}"))
    assert f"/desk/tasks/{task.id}/start" in html


# -- editing -------------------------------------------------------------------------------

def test_edit_request(browser, people, session, req):
    b = browser("li.na")
    url = f"/desk/r/{req.number}/edit"
    html = text(b.get(url))
    assert 'value="Laptop for the audit"' in html and 'name="details.days"' in html
    resp = b.post(url, {"title": "Laptop for the year-end audit", "description": "2 weeks",
                        "priority": "high", "details.item": "laptop", "details.days": "9",
                        "version": str(req.version)})
    assert resp.location == f"/desk/r/{req.number}"
    reload(session, req)
    assert (req.title, req.priority, req.details["days"]) == ("Laptop for the year-end audit",
                                                              "high", 9)
    resp = b.post(url, {"title": "", "priority": "high", "details.item": "car",
                        "details.days": "9", "version": str(req.version)})
    html = text(resp)
    assert resp.status_code == 200
    assert "A short title is required." in html and "Must be one of: laptop, projector." in html
    # Zhao Lei does not work on it: he is sent back with a message.
    other = browser("zhao.lei")
    resp = other.get(url)
    assert resp.status_code == 302
    assert any("can edit it" in m for m in flashes(text(other.get(f"/desk/r/{req.number}"))))


def test_stale_edit_says_so_shows_the_current_state_and_keeps_the_text(browser, people,
                                                                       session, req):
    b = browser("li.na")
    url = f"/desk/r/{req.number}/edit"
    seen = req.version
    b.get(url)
    svc.update_request(session, people.lead, req.id, expected_version=seen,
                       title="Renamed by the lead")
    resp = b.post(url, {"title": "My better title", "description": "My careful words",
                        "priority": "urgent", "details.item": "laptop", "details.days": "3",
                        "version": str(seen)})
    html = text(resp)
    assert resp.status_code == 409
    assert "Someone else changed this request meanwhile" in html
    assert "Renamed by the lead" in html  # the current state
    assert 'value="My better title"' in html and "My careful words" in html
    assert 'value="urgent" selected' in html
    new_version = reload(session, req).version
    assert f'name="version" value="{new_version}"' in html
    assert req.title == "Renamed by the lead"
    # Sending again, now knowing the other change, saves.
    resp = b.post(url, {"title": "My better title", "priority": "urgent",
                        "details.item": "laptop", "details.days": "3",
                        "version": str(new_version)})
    assert resp.status_code == 302
    assert reload(session, req).title == "My better title"


# -- the real categories -------------------------------------------------------------------

def installed_plugins() -> list[object]:
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


@pytest.mark.parametrize("plugins", [pytest.param(installed_plugins(), id="installed")])
def test_every_page_renders_with_the_demo_data(browser, helpdesk, plugins):
    """Every installed category's requests, in every state the demo reaches, render."""
    from sqlalchemy import select

    from hdcore import ServiceRequest, User
    from hdcore import services as svc
    from hdcore.demo import load_demo

    load_demo(helpdesk)
    for username in ("li.na", "wang.fang"):
        b = browser(username)
        for scope in ("mine", "groups", "all"):
            assert b.get(f"/desk/?scope={scope}&status=all").status_code == 200
        with helpdesk.session_scope() as s:
            numbers = s.scalars(select(ServiceRequest.number)).all()
            # Security incidents are only for the people on them (and the lead, the manager).
            actor = s.scalar(select(User).where(User.username == username))
            hidden = {r.number for r in s.scalars(select(ServiceRequest))
                      if not svc.can_view(actor, r)}
        assert numbers
        for number in numbers:
            resp = b.get(f"/desk/r/{number}")
            assert resp.status_code == (404 if number in hidden else 200), number
        assert b.get(f"/desk/r/{numbers[0]}/edit").status_code in (200, 302)


@pytest.mark.parametrize("username", ["wang.fang", "chen.jie", "admin"])
def test_supervisors_act_on_anyones_request(browser, people, session, req, username):
    b = browser(username)
    page = f"/desk/r/{req.number}"
    html = text(b.get(page))
    assert f'action="{page}/step/force_close"' in html and f'action="{page}/assign"' in html
    assert b.post(f"{page}/step/start", {"version": str(req.version)}, page=page).status_code \
        == 302
    b.post(f"{page}/tasks", {"title": "Check stock"}, page=page)
    b.post(f"{page}/comment", {"body": "Supervisor note", "visibility": "internal"}, page=page)
    reload(session, req)
    assert req.status == "in_progress"
    assert [t.title for t in req.tasks] == ["Check stock"]
    assert [c.body for c in req.comments] == ["Supervisor note"]


class LoanPluginWithPanels(LoanPlugin):
    """The loans test plugin with a panel for IT staff beside the history, one for everyone."""

    @hookimpl
    def hd_web_request_panels(self, request, viewer):
        if request.category != "loan":
            return None
        panels = [Panel("Stock", Markup("<p>3 laptops in stock</p>"))]
        if viewer.is_staff:
            panels.append(Panel("Loan book", Markup("<p>NB-7 lent twice</p>"), place="main"))
        return panels


@pytest.mark.parametrize("plugins", [pytest.param([LoanPluginWithPanels()], id="panels")])
def test_plugin_panels_and_a_disabled_category(browser, people, session, req, plugins):
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    html = text(b.get(page))
    assert "3 laptops in stock" in html and "NB-7 lent twice" in html
    assert "NB-7 lent twice" not in text(browser("zhang.wei").get(f"/portal/r/{req.number}"))
    svc.transition(session, people.tech, req.id, "start")

    svc.set_plugin_enabled(session, people.admin, "loans", False)
    html = text(b.get(page))
    assert "3 laptops in stock" not in html and req.title in html
    # The category's own steps are gone; the core's (resolve, ...) stay open.
    assert f"{page}/step/hand_over" not in html and f"{page}/step/resolve" in html
    b.post(f"{page}/step/hand_over", {"hand_over.asset_tag": "NB-7"}, page=page)
    assert any("switched off" in m for m in flashes(text(b.get(page))))
    assert reload(session, req).status == "in_progress"
