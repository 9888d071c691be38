"""Notifications over HTTP: the bell's count, the list, opening and marking read, e-mail
settings, and the administrator's outbox page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from hdcore import services as svc
from hdcore.models import Notification, OutboxMessage
from tests.core.sample_plugin import LoanPlugin


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def bell(html: str) -> int:
    """The unread count the top bar's bell shows (0 when it shows none)."""
    match = re.search(r'class="bell[^"]*"[^>]*>.*?(?:<span class="bell-count">(\d+)</span>)?</a>',
                      html, re.S)
    assert match, "no bell in the top bar"
    return int(match.group(1) or 0)


def fresh(session):
    """End the test session's snapshot and forget what it loaded: see what the app committed."""
    session.rollback()
    session.expire_all()


def file_and_work(session, people):
    """A request of the employee's, assigned to Li Na, who asks a question and resolves it."""
    req = svc.submit_request(session, people.employee, category="loan", title="Projector",
                             details={"item": "projector", "days": 2})
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.add_comment(session, people.tech, req.id, "For which room?")
    svc.transition(session, people.tech, req.id, "start")
    svc.resolve(session, people.tech, req.id, "Delivered to room 301.")
    return req


def test_the_bell_counts_unread_notifications(browser, session, people):
    b = browser("zhang.wei")
    assert bell(b.get("/portal/").get_data(as_text=True)) == 0
    file_and_work(session, people)
    html = b.get("/portal/").get_data(as_text=True)
    assert bell(html) == 2  # the reply and the solution
    assert 'href="/me/notifications/inbox"' in html
    assert bell(browser("li.na").get("/desk/").get_data(as_text=True)) == 1  # assigned


def test_the_list_is_newest_first_and_marks_the_unread(browser, session, people):
    req = file_and_work(session, people)
    html = browser("zhang.wei").get("/me/notifications/inbox").get_data(as_text=True)
    texts = re.findall(r'<span class="text">([^<]*)</span>', html)
    assert texts == [f"{req.number} was resolved; please confirm or reopen it",
                     f"Li Na wrote on {req.number}: For which room?"]
    assert html.count('class="notification unread"') == 2
    assert "2 unread" in html


def test_opening_one_marks_it_read_and_goes_to_the_request(browser, session, people):
    req = file_and_work(session, people)
    note = session.scalars(select(Notification).where(Notification.user_id == people.employee.id,
                                                      Notification.kind == "resolved")).one()
    b = browser("zhang.wei")
    resp = b.get(f"/me/notifications/{note.id}")
    assert resp.status_code == 302 and resp.location == f"/portal/r/{req.number}"
    html = b.get("/me/notifications/inbox").get_data(as_text=True)
    assert bell(html) == 1 and html.count('class="notification read"') == 1
    fresh(session)
    assert session.get(Notification, note.id).read_at is not None

    staff_note = session.scalars(select(Notification).where(
        Notification.user_id == people.tech.id)).one()
    tech = browser("li.na")
    assert tech.get(f"/me/notifications/{staff_note.id}").location == f"/desk/r/{req.number}"


def test_someone_elses_notification_is_not_found(browser, session, people):
    file_and_work(session, people)
    note = session.scalars(select(Notification).where(
        Notification.user_id == people.employee.id)).first()
    resp = browser("liu.yang").get(f"/me/notifications/{note.id}")
    assert resp.status_code == 404
    fresh(session)
    assert session.get(Notification, note.id).read_at is None


def test_mark_all_read(browser, session, people):
    file_and_work(session, people)
    b = browser("zhang.wei")
    resp = b.post("/me/notifications/read-all", page="/me/notifications/inbox")
    assert resp.status_code == 302
    html = b.get("/me/notifications/inbox").get_data(as_text=True)
    assert bell(html) == 0 and 'class="notification unread"' not in html
    assert "Mark all read" not in html
    assert bell(browser("li.na").get("/desk/").get_data(as_text=True)) == 1  # not hers


def test_the_list_needs_a_signed_in_user(browser):
    assert browser().get("/me/notifications/inbox").status_code == 302


def test_email_settings_list_the_kinds_and_save_the_ticks(browser, session, people):
    b = browser("zhang.wei")
    html = b.get("/me/notifications").get_data(as_text=True)
    ticked = re.findall(r'name="email" value="(\w+)" checked', html)
    assert "resolved" in ticked and "reply" in ticked
    assert 'value="assigned"' not in html  # staff only
    keep = [k for k in ticked if k != "resolved"]
    resp = b.post("/me/notifications", {"email": keep})
    assert resp.status_code == 302
    html = b.get("/me/notifications").get_data(as_text=True)
    assert 'value="resolved" checked' not in html and 'value="reply" checked' in html
    fresh(session)
    assert svc.email_preferences(session, people.employee)["resolved"] is False
    file_and_work(session, people)
    kinds = set(session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.user_id == people.employee.id)))
    assert "resolved" not in kinds and "reply" in kinds

    staff = browser("li.na").get("/me/notifications").get_data(as_text=True)
    assert 'value="assigned" checked' in staff and 'value="task_assigned" checked' in staff


def test_settings_pages_speak_chinese(browser, session, people):
    svc.set_preferences(session, people.employee, "zh_Hans_CN", "Asia/Shanghai")
    b = browser("zhang.wei")
    assert "请求已解决" in b.get("/me/notifications").get_data(as_text=True)
    file_and_work(session, people)
    html = b.get("/me/notifications/inbox").get_data(as_text=True)
    assert "已解决" in html and "Li Na" in html


def _dead(session, people):
    svc.submit_request(session, people.employee, category="loan", title="Projector",
                       details={"item": "projector", "days": 2})
    message = session.scalars(select(OutboxMessage)).one()
    session.execute(update(OutboxMessage).values(
        status="dead", attempts=8, last_error="SMTPServerDisconnected: Connection unexpectedly "
                                              "closed"))
    session.commit()
    return message


def test_the_administrator_sees_dead_mail_and_sends_it_again(browser, session, people):
    message = _dead(session, people)
    b = browser("admin")
    html = b.get("/admin/outbox").get_data(as_text=True)
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in html
    assert "zhang.wei@example.com" in html and message.subject in html
    assert "No SMTP server is configured" in html
    resp = b.post(f"/admin/outbox/{message.id}/retry", {"view": "dead"}, page="/admin/outbox")
    assert resp.status_code == 302
    fresh(session)
    again = session.get(OutboxMessage, message.id)
    assert (again.status, again.attempts) == ("pending", 0)
    assert "will be sent again" in b.get("/admin/outbox").get_data(as_text=True)


def test_retrying_every_dead_message(browser, session, people):
    _dead(session, people)
    b = browser("admin")
    b.post("/admin/outbox/retry-dead", page="/admin/outbox")
    fresh(session)
    assert svc.outbox_counts(session)["dead"] == 0


def test_only_administrators_see_the_outbox(browser, session, people):
    message = _dead(session, people)
    assert browser("wang.fang").get("/admin/outbox").status_code == 403
    lead = browser("wang.fang")
    resp = lead.client.post(f"/admin/outbox/{message.id}/retry")
    assert resp.status_code in (400, 403)
    fresh(session)
    assert session.get(OutboxMessage, message.id).status == "dead"
