"""Outgoing mail: no text a user writes (titles, names, subjects of mail sent in) can add a
header or a recipient, checked on what a real SMTP server receives."""

from __future__ import annotations

import base64
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hdcore import HelpDesk, ValidationFailed, worker
from hdcore import services as svc
from hdcore.mail import intake
from hdcore.models import OutboxMessage, ServiceRequest, User

INJECTIONS = (
    "Printer\r\nBcc: attacker@evil.example",
    "Printer\nBcc: attacker@evil.example",
    "Printer\rBcc: attacker@evil.example",
    "Printer\r\n\r\n<html>forged body</html>",
    "Printer\x00\r\nX-Forged: yes",
    "Printer =?utf-8?q?=0D=0ABcc=3A_attacker=40evil.example?=",
)

#: Headers a notification carries; anything else arrived through an injection.
EXPECTED = {"from", "to", "subject", "date", "message-id", "in-reply-to", "references",
            "auto-submitted", "x-auto-response-suppress", "mime-version", "content-type",
            "content-transfer-encoding"}


def details(helpdesk: HelpDesk) -> dict[str, Any]:
    return dict(helpdesk.host.sample_requests("email_admin")[0].details)


def check_delivered(smtp_server: Any) -> None:
    assert smtp_server.messages
    for got in smtp_server.messages:
        headers = {name.lower() for name in got.message}
        assert headers <= EXPECTED, headers - EXPECTED
        assert all("evil.example" not in r for r in got.rcpt_tos), got.rcpt_tos
        addresses = got.message["To"].addresses
        assert len(addresses) == 1 and "evil" not in addresses[0].addr_spec, addresses
        assert got.message["Bcc"] is None and got.message["X-Forged"] is None
        assert "\n" not in str(got.message["Subject"]) and "\r" not in str(got.message["Subject"])
        raw_head = got.raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
        starts = {line.split(b":", 1)[0].lower() for line in raw_head.split(b"\n")
                  if line and not line[:1].isspace()}
        assert not starts & {b"bcc", b"cc", b"x-forged"}, raw_head


@pytest.mark.parametrize("title", INJECTIONS)
def test_a_title_adds_no_header_or_recipient(helpdesk: HelpDesk, session: Session,
                                             people: SimpleNamespace, smtp_server: Any,
                                             title: str) -> None:
    smtp_server.configure(helpdesk.settings)
    try:
        req = svc.submit_request(session, people.employee, category="email_admin", title=title,
                                 details=details(helpdesk))
    except ValidationFailed as refused:
        # Refusing a title with control characters outright is as good.
        assert "title" in refused.errors
        return
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    session.commit()
    worker.run_once(helpdesk, only={"outbox"})
    check_delivered(smtp_server)
    subjects = [str(m.message["Subject"]) for m in smtp_server.messages]
    assert any("Printer" in s for s in subjects)


def test_names_and_stored_values_add_no_header(helpdesk: HelpDesk, session: Session,
                                               people: SimpleNamespace,
                                               smtp_server: Any) -> None:
    """Even values that reached the database around the checks (an old import, a direct
    edit) are made single-line when the message is built."""
    smtp_server.configure(helpdesk.settings)
    req = svc.submit_request(session, people.employee, category="email_admin",
                             title="Printer", details=details(helpdesk))
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    session.commit()
    session.execute(update(User).where(User.id == people.tech.id).values(
        full_name="Li Na\r\nBcc: attacker@evil.example"))
    session.execute(update(OutboxMessage).values(
        recipient_name="Li Na\r\nBcc: attacker@evil.example",
        subject="[SR] Printer\r\nX-Forged: yes",
        in_reply_to="<a@b>\r\nX-Forged: yes"))
    session.commit()
    worker.run_once(helpdesk, only={"outbox"})
    check_delivered(smtp_server)


def test_names_with_line_breaks_are_refused_at_the_door(session: Session,
                                                        people: SimpleNamespace) -> None:
    for field, values in (("email", {"email": "x@example.com\r\nBcc: attacker@evil.example"}),
                          ("email", {"email": "x@example.com, attacker@evil.example"})):
        with pytest.raises(ValidationFailed) as refused:
            svc.create_user(session, None, username="new.person", full_name="New Person",
                            role="employee", password="demo-demo", **values)
        assert field in refused.value.errors
        session.rollback()


def test_a_mailed_in_subject_adds_no_header_to_the_answer(helpdesk: HelpDesk, session: Session,
                                                          people: SimpleNamespace,
                                                          smtp_server: Any) -> None:
    """A subject that decodes to line breaks (an encoded word) becomes the request's title;
    the acknowledgement sent back carries it on one line."""
    smtp_server.configure(helpdesk.settings)
    raw = (b"From: Zhang Wei <zhang.wei@example.com>\r\nTo: helpdesk@example.com\r\n"
           b"Subject: =?utf-8?b?" + base64.b64encode(
               "打印机\r\nBcc: attacker@evil.example".encode()) + b"?=\r\n"
           b"Message-ID: <inj@example.com>\r\nDate: Mon, 1 Jan 2024 09:00:00 +0800\r\n\r\n"
           b"The printer is jammed.\r\n")
    stored = intake.store(session, raw, source="test")
    intake.process(session, stored.message.id)
    session.commit()
    titles = [r.title for r in session.scalars(select(ServiceRequest))]
    assert titles and all("\n" not in t and "\r" not in t for t in titles)
    worker.run_once(helpdesk, only={"outbox"})
    check_delivered(smtp_server)
