"""Notifications: who is told what, in which language, with which headers; the outbox's sending.

The sender runs against a real SMTP server (``tests/smtp.py``) that the tests stop and restart.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select, update

from hdcore import PermissionDenied, ValidationFailed, clock, worker
from hdcore import services as svc
from hdcore.mail.ids import request_of
from hdcore.models import Notification, OutboxMessage, OutboxStatus
from hdcore.notify import sender
from hdcore.notify.compose import header_safe
from hdcore.services.base import record, service
from tests.smtp import closed_port

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def file(session, people, actor=None, **kw):
    """A loan request of the employee's (filed by ``actor``, default the employee)."""
    args = {"category": "loan", "title": "Laptop for a trip", "description": "One week in Xi'an",
            "details": {"item": "laptop", "days": 5}}
    args.update(kw)
    actor = actor or people.employee
    if actor is not people.employee:
        args.setdefault("requester", people.employee)
    return svc.submit_request(session, actor, **args)


def notes(session, user, kind=None):
    """The in-app notifications of ``user`` (of ``kind``)."""
    q = select(Notification).where(Notification.user_id == user.id)
    if kind:
        q = q.where(Notification.kind == kind)
    found = list(session.scalars(q.order_by(Notification.id)))
    session.commit()  # end the read: SQLite would refuse the next write on an old snapshot
    return found


def mails(session, user=None, kind=None):
    """Outbox rows (to ``user``, of ``kind``), as they are now in the database."""
    session.commit()
    q = select(OutboxMessage).execution_options(populate_existing=True)
    if user is not None:
        q = q.where(OutboxMessage.user_id == user.id)
    if kind:
        q = q.where(OutboxMessage.kind == kind)
    found = list(session.scalars(q.order_by(OutboxMessage.id)))
    session.commit()
    return found


def reload(session, obj):
    """``obj`` as the database has it now (other sessions, the sender's, changed it)."""
    session.commit()
    session.refresh(obj)
    session.commit()
    return obj


def told(session, kind):
    """Usernames told of ``kind``, in the application and by e-mail."""
    in_app = {n.user.username for n in session.scalars(
        select(Notification).where(Notification.kind == kind))}
    by_mail = {m.recipient.split("@")[0] for m in mails(session, kind=kind)}
    return in_app, by_mail


@service
def send_reminder(session, req_id, **data):
    """What the SLA ladder does: record a reminder on a resolved request."""
    req = svc.get_request(session, req_id)
    return record(session, req, None, "reminder_sent", data={"reminder": 1, **data})


@service
def sla_step(session, req_id, kind, notify, level=None):
    """What the SLA sweep records when a time target is near (a warning) or missed."""
    req = svc.get_request(session, req_id)
    data = {"reason": "Time target: 100% of the resolution target has passed.",
            "automatic": True, "notify": notify, "target": "resolution",
            "due_at": "2026-03-02T08:00:00+00:00"}
    changes = {}
    if level is not None:
        changes = {"escalation_level": [req.escalation_level, level]}
        req.escalation_level = level
    return record(session, req, None, kind, changes, data, public=kind != "sla_warning")


def resolved_request(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "start")
    svc.resolve(session, people.tech, req.id, "Reinstalled the VPN client.")
    return req


# -- who is told what --------------------------------------------------------------------------


def test_filing_is_acknowledged_by_mail_but_not_under_the_bell(session, people):
    req = file(session, people)
    assert notes(session, people.employee) == []  # they just saw the confirmation page
    (ack,) = mails(session, people.employee, "received")
    assert ack.subject == f"[{req.number}] Request received: Laptop for a trip"
    assert req.number in ack.body_text and "One week in Xi'an" in ack.body_text
    assert f"/portal/r/{req.number}" in ack.body_text
    assert told(session, "received") == (set(), {"zhang.wei"})


def test_a_request_taken_by_phone_tells_the_requester_who_filed_it(session, people):
    req = file(session, people, actor=people.lead)
    (note,) = notes(session, people.employee, "received")
    assert note.request_id == req.id and note.params["number"] == req.number
    (mail,) = mails(session, people.employee, "received")
    assert "Wang Fang has filed a request for you" in mail.body_text
    assert mails(session, people.lead) == [] and notes(session, people.lead) == []


def test_assignment_tells_the_new_assignee_only(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech, reason="Knows VPN")
    assert told(session, "assigned") == ({"li.na"}, {"li.na"})
    (mail,) = mails(session, people.tech, "assigned")
    assert mail.subject == f"[{req.number}] Assigned to you: Laptop for a trip"
    assert "Assigned by Wang Fang. Reason: Knows VPN" in mail.body_text
    assert f"/desk/r/{req.number}" in mail.body_text  # staff go to the desk


def test_assignment_to_a_group_tells_its_active_members(session, people):
    extra = svc.create_user(session, None, username="sun.li", full_name="Sun Li",
                            role="technician", password="demo", email="sun.li@example.com")
    gone = svc.create_user(session, None, username="old.hand", full_name="Old Hand",
                           role="technician", password="demo", email="old@example.com")
    svc.update_group(session, None, people.apps, members=[people.tech, extra, gone])
    svc.update_user(session, None, gone, active=False)
    req = file(session, people)
    svc.assign(session, people.lead, req.id, group=people.apps)
    assert told(session, "assigned") == ({"li.na", "sun.li"}, {"li.na", "sun.li"})
    assert notes(session, people.tech, "assigned")[0].params["group"] == "Applications"


def test_taking_a_request_yourself_tells_nobody(session, people):
    req = file(session, people)
    svc.assign(session, people.tech, req.id, assignee=people.tech)
    assert told(session, "assigned") == (set(), set())


def test_public_replies_go_to_the_other_side_and_internal_notes_nowhere(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.add_comment(session, people.tech, req.id, "Which VPN profile do you use?")
    svc.add_comment(session, people.tech, req.id, "Her laptop is on the blacklist", internal=True)
    svc.add_comment(session, people.employee, req.id, "The Shanghai one.")

    (to_requester,) = mails(session, people.employee, "reply")
    assert "Which VPN profile do you use?" in to_requester.body_text
    assert "> Which VPN profile do you use?" in to_requester.body_text  # quoted
    (to_tech,) = mails(session, people.tech, "reply")
    assert "The Shanghai one." in to_tech.body_text
    assert [n.params["excerpt"] for n in notes(session, people.employee, "reply")] == [
        "Which VPN profile do you use?"]
    everything = " ".join(m.body_text + m.body_html + m.subject for m in mails(session))
    assert "blacklist" not in everything
    assert not any("blacklist" in str(n.params) for n in notes(session, people.employee))


def test_a_reply_to_an_unassigned_request_goes_to_its_group(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, group=people.infra)
    svc.add_comment(session, people.employee, req.id, "Any news?")
    assert told(session, "reply") == ({"zhao.lei"}, {"zhao.lei"})


def test_waiting_for_you_carries_the_question(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "wait_requester",
                   {"message": "Which day do you leave?"})
    (mail,) = mails(session, people.employee, "waiting")
    assert mail.subject == f"[{req.number}] Waiting for you: Laptop for a trip"
    assert "> Which day do you leave?" in mail.body_text
    assert notes(session, people.employee, "waiting")[0].params["excerpt"] == \
        "Which day do you leave?"
    svc.add_comment(session, people.employee, req.id, "Monday")  # resumes the request
    assert told(session, "reply") == ({"li.na"}, {"li.na"})
    assert len(mails(session, people.employee)) == 2  # the receipt and the question


def test_resolved_offers_confirm_and_reopen(session, people):
    req = resolved_request(session, people)
    (mail,) = mails(session, people.employee, "resolved")
    page = f"http://127.0.0.1:5000/portal/r/{req.number}"
    assert "> Reinstalled the VPN client." in mail.body_text
    assert f"{page}#step-close" in mail.body_text and f"{page}#step-reopen" in mail.body_text
    assert f'href="{page}#step-close"' in mail.body_html
    assert told(session, "resolved") == ({"zhang.wei"}, {"zhang.wei"})


def test_reminders_of_the_ladder_reach_the_requester_with_the_same_links(session, people):
    req = resolved_request(session, people)
    send_reminder(session, req.id, auto_close_at="2026-03-06T02:00:00+00:00")
    (mail,) = mails(session, people.employee, "reminder")
    assert mail.subject == f"[{req.number}] Reminder: please confirm Laptop for a trip"
    assert "#step-close" in mail.body_text and "#step-reopen" in mail.body_text
    assert "closed automatically on 2026-03-06 10:00" in mail.body_text  # Shanghai time
    assert len(notes(session, people.employee, "reminder")) == 1


def test_the_sla_ladder_tells_whom_each_level_is_for(session, people):
    svc.set_preferences(session, people.tech, "zh_Hans_CN", "Asia/Shanghai")
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    sla_step(session, req.id, "sla_warning", "assignee")
    assert told(session, "due_soon") == ({"li.na"}, {"li.na"})
    (warning,) = mails(session, people.tech, "due_soon")
    assert "解决" in warning.body_text and "2026-03-02 16:00" in warning.body_text
    assert notes(session, people.employee, "due_soon") == []  # internal: not the requester

    sla_step(session, req.id, "escalated", "lead", level=1)
    assert told(session, "escalated") == ({"wang.fang", "li.na"}, {"wang.fang", "li.na"})
    sla_step(session, req.id, "escalated", "manager", level=2)
    managers = [n for n in notes(session, people.manager, "escalated")]
    assert [n.params["level"] for n in managers] == [2]
    (mail,) = mails(session, people.manager, "escalated")
    assert "escalated automatically to level 2" in mail.body_text
    assert "Its resolution target was due 2026-03-02 16:00." in mail.body_text
    assert "100% of the" not in mail.body_text  # the history's English sentence stays there
    assert svc.describe_notification(managers[0]) == \
        f"{req.number} was escalated (level 2): its time target was missed"


def test_closing_asks_for_a_rating_unless_the_requester_closed_it(session, people):
    mine = resolved_request(session, people)
    svc.close(session, people.employee, mine.id)
    assert mails(session, people.employee, "closed") == []  # they did it themselves

    forced = file(session, people)
    svc.force_close(session, people.lead, forced.id, "Duplicate of an earlier request")
    (mail,) = mails(session, people.employee, "closed")
    assert f"/portal/r/{forced.number}#rate" in mail.body_text
    assert "Duplicate of an earlier request" in mail.body_text
    assert notes(session, people.employee, "closed")[0].request_id == forced.id


def test_reopening_tells_the_assignee(session, people):
    req = resolved_request(session, people)
    svc.reopen(session, people.employee, req.id, "Still cannot connect from the hotel")
    (mail,) = mails(session, people.tech, "reopened")
    assert "Zhang Wei reopened" in mail.body_text and "> Still cannot connect" in mail.body_text


def test_escalation_tells_leads_managers_and_the_assignee_but_not_the_actor(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.escalate(session, people.employee, req.id, "Flight is tomorrow")
    assert told(session, "escalated") == ({"wang.fang", "chen.jie", "li.na"},
                                          {"wang.fang", "chen.jie", "li.na"})
    (mail,) = mails(session, people.manager, "escalated")
    assert mail.subject == f"[{req.number}] Escalated (level 1): Laptop for a trip"
    assert "> Flight is tomorrow" in mail.body_text

    svc.escalate(session, people.tech, req.id, "Needs a manager's approval")
    assert {n.user.username for n in session.scalars(select(Notification).where(
        Notification.kind == "escalated", Notification.params["level"].as_integer() == 2))} == \
        {"wang.fang", "chen.jie"}


def test_task_assignment_tells_the_tasks_assignee(session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    task = svc.add_task(session, people.tech, req.id, title="Image the laptop",
                        assignee=people.tech2, due_at=START + timedelta(days=1))
    (mail,) = mails(session, people.tech2, "task_assigned")
    assert mail.subject == f"[{req.number}] Task assigned: Image the laptop"
    assert f"/desk/tasks/{task.id}" in mail.body_text
    assert "Due by 2026-03-03 09:00" in mail.body_text  # in his zone, Asia/Shanghai
    svc.update_task(session, people.tech, task.id, assignee=people.tech)  # to themselves
    assert len(notes(session, people.tech, "task_assigned")) == 0
    assert len(notes(session, people.tech2, "task_assigned")) == 1


def test_nobody_is_told_of_their_own_steps(session, people):
    req = file(session, people)
    svc.assign(session, people.tech, req.id, assignee=people.tech)
    svc.add_comment(session, people.tech, req.id, "On it")
    svc.transition(session, people.tech, req.id, "start")
    svc.escalate(session, people.tech, req.id, "Needs approval")
    assert notes(session, people.tech) == [] and mails(session, people.tech) == []


# -- language, headers, threading --------------------------------------------------------------


def test_each_recipient_reads_their_own_language(session, people):
    svc.set_preferences(session, people.employee, "zh_Hans_CN", "Asia/Shanghai")
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.add_comment(session, people.tech, req.id, "请提供电脑型号")
    (zh,) = mails(session, people.employee, "reply")
    assert zh.subject == f"[{req.number}] 新回复：Laptop for a trip"
    assert "您好，Zhang Wei：" in zh.body_text and "请提供电脑型号" in zh.body_text
    assert '<html lang="zh-CN">' in zh.body_html
    (en,) = mails(session, people.tech, "assigned")
    assert en.subject.startswith(f"[{req.number}] Assigned to you")
    assert "priority Normal" in en.body_text
    svc.set_preferences(session, people.tech2, "zh_Hans_CN", "Asia/Shanghai")
    svc.assign(session, people.lead, req.id, assignee=people.tech2)
    (zh_staff,) = mails(session, people.tech2, "assigned")
    assert "优先级 普通" in zh_staff.body_text  # labels in the reader's language too


def test_messages_thread_on_the_requests_first_message(helpdesk, session, people):
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.add_comment(session, people.tech, req.id, "Noted")
    first, *later = mails(session)
    assert first.in_reply_to is None and first.refs is None
    assert all(m.in_reply_to == first.message_id == m.refs for m in later)
    secret = helpdesk.settings.secret_key
    assert {request_of(secret, m.message_id) for m in mails(session)} == {req.id}
    assert len({m.message_id for m in mails(session)}) == 3

    msg = sender.build_message(later[-1], helpdesk.settings)
    assert msg["Message-ID"] == later[-1].message_id
    assert msg["In-Reply-To"] == first.message_id and msg["References"] == first.message_id
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Subject"].startswith(f"[{req.number}] ")
    assert msg.get_body(("plain",)).get_content() == later[-1].body_text
    assert msg.get_body(("html",)).get_content() == later[-1].body_html


def test_header_injection_in_titles_and_names_stays_inert(helpdesk, session, people):
    svc.update_user(session, None, people.employee,
                    full_name="Zhang\r\nBcc: spy@evil.example\nX-Evil: 1")
    req = file(session, people, title="VPN\r\nBcc: spy@evil.example\r\n\r\nfake body")
    (mail,) = mails(session, people.employee, "received")
    assert "\n" not in mail.subject and "\r" not in mail.subject
    raw = sender.build_message(mail, helpdesk.settings).as_bytes()
    parsed = message_from_bytes(raw, policy=default_policy)
    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["zhang.wei@example.com"]
    assert parsed["Subject"].strip() == f"[{req.number}] Request received: VPN Bcc: " \
                                        "spy@evil.example fake body"
    assert "<title>" in mail.body_html and "\r\n\r\nfake" not in mail.body_html
    assert header_safe("a\x00b\u2028c\x85d") == "a b c d"


def test_html_bodies_escape_what_people_typed(session, people):
    req = file(session, people, title="<script>alert(1)</script>")
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.add_comment(session, people.employee, req.id, '<img src=x onerror="steal()">')
    for mail in mails(session):
        assert "<script>" not in mail.body_html and "<img" not in mail.body_html
    assert "&lt;img src=x" in mails(session, people.tech, "reply")[0].body_html


# -- preferences -------------------------------------------------------------------------------


def test_email_preferences_keep_the_bell_but_stop_the_mail(session, people):
    prefs = svc.email_preferences(session, people.employee)
    assert prefs["resolved"] is True and "assigned" not in prefs  # staff kinds hidden
    svc.set_email_preferences(session, people.employee,
                              [k for k in prefs if k not in ("resolved", "reply")])
    assert svc.email_preferences(session, people.employee)["resolved"] is False
    req = resolved_request(session, people)
    svc.add_comment(session, people.tech, req.id, "Anything else?")
    assert mails(session, people.employee, "resolved") == []
    assert mails(session, people.employee, "reply") == []
    assert len(notes(session, people.employee, "resolved")) == 1
    assert len(mails(session, people.employee, "received")) == 1  # still wanted


def test_unknown_kinds_are_refused_and_nothing_changes(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.set_email_preferences(session, people.employee, ["resolved", "lottery"])
    assert "lottery" in err.value.errors["kinds"][0]
    assert all(svc.email_preferences(session, people.employee).values())


def test_people_without_an_address_are_told_in_the_application_only(session, people):
    svc.update_user(session, None, people.tech, email="")
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    assert len(notes(session, people.tech, "assigned")) == 1
    assert mails(session, people.tech) == []


# -- sending -----------------------------------------------------------------------------------


def test_the_worker_delivers_the_outbox(helpdesk, session, people, smtp_server):
    smtp_server.configure(helpdesk.settings)
    req = resolved_request(session, people)
    written = mails(session)
    results = worker.run_once(helpdesk, only={"outbox"})
    assert [(r.job, r.handled, r.error) for r in results] == [("outbox", len(written), None)]
    assert sorted(smtp_server.message_ids()) == sorted(m.message_id for m in written)
    got = {str(r.message["Message-ID"]): r for r in smtp_server.messages}
    resolved = mails(session, people.employee, "resolved")[0]
    received = got[resolved.message_id]
    assert received.rcpt_tos == ["zhang.wei@example.com"]
    assert received.mail_from == "helpdesk@helpdesk.local"
    assert received.message["Subject"] == resolved.subject
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.message["In-Reply-To"] == mails(session)[0].message_id
    assert request_of(helpdesk.settings.secret_key, received.message["In-Reply-To"]) == req.id
    body = received.message.get_body(("plain",)).get_content()
    assert body.replace("\r\n", "\n") == resolved.body_text
    session.commit()
    assert {(m.status, m.attempts) for m in mails(session)} == {("sent", 1)}
    assert worker.run_once(helpdesk, only={"outbox"})[0].handled == 0  # nothing twice
    assert len(smtp_server.messages) == len(written)


def test_chinese_names_and_subjects_arrive_intact(helpdesk, session, people, smtp_server):
    smtp_server.configure(helpdesk.settings)
    svc.update_user(session, None, people.employee, full_name="张伟")
    svc.set_preferences(session, people.employee, "zh_Hans_CN", "Asia/Shanghai")
    req = file(session, people, title="打印机卡纸")
    sender.send_outbox(helpdesk)
    (got,) = smtp_server.messages
    assert got.message["Subject"] == f"[{req.number}] 已收到请求：打印机卡纸"
    assert got.message["To"].addresses[0].display_name == "张伟"
    assert "打印机卡纸" in got.message.get_body(("plain",)).get_content()


def test_an_unreachable_server_means_retries_with_backoff_then_dead(helpdesk, session, people):
    helpdesk.settings.smtp_host, helpdesk.settings.smtp_port = "127.0.0.1", closed_port()
    with clock.frozen(START) as clk:
        file(session, people)
        (mail,) = mails(session)
        waits = []
        for attempt in range(1, 9):
            assert sender.send_outbox(helpdesk) == 0
            reload(session, mail)
            assert mail.attempts == attempt and "ConnectionRefusedError" in mail.last_error
            if attempt == 8:
                break
            assert mail.status == "pending"
            waits.append(mail.next_attempt_at - clk())
            clk.advance(seconds=30)  # not due yet: nothing is tried
            sender.send_outbox(helpdesk)
            reload(session, mail)
            assert mail.attempts == attempt
            clk.set(mail.next_attempt_at)
        assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
        assert mail.status == "dead"
        clk.advance(hours=5)
        sender.send_outbox(helpdesk)
        reload(session, mail)
        assert (mail.status, mail.attempts) == ("dead", 8)


def test_the_administrator_retries_a_dead_message(helpdesk, session, people, smtp_server):
    file(session, people)
    (mail,) = mails(session)
    session.execute(update(OutboxMessage).values(status="dead", attempts=8,
                                                 last_error="SMTPServerDisconnected"))
    session.commit()
    with pytest.raises(PermissionDenied):
        svc.retry_outbox_message(session, people.lead, mail.id)
    svc.retry_outbox_message(session, people.admin, mail.id)
    reload(session, mail)
    assert (mail.status, mail.attempts) == ("pending", 0)
    smtp_server.configure(helpdesk.settings)
    assert sender.send_outbox(helpdesk) == 1
    assert smtp_server.message_ids() == [mail.message_id]  # the same message, same thread


def test_a_permanent_refusal_is_dead_at_once(helpdesk, session, people, smtp_server):
    smtp_server.configure(helpdesk.settings)
    smtp_server.refuse("zhang.wei@example.com")
    req = file(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    assert sender.send_outbox(helpdesk) == 1  # the technician's goes through
    session.commit()
    dead = mails(session, people.employee)[0]
    assert (dead.status, dead.attempts) == ("dead", 1) and "550" in dead.last_error
    assert mails(session, people.tech)[0].status == "sent"
    assert svc.outbox_counts(session) == {"pending": 0, "sending": 0, "sent": 1, "dead": 1}


def test_the_server_restarted_mid_run_loses_and_doubles_nothing(helpdesk, session, people,
                                                                smtp_server):
    smtp_server.configure(helpdesk.settings)
    with clock.frozen(START) as clk:
        for i in range(12):
            req = file(session, people, title=f"Request {i}")
            svc.assign(session, people.lead, req.id, assignee=people.tech)
        expected = {m.message_id for m in mails(session)}
        assert len(expected) == 24

        smtp_server.shut_down_after(7)  # goes away in the middle of the first batch
        assert sender.send_outbox(helpdesk) == 7
        assert not smtp_server.running
        clk.advance(minutes=1)
        for i in range(3):  # more news while it is down
            file(session, people, title=f"While down {i}")
        expected |= {m.message_id for m in mails(session)}
        assert sender.send_outbox(helpdesk) == 0  # refused: all rescheduled
        session.commit()
        assert {m.status for m in mails(session) if m.message_id not in
                smtp_server.message_ids()} == {"pending"}

        clk.advance(minutes=59)  # an hour later the server is back
        smtp_server.resume_accepting()
        smtp_server.start()
        for _ in range(5):
            sender.send_outbox(helpdesk)
            clk.advance(minutes=10)
    received = smtp_server.message_ids()
    assert sorted(received) == sorted(expected)  # everything, once
    session.commit()
    assert {m.status for m in mails(session)} == {"sent"}


def test_a_message_left_sending_by_a_dead_worker_is_sent_again_later(helpdesk, session, people,
                                                                     smtp_server):
    smtp_server.configure(helpdesk.settings)
    with clock.frozen(START) as clk:
        file(session, people)
        (mail,) = mails(session)
        assert sender.claim(session, clk()) == [mail.id]  # ... and the worker is killed
        assert sender.send_outbox(helpdesk) == 0  # still claimed by the dead worker
        clk.advance(sender.LEASE + timedelta(seconds=1))
        assert sender.send_outbox(helpdesk) == 1
    assert smtp_server.message_ids() == [mail.message_id]


def test_a_slow_server_never_lets_two_workers_send_one_message(helpdesk, session, people,
                                                                smtp_server):
    """A worker starts no message near the end of its claim: it gives the rest back and claims
    them afresh, so a rival worker never finds a message whose claim ran out mid-batch."""
    smtp_server.configure(helpdesk.settings)
    rival_got: list[int] = []
    with clock.frozen(START) as clk:
        for i in range(3):
            file(session, people, title=f"Request {i}")

        def slow() -> None:  # each message takes most of a lease; a rival worker looks then
            clk.advance(sender.LEASE - sender.LEASE_MARGIN + timedelta(seconds=1))
            with helpdesk.session_scope() as rival:
                sender.release_stale(rival, clk())
                rival_got.extend(sender.claim(rival, clk()))

        smtp_server.handler.after_accept = slow
        assert sender.send_outbox(helpdesk) == 3
    assert rival_got == []
    assert sorted(smtp_server.message_ids()) == sorted(m.message_id for m in mails(session))
    assert [(m.status, m.attempts) for m in mails(session)] == [("sent", 1)] * 3


def test_a_resend_after_a_crash_is_the_same_message(helpdesk, session, people, smtp_server):
    """The worker died after the server took the message but before it was marked sent."""
    smtp_server.configure(helpdesk.settings)
    with clock.frozen(START) as clk:
        file(session, people)
        (mail,) = mails(session)
        (claimed,) = sender.claim(session, clk())
        with sender.smtp_connection(helpdesk.settings) as conn:
            conn.send_message(sender.build_message(session.get(OutboxMessage, claimed),
                                                   helpdesk.settings))
        clk.advance(sender.LEASE + timedelta(minutes=1))
        sender.send_outbox(helpdesk)
    first, second = smtp_server.messages
    assert first.message["Message-ID"] == second.message["Message-ID"] == mail.message_id
    assert first.message["Date"] == second.message["Date"]


def test_two_senders_at_once_send_each_message_once(helpdesk, session, people, smtp_server):
    smtp_server.configure(helpdesk.settings)
    for i in range(40):
        file(session, people, actor=people.lead, title=f"Phone request {i}")
    expected = sorted(m.message_id for m in mails(session))
    assert len(expected) == 40
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            counts.append(sender.send_outbox(helpdesk))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(counts) == 40
    assert sorted(smtp_server.message_ids()) == expected


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_is_used_when_the_server_asks_for_it(helpdesk, session, people):
    from tests.smtp import SmtpServer

    server = SmtpServer(credentials=("helpdesk", "s3cret"))
    server.start()
    try:
        server.configure(helpdesk.settings)
        file(session, people)
        assert sender.send_outbox(helpdesk) == 1
        helpdesk.settings.smtp_password = "wrong"
        file(session, people)
        assert sender.send_outbox(helpdesk) == 0
        session.commit()
        failed = [m for m in mails(session) if m.status == "pending"]
        assert len(failed) == 1 and "SMTPAuthenticationError" in failed[0].last_error
    finally:
        server.stop()
    assert len(server.messages) == 1


def test_without_a_server_configured_mail_waits(helpdesk, session, people):
    file(session, people)
    assert sender.send_outbox(helpdesk) == 0
    assert [(m.status, m.attempts) for m in mails(session)] == [(OutboxStatus.PENDING, 0)]
