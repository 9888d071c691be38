"""E-mail intake driven by the corpus of real-world-shaped messages in ``tests/mail_corpus``.

Each message goes in as the MTA pipe would deliver it (:func:`hdcore.mail.intake.ingest`) on
SQLite and PostgreSQL, and the test checks what a person would see: the request opened (its
category, requester, text, files), the reply added to the right request with the quoted
history cut off, or the message held, refused or ignored with its reason and kept as it came.
"""

from __future__ import annotations

import importlib.metadata
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hdcore import Comment, ServiceRequest, TransitionRefused, clock
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.mail import intake
from hdcore.mail.ids import make_message_id
from hdcore.mail.intake import ingest, process, retry_pending, store
from hdcore.mail.parse import parse
from hdcore.mail.reasons import reason_text
from hdcore.models import Attachment, Event, InboundMessage, MailStatus
from hdcore.services.attachments import storage_dir

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"
#: The corpus's replies carry Message-IDs signed with this key for request 1.
CORPUS_SECRET = "corpus-secret-key"
START = datetime(2026, 3, 2, 1, 15, tzinfo=UTC)  # Monday 09:15 in Shanghai


@pytest.fixture
def plugins() -> list[object]:
    """The real service categories: mail is routed to them."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our signing key is the one the corpus's replies were signed with."""
    monkeypatch.setenv("HELPDESK_SECRET_KEY", CORPUS_SECRET)


@pytest.fixture
def frozen():
    """The corpus's Monday morning (request numbers are of 2026)."""
    with clock.frozen(START) as c:
        yield c


@pytest.fixture
def desk(helpdesk, session, people, frozen):
    """The help desk with erp@ mapped to ERP support (the default subject words stay on)."""
    svc.set_plugin_settings(session, None, "mail", {
        "addresses": ["erp@ = erp_support"],
        "subject_rules": ["打印机 = outsourcing", "virus = network_security",
                          "邮箱 = email_admin"],
    })
    return helpdesk


def deliver(helpdesk, name: str, **kw) -> InboundMessage:
    """Hand one corpus message to the intake, as ``helpdesk mail ingest`` does."""
    return ingest(helpdesk, (CORPUS / name).read_bytes(), source="pipe", **kw).message


def fresh(session, row: InboundMessage) -> InboundMessage:
    """The row as it is now (the test session's snapshot ended, its objects reloaded)."""
    session.rollback()
    session.expire_all()
    return session.get(InboundMessage, row.id)


def comments_on(session, request_id: int) -> list[Comment]:
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(Comment).where(Comment.request_id == request_id)
                                .order_by(Comment.id)))


def request_count(session) -> int:
    session.rollback()
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ServiceRequest))


def first_request(desk, session, people) -> ServiceRequest:
    """Zhang Wei's ERP request from the Outlook message, worked by Li Na (SR-2026-000001)."""
    row = deliver(desk, "01_outlook_new_gb2312.eml")
    req = svc.get_request(session, row.request_id)
    assert req.id == 1 and req.number == "SR-2026-000001"
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    return req


# -- new requests ---------------------------------------------------------------------------


def test_outlook_message_in_gb2312_opens_an_erp_request(desk, session, people):
    raw = (CORPUS / "01_outlook_new_gb2312.eml").read_bytes()

    row = deliver(desk, "01_outlook_new_gb2312.eml")

    row = fresh(session, row)
    assert row.status == MailStatus.PROCESSED and row.action == "opened"
    assert row.raw == raw and row.size == len(raw)  # kept exactly as it came
    assert row.sender == "zhang.wei@example.com" and row.sender_name == "张伟"
    req = svc.get_request(session, row.request_id)
    assert req.category == "erp_support" and req.channel == "email"
    assert req.requester_id == people.employee.id and req.entered_by_id == people.employee.id
    assert req.title == "ERP系统应付模块发票无法过账"
    # labelled gb2312, written in GBK: the two characters outside GB2312 come through
    assert "苏州堃鎔精密机械有限公司" in req.description
    assert "APP-SQLAP-10000" in req.description and "\ufffd" not in req.description
    assert req.status == "new" and req.details == {}
    assert row.reason_detail["category_by"] == "address"
    created = session.scalars(select(Event).where(Event.request_id == req.id,
                                                  Event.kind == "created")).one()
    assert created.data["channel"] == "email"
    assert set(created.data["details_missing"]) >= {"module", "request_type"}
    assert set(row.reason_detail["details_missing"]) == set(created.data["details_missing"])


def test_the_same_message_delivered_twice_opens_one_request(desk, session):
    first = deliver(desk, "01_outlook_new_gb2312.eml")
    again = ingest(desk, (CORPUS / "15_duplicate_of_01.eml").read_bytes(), source="pipe")

    assert again.duplicate and again.message.id == first.id
    assert request_count(session) == 1
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
    assert fresh(session, first).times_received == 2


def test_html_only_message_is_sanitised_and_filed_by_subject_word(desk, session, people):
    row = deliver(desk, "05_html_only_script.eml")

    req = svc.get_request(session, fresh(session, row).request_id)
    assert req.category == "outsourcing" and req.requester_id == people.other.id
    assert fresh(session, row).reason_detail["category_by"] == "subject"
    text = req.description
    assert "打印机（HP LaserJet M608）一直卡纸" in text and "- 资产编号：PRN-3F-021" in text
    assert "<http://intranet.example.com/assets/PRN-3F-021>" in text
    for bad in ("alert", "document.cookie", "evil.example", "<script", "onerror", "Microsoft "
                "YaHei", "<p>"):
        assert bad not in text
    shown = parse(fresh(session, row).raw).html  # what the administrator's page shows
    assert "<script" not in shown and "onerror" not in shown and "onclick" not in shown
    assert "<img" not in shown and "<b>打印机</b>" in shown


def test_rfc2231_chinese_file_name_is_kept(desk, session):
    row = deliver(desk, "06_attachment_rfc2231.eml")

    req = svc.get_request(session, fresh(session, row).request_id)
    assert req.category == "network_security"
    att = session.scalars(select(Attachment).where(Attachment.request_id == req.id)).one()
    assert att.filename == "报告.pdf" and att.content_type == "application/pdf"
    assert (storage_dir(session) / att.stored_name).read_bytes().startswith(b"%PDF-1.4")


def test_gbk_encoded_word_file_name_is_kept_and_a_refused_type_is_named(desk, session):
    row = deliver(desk, "07_attachment_gbk_name.eml")

    row = fresh(session, row)
    req = svc.get_request(session, row.request_id)
    assert req.category == "email_admin" and req.title == "邮箱容量已满"
    names = session.scalars(select(Attachment.filename).where(Attachment.request_id == req.id))
    assert list(names) == ["故障截图.png"]
    assert row.reason_detail["skipped"] == [{"name": "MailboxCleaner.exe", "why": "type"}]
    assert "MailboxCleaner.exe" in req.description  # the requester's text says what was left
    assert "不接受" in req.description  # written in the language of the message


def test_message_nothing_places_is_held_for_the_lead(desk, session):
    msg = EmailMessage()
    msg["From"] = "Zhang Wei <zhang.wei@example.com>"
    msg["To"] = "it@example.com"
    msg["Subject"] = "Question"
    msg["Message-ID"] = "<q1@example.com>"
    msg.set_content("Who do I ask about the new projector?")

    row = ingest(desk, msg.as_bytes(), source="pipe").message

    assert row.status == MailStatus.HELD and row.reason == "no_category"
    assert request_count(session) == 0
    assert "service category" in reason_text(row.reason, row.reason_detail)


def test_a_switched_off_category_holds_the_message(desk, session, people):
    svc.set_plugin_enabled(session, people.admin, "erp_support", False)

    row = deliver(desk, "01_outlook_new_gb2312.eml")

    assert row.status == MailStatus.HELD and row.reason == "category_off"
    assert row.reason_detail == {"category": "erp_support"}
    assert request_count(session) == 0


# -- replies --------------------------------------------------------------------------------


REPLIES = [
    ("02_outlook_reply_original.eml", "employee",
     "好的，期间我已经让总账同事打开了，但是现在过账时又提示“汇率未定义”。\n截图见附件之前那封邮件。"
     "\n\n张伟", "message_id"),
    ("03_foxmail_reply.eml", "tech",
     "张伟你好，\n\n汇率的问题我来处理，下午两点前会在GL里把3月份的日汇率补上，补完后你再过账试试。"
     "\n\n李娜\nIT服务台 ERP组", "message_id"),
    ("04_gmail_reply.eml", "employee", "补完汇率以后已经可以过账了，谢谢李娜！", "message_id"),
    ("17_outlook_reply_from_sent.eml", "employee",
     "The vendor fixed it, posting works again. You can close the request.\n\nRegards,\n"
     "Zhang Wei", "message_id"),
    ("13_sr_subject_requester.eml", "employee",
     "今天过账又提示“汇率未定义”，这次是4月份的期间。\n\n张伟", "subject"),
]


@pytest.mark.parametrize(("name", "author", "body", "how"), REPLIES,
                         ids=[r[0].split(".")[0] for r in REPLIES])
def test_reply_becomes_a_comment_without_the_quoted_history(desk, session, people, name,
                                                            author, body, how):
    req = first_request(desk, session, people)

    row = deliver(desk, name)

    row = fresh(session, row)
    assert row.status == MailStatus.PROCESSED and row.action == "replied"
    assert row.request_id == req.id and row.reason_detail["by"] == how
    [comment] = comments_on(session, req.id)
    assert comment.id == row.comment_id and not comment.internal
    assert comment.author_id == getattr(people, author).id
    assert comment.body == body
    assert request_count(session) == 1


def test_requesters_reply_by_mail_resumes_a_request_waiting_for_them(desk, session, people):
    req = first_request(desk, session, people)
    svc.transition(session, people.tech, req.id, "start")
    svc.transition(session, people.tech, req.id, "wait_requester",
                   {"message": "期间打开了吗？"})
    assert svc.get_request(session, req.id).status == "waiting_requester"

    deliver(desk, "02_outlook_reply_original.eml")

    session.rollback()
    session.expire_all()
    assert svc.get_request(session, req.id).status == "in_progress"


def test_technicians_reply_by_mail_counts_as_the_first_response(desk, session, people):
    req = first_request(desk, session, people)
    assert req.first_response_at is None

    deliver(desk, "03_foxmail_reply.eml")

    session.rollback()
    session.expire_all()
    assert svc.get_request(session, req.id).first_response_at == START


def test_request_number_from_someone_not_on_the_request_does_not_thread(desk, session, people):
    req = first_request(desk, session, people)

    row = deliver(desk, "14_sr_subject_stranger.eml")

    row = fresh(session, row)
    assert comments_on(session, req.id) == []
    assert row.action == "opened" and row.request_id != req.id
    other = svc.get_request(session, row.request_id)
    assert other.requester_id == people.other.id and other.category == "erp_support"
    assert row.reason_detail["mentioned"] == "SR-2026-000001"
    assert other.title == "SR-2026-000001 我这里也不能过账"  # "Re:" dropped


def test_signed_reply_from_someone_who_may_not_see_the_request_is_held(desk, session, people):
    req = first_request(desk, session, people)
    raw = (CORPUS / "02_outlook_reply_original.eml").read_bytes().replace(
        b"<zhang.wei@example.com>", b"<liu.yang@example.com>")

    row = ingest(desk, raw, source="pipe").message

    assert row.status == MailStatus.HELD and row.reason == "not_allowed"
    assert row.reason_detail == {"number": req.number}
    assert comments_on(session, req.id) == []


def test_reply_to_a_closed_request_opens_a_follow_up(desk, session, people):
    req = first_request(desk, session, people)
    svc.force_close(session, people.lead, req.id, reason="Duplicate of a phone call.")

    row = deliver(desk, "02_outlook_reply_original.eml")

    row = fresh(session, row)
    assert comments_on(session, req.id) == []
    follow = svc.get_request(session, row.request_id)
    assert row.action == "opened" and follow.id != req.id
    assert follow.category == req.category and follow.requester_id == people.employee.id
    assert "SR-2026-000001" in follow.description and "原始邮件" not in follow.description
    assert row.reason_detail["category_by"] == "follow_up"


# -- never answered -------------------------------------------------------------------------


LOOPS = [
    ("08_auto_reply.eml", "auto_reply", "Auto-Submitted: auto-replied"),
    ("09_out_of_office_xautoreply.eml", "auto_reply", "X-Autoreply"),
    ("10_bounce.eml", "bounce", "null sender"),
    ("11_mailing_list.eml", "list", "Precedence: list"),
]


@pytest.mark.parametrize(("name", "code", "by"), LOOPS, ids=[x[0].split(".")[0] for x in LOOPS])
def test_auto_replies_bounces_and_lists_are_ignored(desk, session, people, name, code, by):
    req = first_request(desk, session, people)  # the auto-reply would thread onto it

    row = deliver(desk, name)

    row = fresh(session, row)
    assert row.status == MailStatus.IGNORED and row.reason == code
    assert row.reason_detail["by"] == by
    assert row.request_id is None and comments_on(session, req.id) == []
    assert request_count(session) == 1
    assert "never answered" in reason_text(row.reason, row.reason_detail)


def test_bounce_recognised_by_the_envelope_sender_alone(desk, session):
    raw = (CORPUS / "10_bounce.eml").read_bytes().replace(b"Return-Path: <>\r\n", b"")

    row = ingest(desk, raw, source="pipe", envelope_sender="").message

    assert row.status == MailStatus.IGNORED and row.reason == "bounce"
    assert row.envelope_sender == ""


def test_our_own_message_coming_back_is_ignored(desk, session, people):
    first_request(desk, session, people)
    msg = EmailMessage()
    msg["From"] = "IT HelpDesk <zhang.wei@example.com>"  # even from a known address
    msg["To"] = "erp@example.com"
    msg["Subject"] = "[SR-2026-000001] Your request was received"
    msg["Message-ID"] = make_message_id(CORPUS_SECRET, 1, "example.com")
    msg.set_content("Your request SR-2026-000001 was received.")

    row = ingest(desk, msg.as_bytes(), source="pipe").message

    assert row.status == MailStatus.IGNORED and row.reason == "ours"
    assert request_count(session) == 1 and comments_on(session, 1) == []


def test_a_flood_from_one_sender_is_held_after_the_cap(desk, session, people, frozen):
    desk.settings.mail_sender_cap = 3
    rows = []
    for n in range(5):
        msg = EmailMessage()
        msg["From"] = "zhang.wei@example.com"
        msg["To"] = "it@example.com"
        msg["Subject"] = f"打印机 {n}"
        msg["Message-ID"] = f"<flood{n}@example.com>"
        msg.set_content("卡纸")
        rows.append(ingest(desk, msg.as_bytes(), source="pipe").message)
        frozen.advance(timedelta(minutes=5))

    assert [r.status for r in rows] == ["processed"] * 3 + ["held"] * 2
    assert rows[3].reason == "flood" and rows[3].reason_detail == {"limit": 3}
    assert request_count(session) == 3


def test_the_cap_counts_an_hour(desk, session, frozen):
    desk.settings.mail_sender_cap = 1

    def send(n: int) -> InboundMessage:
        msg = EmailMessage()
        msg["From"] = "zhang.wei@example.com"
        msg["To"] = "it@example.com"
        msg["Subject"] = f"打印机 {n}"
        msg["Message-ID"] = f"<hour{n}@example.com>"
        msg.set_content("卡纸")
        return ingest(desk, msg.as_bytes(), source="pipe").message

    assert send(1).status == "processed"
    frozen.advance(timedelta(minutes=30))
    assert send(2).status == "held"
    frozen.advance(timedelta(minutes=61))
    assert send(3).status == "processed"


# -- unknown, refused -----------------------------------------------------------------------


def test_unknown_sender_is_held_for_the_lead_by_default(desk, session):
    row = deliver(desk, "12_unknown_sender.eml")

    assert row.status == MailStatus.HELD and row.reason == "unknown_sender"
    assert row.reason_detail == {"sender": "sales@outside-vendor.cn"}
    assert row.sender_name == "销售部 王经理" and row.subject == "服务器维保报价"
    assert request_count(session) == 0


def test_unknown_sender_is_rejected_when_the_policy_says_so(desk, session):
    desk.settings.mail_unknown = "reject"

    row = deliver(desk, "12_unknown_sender.eml")

    assert row.status == MailStatus.REJECTED and row.reason == "unknown_sender"
    assert request_count(session) == 0


def test_inactive_account_counts_as_unknown(desk, session, people):
    svc.update_user(session, people.admin, people.employee, active=False)

    row = deliver(desk, "01_outlook_new_gb2312.eml")

    assert row.status == MailStatus.HELD and row.reason == "unknown_sender"


def test_malformed_message_is_refused_and_kept(desk, session):
    raw = (CORPUS / "16_malformed.eml").read_bytes()

    row = deliver(desk, "16_malformed.eml")

    row = fresh(session, row)
    assert row.status == MailStatus.REJECTED and row.reason == "malformed"
    assert row.reason_detail["problem"] == "broken_structure"
    assert row.raw == raw and row.subject == "Scan to mail"
    assert "cannot be read" in reason_text(row.reason, row.reason_detail)


def test_bytes_without_headers_are_refused_and_kept(desk, session):
    raw = b"this is not an e-mail at all\r\njust some text a script piped in\r\n"

    row = ingest(desk, raw, source="pipe").message

    assert row.status == MailStatus.REJECTED and row.reason == "malformed"
    assert row.reason_detail["problem"] == "no_headers"
    assert row.message_id.startswith("sha256:") and fresh(session, row).raw == raw


def test_oversized_message_is_refused_and_kept(desk, session):
    desk.settings.mail_max_mb = 1
    msg = EmailMessage()
    msg["From"] = "zhang.wei@example.com"
    msg["To"] = "it@example.com"
    msg["Subject"] = "打印机 log"
    msg["Message-ID"] = "<big@example.com>"
    msg.set_content("log attached")
    msg.add_attachment(b"x" * (1024 * 1024), maintype="text", subtype="plain",
                       filename="printer.log")

    row = ingest(desk, msg.as_bytes(), source="pipe").message

    assert row.status == MailStatus.REJECTED and row.reason == "oversized"
    assert row.reason_detail["limit"] == 1024 * 1024 and row.size > 1024 * 1024
    assert "1.0 MB are refused" in reason_text(row.reason, row.reason_detail)
    assert request_count(session) == 0


# -- robustness -----------------------------------------------------------------------------


def test_stored_before_processing_so_a_crash_loses_nothing(desk, session, monkeypatch,
                                                           frozen):
    raw = (CORPUS / "01_outlook_new_gb2312.eml").read_bytes()
    with desk.session_scope() as s:
        row_id = store(s, raw, source="pipe").message.id

    def broken(data: bytes) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "parse", broken)
    with desk.session_scope() as s:
        row = process(s, row_id)
    assert row.status == MailStatus.NEW and row.attempts == 1
    assert row.reason_detail["last_error"] == "RuntimeError: disk full"
    assert request_count(session) == 0

    monkeypatch.undo()
    assert retry_pending(desk, clock.now()) == 0  # the pipe's own turn is not over yet
    frozen.advance(timedelta(minutes=3))
    assert retry_pending(desk, clock.now()) == 1

    row = fresh(session, session.get(InboundMessage, row_id))
    assert row.status == MailStatus.PROCESSED and row.request_id is not None
    assert row.attempts == 2


def test_a_message_that_keeps_failing_is_held_with_the_error(desk, session, monkeypatch):
    def broken(data: bytes) -> None:
        raise RuntimeError("decoder bug")

    monkeypatch.setattr(intake, "parse", broken)
    row = deliver(desk, "01_outlook_new_gb2312.eml")
    for _ in range(intake.MAX_ATTEMPTS - 1):
        with desk.session_scope() as s:
            row = process(s, row.id)

    assert row.status == MailStatus.HELD and row.reason == "processing_failed"
    assert row.reason_detail == {"attempts": 3, "error": "RuntimeError: decoder bug"}


def test_processing_twice_files_once(desk, session):
    row = deliver(desk, "01_outlook_new_gb2312.eml")

    with desk.session_scope() as s:
        again = process(s, row.id)

    assert again.status == MailStatus.PROCESSED and again.attempts == 1
    assert request_count(session) == 1


# -- the details mail cannot give -----------------------------------------------------------


def test_request_by_mail_must_get_its_details_before_resolving(desk, session, people):
    req = first_request(desk, session, people)
    svc.transition(session, people.tech, req.id, "start")

    with pytest.raises(TransitionRefused) as refused:
        svc.resolve(session, people.tech, req.id, "Opened the period.")
    assert "ERP module" in " ".join(refused.value.reasons)
    # the core's own steps stay open: asking the requester for the details, say
    svc.transition(session, people.tech, req.id, "wait_requester", {"message": "Which module?"})
    svc.add_comment(session, people.employee, req.id, "AP, production, my department.")

    sample = desk.host.sample_requests("erp_support")[0]
    current = svc.get_request(session, req.id)
    svc.update_request(session, people.tech, req.id, expected_version=current.version,
                       details=sample.details)
    svc.resolve(session, people.tech, req.id, "Opened the period.")

    assert svc.get_request(session, req.id).status == "resolved"


def test_web_requests_are_not_affected_by_the_details_check(desk, session, people):
    sample = desk.host.sample_requests("erp_support")[0]
    req = svc.submit_request(session, people.employee, category="erp_support",
                             title=sample.title, description=sample.description,
                             details=sample.details)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "start")

    svc.resolve(session, people.tech, req.id, "Done.")

    assert svc.get_request(session, req.id).status == "resolved"


def test_files_in_mail_follow_the_configured_types_and_size(desk, session):
    """The administrator's attachment settings hold for mail as for the web: a type added to
    the list is attached, one left out of it and one over the size are named in the request."""
    settings = session.info["settings"]
    settings.attachment_max_mb = 1
    settings.attachment_extensions = "pdf, dwg, png"
    try:
        msg = EmailMessage()
        msg["From"] = "Zhang Wei <zhang.wei@example.com>"
        msg["To"] = "it@example.com"
        msg["Subject"] = "邮箱 drawings for the new office"
        msg["Message-ID"] = "<drawings@example.com>"
        msg.set_content("The plans are attached.")
        msg.add_attachment(b"AC1027 drawing", maintype="application", subtype="acad",
                           filename="floor-3.dwg")
        msg.add_attachment(b"PK\x03\x04 archive", maintype="application", subtype="zip",
                           filename="old-plans.zip")
        msg.add_attachment(b"%PDF-1.4 " + b"x" * (1024 * 1024), maintype="application",
                           subtype="pdf", filename="big-scan.pdf")

        row = fresh(session, ingest(desk, msg.as_bytes(), source="pipe").message)
    finally:
        settings.attachment_max_mb = 20
        settings.attachment_extensions = ""

    assert row.status == MailStatus.PROCESSED, (row.status, row.reason, row.reason_detail)
    req = svc.get_request(session, row.request_id)
    names = session.scalars(select(Attachment.filename).where(Attachment.request_id == req.id))
    assert list(names) == ["floor-3.dwg"]
    assert row.reason_detail["skipped"] == [{"name": "old-plans.zip", "why": "type"},
                                            {"name": "big-scan.pdf", "why": "size"}]
    assert "big-scan.pdf" in req.description and "1 MB" in req.description
