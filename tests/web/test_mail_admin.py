"""The incoming-mail pages over HTTP: the held and refused lists, one message, filing, discarding.

The administrator reaches them under /admin/mail, the help desk lead under /dispatch/mail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hdcore import clock
from hdcore import services as svc
from hdcore.mail.intake import ingest
from hdcore.models import Comment, InboundMessage, MailStatus

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key the corpus's replies are signed with."""
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "corpus-secret-key")


@pytest.fixture
def mail(helpdesk, session, people):
    """A desk with mail in it: one held, one refused, one ignored, one filed."""
    from datetime import UTC, datetime

    with clock.frozen(datetime(2026, 3, 2, 1, 15, tzinfo=UTC)):
        svc.set_plugin_settings(session, None, "mail", {"addresses": ["erp@ = erp_support"]})

        def deliver(name: str, raw: bytes | None = None) -> InboundMessage:
            data = raw if raw is not None else (CORPUS / name).read_bytes()
            return ingest(helpdesk, data, source="pipe").message

        html_from_stranger = (CORPUS / "05_html_only_script.eml").read_bytes().replace(
            b"<liu.yang@example.com>", b"<guest@partner.example>")
        yield {
            "held": deliver("12_unknown_sender.eml"),
            "html": deliver("", html_from_stranger),
            "refused": deliver("16_malformed.eml"),
            "ignored": deliver("09_out_of_office_xautoreply.eml"),
            "filed": deliver("01_outlook_new_gb2312.eml"),
        }


def row(session, message: InboundMessage) -> InboundMessage:
    session.rollback()
    session.expire_all()
    return session.get(InboundMessage, message.id)


@pytest.mark.parametrize("username, base", [("admin", "/admin"), ("wang.fang", "/dispatch")])
def test_held_and_refused_lists_show_the_reasons(browser, mail, username, base):
    b = browser(username)

    held = b.get(f"{base}/mail").get_data(as_text=True)
    assert "服务器维保报价" in held and "sales@outside-vendor.cn" in held
    assert "No active account has the address sales@outside-vendor.cn." in held
    assert "打印机卡纸" in held  # the HTML one from a stranger
    assert "Scan to mail" not in held and "SR-2026-000001" not in held

    refused = b.get(f"{base}/mail?tab=rejected").get_data(as_text=True)
    assert "Scan to mail" in refused
    assert "The message cannot be read: its parts are broken" in refused

    ignored = b.get(f"{base}/mail?tab=ignored").get_data(as_text=True)
    assert "Out of Office" in ignored and "An automatic reply, recognised by X-Autoreply" in ignored

    filed = b.get(f"{base}/mail?tab=processed").get_data(as_text=True)
    assert "SR-2026-000001" in filed


def test_a_message_shows_headers_text_and_sanitised_html(browser, mail):
    page = browser("admin").get(f"/admin/mail/{mail['html'].id}")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "guest@partner.example" in html and "Roundcube Webmail" in html  # X-Mailer, listed
    assert "打印机（HP LaserJet M608）一直卡纸" in html
    assert "<b>打印机</b>" in html  # the formatted view keeps harmless markup
    for bad in ("evil.example", "document.cookie", "alert(", "onerror", "onclick", "<img"):
        assert bad not in html
    assert "File as a new request" in html and "Discard the message" in html


def test_unreadable_message_says_why_and_offers_the_download(browser, mail):
    b = browser("admin")
    html = b.get(f"/admin/mail/{mail['refused'].id}").get_data(as_text=True)

    assert "its parts are broken" in html and "Download the message" in html

    raw = b.get(f"/admin/mail/{mail['refused'].id}/raw")
    assert raw.status_code == 200 and raw.mimetype == "message/rfc822"
    assert raw.data == (CORPUS / "16_malformed.eml").read_bytes()
    assert f"message-{mail['refused'].id}.eml" in raw.headers["Content-Disposition"]


def test_the_lead_files_a_held_message_for_an_employee(browser, mail, session, people):
    b = browser("wang.fang")
    url = f"/dispatch/mail/{mail['held'].id}"

    resp = b.post(f"{url}/file", {"as": "new", "requester": "zhang.wei@example.com",
                                  "category": "outsourcing", "title": "服务器维保报价"},
                  page=url)

    assert resp.status_code == 302
    filed = row(session, mail["held"])
    req = svc.get_request(session, filed.request_id)
    assert resp.headers["Location"].endswith(f"/desk/r/{req.number}")
    assert filed.status == MailStatus.PROCESSED and filed.handled_by_id == people.lead.id
    assert req.requester_id == people.employee.id and req.entered_by_id == people.lead.id
    assert req.category == "outsourcing" and req.channel == "email"
    assert "年度维保报价" in req.description
    shown = b.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"Request {req.number} was filed from the message." in shown
    again = b.get(url).get_data(as_text=True)
    assert "File as a new request" not in again and req.number in again


def test_filing_names_every_missing_field(browser, mail, session):
    url = f"/admin/mail/{mail['held'].id}"

    resp = browser("admin").post(f"{url}/file", {"as": "new", "requester": "nobody",
                                                 "category": ""}, page=url)

    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Please correct the marked fields." in html
    assert "Unknown or inactive user." in html and "Choose a service category." in html
    assert row(session, mail["held"]).status == MailStatus.HELD


def test_a_held_message_can_be_added_as_a_reply(browser, mail, session, people):
    url = f"/dispatch/mail/{mail['held'].id}"

    resp = browser("wang.fang").post(f"{url}/file", {"as": "reply", "request": "sr-2026-000001",
                                                     "requester": "zhang.wei"}, page=url)

    assert resp.status_code == 302
    filed = row(session, mail["held"])
    assert filed.action == "replied" and filed.request.number == "SR-2026-000001"
    comment = session.get(Comment, filed.comment_id)
    assert comment.author_id == people.employee.id and "维保报价" in comment.body


def test_a_reply_needs_the_request_number(browser, mail):
    url = f"/dispatch/mail/{mail['held'].id}"

    resp = browser("wang.fang").post(f"{url}/file", {"as": "reply", "requester": "zhang.wei"},
                                     page=url)

    assert "Give the number of the request it replies to." in resp.get_data(as_text=True)


def test_discarding_keeps_the_message_among_the_ignored(browser, mail, session, people):
    url = f"/admin/mail/{mail['held'].id}"
    b = browser("admin")

    resp = b.post(f"{url}/discard", {"note": "Sales mail, not for IT."}, page=url)

    assert resp.status_code == 302
    gone = row(session, mail["held"])
    assert gone.status == MailStatus.IGNORED and gone.reason == "discarded"
    assert gone.handled_by_id == people.admin.id and gone.raw
    ignored = b.get("/admin/mail?tab=ignored").get_data(as_text=True)
    assert "服务器维保报价" in ignored and "Discarded by Administrator." in ignored
    assert "Sales mail, not for IT." in b.get(url).get_data(as_text=True)


@pytest.mark.parametrize("username", ["zhang.wei", "li.na"])
def test_employees_and_technicians_cannot_see_the_mail(browser, mail, username):
    b = browser(username)
    for url in ("/admin/mail", "/dispatch/mail", f"/dispatch/mail/{mail['held'].id}",
                f"/dispatch/mail/{mail['held'].id}/raw"):
        assert b.get(url).status_code == 403, url


def test_the_lead_and_the_administrator_reach_the_mail_from_their_tabs(browser, mail):
    assert 'href="/dispatch/mail"' in browser("wang.fang").get("/dispatch/").get_data(
        as_text=True)
    assert 'href="/admin/mail"' in browser("admin").get("/admin/groups").get_data(as_text=True)


def test_reasons_are_written_in_the_readers_language(browser, mail, session, people):
    svc.update_user(session, people.admin, people.lead, locale="zh_Hans_CN")
    b = browser("wang.fang")

    listing = b.get("/dispatch/mail").get_data(as_text=True)
    page = b.get(f"/dispatch/mail/{mail['held'].id}").get_data(as_text=True)

    assert "收到的邮件" in listing and "没有有效账户使用地址 sales@outside-vendor.cn。" in listing
    assert "受理为新请求" in page and "丢弃该邮件" in page and "已暂扣" in page
    assert "No active account" not in page


def test_the_administrator_routes_an_address_on_the_plugins_page(browser, helpdesk, session,
                                                                 people):
    b = browser("admin")
    resp = b.post("/admin/plugins/mail/settings", {
        "settings.addresses": "printers@ = outsourcing\nerp@ = erp_support",
        "settings.subject_rules": "", "settings.default_category": ""}, page="/admin/plugins")
    assert resp.status_code == 302
    refused = b.post("/admin/plugins/mail/settings", {"settings.addresses": "erp_support"},
                     page="/admin/plugins")
    assert "Write each line as erp@ = erp_support" in refused.get_data(as_text=True)

    raw = (CORPUS / "07_attachment_gbk_name.eml").read_bytes().replace(
        b"<it@example.com>", b"<printers@example.com>")
    row = ingest(helpdesk, raw, source="pipe").message

    assert row.reason_detail["category_by"] == "address"
    assert svc.get_request(session, row.request_id).category == "outsourcing"
