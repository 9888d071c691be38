"""Reading mail as Chinese and Western clients write it, and recognising mail not to answer."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from hdcore.mail import routing
from hdcore.mail.loops import classify
from hdcore.mail.parse import (
    MalformedMail,
    decode_bytes,
    decode_words,
    html_to_text,
    parse,
    peek,
    trim_quoted,
)

SECRET = "s3cret"


def message(subject: str = "Hello", sender: str = "zhang.wei@example.com",
            **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "it@example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = "<m1@example.com>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Body")
    return msg.as_bytes()


# -- decoding --------------------------------------------------------------------------------


def test_gb2312_label_is_read_as_gb18030_so_gbk_characters_survive():
    data = "王堃的打印机".encode("gbk")  # 堃 is not in GB2312
    assert decode_bytes(data, "gb2312") == "王堃的打印机"
    assert decode_bytes(data, "GB2312") == "王堃的打印机"


def test_unknown_or_wrong_charset_falls_back_to_utf8_then_gbk():
    assert decode_bytes("报告".encode(), "x-unknown") == "报告"
    assert decode_bytes("报告".encode("gbk"), "utf-8") == "报告"
    assert decode_bytes("报告".encode("gbk"), None) == "报告"


@pytest.mark.parametrize("header, text", [
    ("=?gb2312?B?tPLTobv6v6jWvQ==?=", "打印机卡纸"),
    ("=?GBK?B?ucrVz73YzbwucG5n?=", "故障截图.png"),
    ("=?UTF-8?Q?=E6=8A=A5=E5=91=8A?= 2026", "报告 2026"),
    ("Re: =?utf-8?B?5omT5Y2w5py6?=\n =?utf-8?B?5Y2h57q4?=", "Re: 打印机卡纸"),
    ("plain subject", "plain subject"),
])
def test_encoded_words_in_any_charset(header, text):
    assert decode_words(header) == text


def test_raw_8bit_headers_are_read_as_utf8_or_gbk():
    for charset in ("utf-8", "gbk"):
        raw = (b"From: " + "张伟".encode(charset) + b" <zw@example.com>\r\nSubject: "
               + "打印机卡纸".encode(charset) + b"\r\nMessage-ID: <r@x>\r\n\r\nbody\r\n")
        mail = parse(raw)
        assert mail.subject == "打印机卡纸" and mail.sender_name == "张伟", charset
        assert peek(raw).subject == "打印机卡纸"


def test_message_without_message_id_is_identified_by_its_bytes():
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n"
    assert peek(raw).message_id.startswith("sha256:")
    assert peek(raw).message_id == peek(raw).message_id
    assert peek(raw + b"more").message_id != peek(raw).message_id


def test_peek_never_fails():
    assert peek(b"\x00\xff garbage").sender == ""
    assert peek(b"").message_id.startswith("sha256:")


@pytest.mark.parametrize("raw, code", [
    (b"", "empty"),
    (b"just words, no header\r\n", "no_headers"),
    (b"Subject: no sender\r\n\r\nbody\r\n", "no_sender"),
    (b"From: a@example.com\r\nContent-Type: multipart/mixed\r\n\r\nbody\r\n",
     "broken_structure"),
])
def test_unreadable_messages_say_why(raw, code):
    with pytest.raises(MalformedMail) as exc:
        parse(raw)
    assert exc.value.code == code


def test_forwarded_message_is_kept_as_an_eml_file():
    inner = EmailMessage()
    inner["From"] = "vendor@example.net"
    inner["Subject"] = "报价单"
    inner.set_content("price list")
    outer = EmailMessage()
    outer["From"] = "zhang.wei@example.com"
    outer["Subject"] = "Fw: 报价单"
    outer.set_content("see below")
    outer.add_attachment(inner)

    mail = parse(outer.as_bytes())

    assert mail.text == "see below"
    assert [(f.filename, f.content_type) for f in mail.files] == [("报价单.eml",
                                                                   "message/rfc822")]


# -- HTML -----------------------------------------------------------------------------------


def test_html_becomes_text_without_scripts_styles_or_handlers():
    html = ("<style>p{color:red}</style><script>steal()</script><p>打印机<b>卡纸</b></p>"
            "<img src=x onerror=alert(1)><ol><li>one</li><li>two</li></ol>"
            "<p>see <a href='https://kb.example.com/42'>KB 42</a></p>"
            "<blockquote>old<br>older</blockquote><table><tr><td>a</td><td>b</td></tr></table>")

    assert html_to_text(html) == ("打印机卡纸\n\n- one\n- two\n\nsee KB 42 "
                                  "<https://kb.example.com/42>\n\n> old\n> older\n\na | b")


# -- quoted history -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "收到，谢谢。\n\n发件人: IT HelpDesk <helpdesk@example.com>\n发送时间: 2026年3月2日 10:05\n"
    "收件人: 张伟\n主题: 打印机\n\n旧内容",
    "收到，谢谢。\n\n在 2026年3月2日，上午10:05，IT HelpDesk <helpdesk@example.com> 写道：\n\n"
    "> 旧内容",
    "收到，谢谢。\n\nIT HelpDesk <helpdesk@example.com> 于2026年3月2日周一 10:05写道：\n> 旧内容",
    "收到，谢谢。\n\n-----Original Message-----\nFrom: IT HelpDesk\nSent: Monday\n\nold",
    "收到，谢谢。\n> 旧内容\n> 更旧",
])
def test_quoted_history_of_every_client_is_trimmed(text):
    assert trim_quoted(text) == "收到，谢谢。"


def test_interleaved_answers_keep_the_new_lines():
    text = "> 期间打开了吗？\n打开了。\n> 汇率呢？\n也补了。"
    assert trim_quoted(text) == "打开了。\n也补了。"


def test_a_message_of_nothing_but_quotation_is_kept_whole():
    text = "-----原始邮件-----\n发件人: a\n发送时间: b\n\n请看下面的报错"
    assert trim_quoted(text) == text


def test_a_from_line_in_the_text_is_not_a_reply_header():
    text = "From: the ERP, the report comes out empty.\nCan you check?"
    assert trim_quoted(text) == text


# -- loops ----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers, code", [
    ({"Auto_Submitted": "auto-replied"}, "auto_reply"),
    ({"Auto_Submitted": "auto-generated; type=vacation"}, "auto_reply"),
    ({"X_Autoreply": "yes"}, "auto_reply"),
    ({"X_Autorespond": "1"}, "auto_reply"),
    ({"Precedence": "bulk"}, "bulk"),
    ({"Precedence": "junk"}, "bulk"),
    ({"Precedence": "list"}, "list"),
    ({"List_Id": "<news.example.com>"}, "list"),
    ({"List_Unsubscribe": "<mailto:leave@example.com>"}, "list"),
    ({"Return_Path": "<>"}, "bounce"),
    ({"X_Failed_Recipients": "old@example.com"}, "bounce"),
])
def test_loop_headers(headers, code):
    verdict = classify(parse(message(**headers)), SECRET)
    assert verdict is not None and verdict.code == code


@pytest.mark.parametrize("subject, code", [
    ("Automatic reply: 打印机", "auto_reply"),
    ("自动回复: [SR-2026-000001] 打印机", "auto_reply"),
    ("自动答复：打印机", "auto_reply"),
    ("Out of Office: printer", "auto_reply"),
    ("Undeliverable: printer", "bounce"),
    ("Delivery Status Notification (Failure)", "bounce"),
    ("Out of office message does not switch on", None),
    ("Automatic replies stopped working in Outlook", None),
    ("Undeliverable mail to our customer", None),
    ("自动回复设置不了", None),
])
def test_loop_subjects_need_the_responders_own_form(subject, code):
    verdict = classify(parse(message(subject)), SECRET)
    assert (verdict.code if verdict else None) == code


def test_auto_submitted_no_is_a_person():
    assert classify(parse(message(Auto_Submitted="no")), SECRET) is None


def test_mailer_daemon_and_null_envelope_sender_are_bounces():
    assert classify(parse(message(sender="MAILER-DAEMON@mx.example.com")), SECRET).code == \
        "bounce"
    assert classify(parse(message()), SECRET, envelope_sender="").code == "bounce"
    assert classify(parse(message()), SECRET, envelope_sender="zw@example.com") is None


# -- routing --------------------------------------------------------------------------------


CATEGORIES = {"erp_support", "email_admin", "outsourcing"}


@pytest.mark.parametrize("recipients, subject, category, by", [
    (["erp@corp.cn"], "anything", "erp_support", "address"),
    (["ERP@Other.example"], "anything", "erp_support", "address"),
    (["it@corp.cn", "mail@corp.cn"], "anything", "email_admin", "address"),
    (["it@corp.cn"], "ＥＲＰ 报错", "erp_support", "subject"),
    (["it@corp.cn"], "erp-login fails", "erp_support", "subject"),
    (["it@corp.cn"], "interpret this report", "outsourcing", "default"),
    (["it@corp.cn"], "三楼打印机卡纸", "outsourcing", "subject"),
    (["it@corp.cn"], "防火墙", "outsourcing", "default"),  # its category is not installed
])
def test_category_by_address_then_subject_then_default(recipients, subject, category, by):
    settings = {
        "addresses": ["erp@ = erp_support", "mail@corp.cn = email_admin",
                      "sec@ = network_security"],
        "subject_rules": ["防火墙 = network_security", "erp = erp_support",
                          "打印机 = outsourcing"],
        "default_category": "outsourcing",
    }
    route = routing.choose(settings, CATEGORIES, recipients, subject)
    assert route is not None and (route.category, route.by) == (category, by)


def test_nothing_placed_without_a_default():
    assert routing.choose({"addresses": [], "subject_rules": []}, CATEGORIES,
                          ["it@corp.cn"], "hello") is None


def test_routing_settings_refuse_lines_they_cannot_read():
    from marshmallow import ValidationError

    with pytest.raises(ValidationError) as exc:
        routing.MailRoutingSettings().load({"addresses": ["erp_support"],
                                            "subject_rules": ["打印机 -> outsourcing"]})
    assert set(exc.value.messages) == {"addresses", "subject_rules"}

