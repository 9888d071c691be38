"""Held mail in the lead's hands: filed for an employee (a new request or a reply), discarded."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from sqlalchemy import select

from hdcore import Comment, PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.mail.intake import ingest
from hdcore.models import Attachment, Event, InboundMessage, MailStatus

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"


@pytest.fixture
def plugins() -> list[object]:
    """The real categories."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


@pytest.fixture
def held(helpdesk, people, monkeypatch) -> InboundMessage:
    """The vendor's quote, held because nobody has the sender's address."""
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "corpus-secret-key")
    return ingest(helpdesk, (CORPUS / "12_unknown_sender.eml").read_bytes(),
                  source="pipe").message


def reload(session, row: InboundMessage) -> InboundMessage:
    session.rollback()
    session.expire_all()
    return session.get(InboundMessage, row.id)


def test_the_lead_files_held_mail_as_a_request_for_an_employee(session, people, held):
    row = svc.file_held_message(session, people.lead, held.id, requester="zhang.wei",
                                category="outsourcing", title="Re: 服务器维保报价")

    assert row.status == MailStatus.PROCESSED and row.action == "opened"
    assert row.handled_by_id == people.lead.id
    assert row.reason == "unknown_sender" and row.reason_detail["filed_by"] == "wang.fang"
    req = svc.get_request(session, row.request_id)
    assert (req.requester_id, req.entered_by_id) == (people.employee.id, people.lead.id)
    assert req.title == "服务器维保报价" and req.channel == "email"
    created = session.scalars(select(Event).where(Event.request_id == req.id,
                                                  Event.kind == "created")).one()
    assert created.data["on_behalf"] and created.data["details_missing"]


def test_requester_can_be_named_by_e_mail_address(session, people, held):
    row = svc.file_held_message(session, people.admin, held.id, requester="Liu.Yang@Example.com",
                                category="outsourcing")

    assert svc.get_request(session, row.request_id).requester_id == people.other.id


def test_held_mail_filed_as_a_reply_on_a_request(session, people, held, helpdesk):
    req = ingest(helpdesk, (CORPUS / "06_attachment_rfc2231.eml").read_bytes(),
                 source="pipe").message.request_id
    number = svc.get_request(session, req).number

    row = svc.file_held_message(session, people.lead, held.id, requester="zhang.wei",
                                request=number.lower())

    assert row.action == "replied" and row.request_id == req
    comment = session.get(Comment, row.comment_id)
    assert comment.author_id == people.employee.id and "维保报价" in comment.body


def test_a_reply_by_someone_not_on_the_request_is_refused(session, people, held, helpdesk):
    req_id = ingest(helpdesk, (CORPUS / "06_attachment_rfc2231.eml").read_bytes(),
                    source="pipe").message.request_id
    number = svc.get_request(session, req_id).number

    with pytest.raises(ValidationFailed) as exc:
        svc.file_held_message(session, people.lead, held.id, requester="liu.yang",
                              request=number)

    assert "cannot reply" in exc.value.errors["requester"][0]
    assert reload(session, held).status == MailStatus.HELD
    assert session.scalars(select(Comment)).all() == []


def test_every_missing_choice_is_named_at_once(session, people, held):
    with pytest.raises(ValidationFailed) as exc:
        svc.file_held_message(session, people.lead, held.id, requester="nobody.here")
    assert set(exc.value.errors) == {"requester", "category"}

    with pytest.raises(ValidationFailed) as exc:
        svc.file_held_message(session, people.lead, held.id, requester=None,
                              request="SR-2026-999999")
    assert set(exc.value.errors) == {"requester", "request"}


def test_a_switched_off_category_is_refused_by_name(session, people, held):
    svc.set_plugin_enabled(session, people.admin, "outsourcing", False)

    with pytest.raises(ValidationFailed) as exc:
        svc.file_held_message(session, people.lead, held.id, requester="zhang.wei",
                              category="outsourcing")

    assert "switched off" in exc.value.errors["category"][0]


@pytest.mark.parametrize("who", ["employee", "tech"])
def test_only_the_lead_managers_and_administrators_may_triage(session, people, held, who):
    with pytest.raises(PermissionDenied):
        svc.file_held_message(session, getattr(people, who), held.id, requester="zhang.wei",
                              category="outsourcing")
    with pytest.raises(PermissionDenied):
        svc.discard_message(session, getattr(people, who), held.id)
    assert reload(session, held).status == MailStatus.HELD


def test_handled_mail_cannot_be_handled_again(session, people, held):
    svc.discard_message(session, people.manager, held.id, "Sales mail.")

    with pytest.raises(ValidationFailed) as exc:
        svc.file_held_message(session, people.lead, held.id, requester="zhang.wei",
                              category="outsourcing")

    assert "already handled" in exc.value.errors["message"][0]
    row = reload(session, held)
    assert row.status == MailStatus.IGNORED and row.reason == "discarded"
    assert row.reason_detail["was"] == "unknown_sender" and row.reason_detail["note"] == \
        "Sales mail."


def test_an_unreadable_message_cannot_be_filed(session, people, helpdesk, held):
    refused = ingest(helpdesk, (CORPUS / "16_malformed.eml").read_bytes(), source="pipe").message
    assert refused.status == MailStatus.REJECTED

    with pytest.raises(ValidationFailed) as exc:
        svc.file_held_message(session, people.lead, refused.id, requester="zhang.wei",
                              category="outsourcing")

    assert "cannot be read" in exc.value.errors["message"][0]


def test_files_of_held_mail_come_along(session, people, helpdesk, held):
    raw = (CORPUS / "06_attachment_rfc2231.eml").read_bytes().replace(
        b"zhang.wei@example.com", b"zw.private@example.net")
    stranger = ingest(helpdesk, raw, source="pipe").message
    assert stranger.reason == "unknown_sender"

    row = svc.file_held_message(session, people.lead, stranger.id, requester="zhang.wei",
                                category="outsourcing")

    names = session.scalars(select(Attachment.filename).where(
        Attachment.request_id == row.request_id))
    assert list(names) == ["报告.pdf"]
