"""Attachments: limited in size and type (as configured), stored under generated names, served
only through the authorising view as downloads the browser neither renders nor sniffs."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from hdcore import NotFound, ValidationFailed
from hdcore import services as svc
from hdcore.models import Attachment
from hdcore.services import attachments


@pytest.fixture
def req(helpdesk: Any, session: Session, people: SimpleNamespace) -> Any:
    details = dict(helpdesk.host.sample_requests("email_admin")[0].details)
    r = svc.submit_request(session, people.employee, category="email_admin",
                           title="Mailbox full", details=details)
    session.commit()
    return r


def attach(session: Session, actor: Any, req: Any, name: str, data: bytes = b"data",
           **kw: Any) -> Attachment:
    att = svc.add_attachment(session, actor, req.id, filename=name, stream=io.BytesIO(data),
                             **kw)
    session.commit()
    return att


@pytest.mark.parametrize("name", [
    "setup.exe", "page.html", "page.htm", "logo.svg", "run.js", "macro.vbs", "noextension",
    "archive.tar.exe", "..", ".", "", "   ",
])
def test_refused_types(session: Session, people: SimpleNamespace, req: Any, name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        attach(session, people.employee, req, name)
    assert set(refused.value.errors) == {"file"}
    session.rollback()
    assert not list(attachments.storage_dir(session).glob("*"))


def test_size_and_types_follow_the_settings(session: Session, people: SimpleNamespace,
                                            req: Any) -> None:
    settings = session.info["settings"]
    settings.attachment_max_mb = 1
    settings.attachment_extensions = "pdf, png"
    try:
        with pytest.raises(ValidationFailed, match="1 MB"):
            attach(session, people.employee, req, "scan.pdf", b"x" * (1024 * 1024 + 1))
        session.rollback()
        with pytest.raises(ValidationFailed, match="not accepted"):
            attach(session, people.employee, req, "notes.txt")
        session.rollback()
        assert attach(session, people.employee, req, "scan.pdf", b"x" * 1024 * 1024).size == \
            1024 * 1024
    finally:
        settings.attachment_max_mb = 20
        settings.attachment_extensions = ""
    assert attachments.max_bytes(session) == attachments.MAX_BYTES
    assert "txt" in attachments.allowed_extensions(session)


@pytest.mark.parametrize("name,kept", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
    ("/var/lib/helpdesk/secret_key.txt", "secret_key.txt"),
    ("C:\\报告\\错误截图.png", "错误截图.png"),
    ("evil\r\nX-Injected: yes\r\n.txt", "evilX-Injected: yes.txt"),
    ("nul\x00byte.txt", "nulbyte.txt"),
    ('quote"<tag>|pipe.txt', "quotetagpipe.txt"),
])
def test_names_are_only_names_and_storage_names_are_generated(
        session: Session, people: SimpleNamespace, req: Any, name: str, kept: str) -> None:
    att = attach(session, people.employee, req, name)
    assert att.filename == kept
    assert re.fullmatch(r"[0-9a-f]{32}", att.stored_name)
    _att, path = svc.open_attachment(session, people.employee, att.id)
    assert path.parent == attachments.storage_dir(session) and path.name == att.stored_name
    assert path.read_bytes() == b"data"


def test_a_tampered_storage_name_is_never_opened(session: Session, people: SimpleNamespace,
                                                 req: Any) -> None:
    att = attach(session, people.employee, req, "log.txt")
    att.stored_name = "../../secret_key"
    session.commit()
    with pytest.raises(NotFound):
        svc.open_attachment(session, people.employee, att.id)


def test_the_type_follows_the_name_not_the_senders_claim(session: Session,
                                                        people: SimpleNamespace,
                                                        req: Any) -> None:
    att = attach(session, people.employee, req, "photo.png", b"<script>alert(1)</script>",
                 content_type="text/html")
    assert att.content_type == "image/png"
    assert attachments.download_type("text/html") == "application/octet-stream"
    assert attachments.download_type("image/svg+xml") == "application/octet-stream"
    assert attachments.download_type("application/xml") == "application/octet-stream"
    assert attachments.download_type("image/png") == "image/png"


def download(app: Flask, visitor: Any, username: str | None, att_id: int) -> Any:
    v = visitor()
    if username:
        assert v.login(username).status_code == 302
    resp = v.get(f"/attachments/{att_id}")
    resp.get_data()  # read it all, then let the file go
    resp.close()
    return resp


def test_downloads_are_attachments_with_the_chinese_name_kept(
        app: Flask, session: Session, people: SimpleNamespace, req: Any, visitor: Any) -> None:
    att = attach(session, people.employee, req, "网络故障 截图(1).png", b"\x89PNG")
    resp = download(app, visitor, "zhang.wei", att.id)
    assert resp.status_code == 200 and resp.data == b"\x89PNG"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987/6266: the UTF-8 name, percent-encoded, for every browser that reads it.
    assert f"filename*=UTF-8''{quote('网络故障 截图(1).png')}" in disposition
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.mimetype == "image/png"
    assert resp.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in resp.headers["Cache-Control"]


def test_an_html_file_downloads_as_octet_stream(app: Flask, session: Session,
                                                people: SimpleNamespace, req: Any,
                                                visitor: Any) -> None:
    att = attach(session, people.employee, req, "export.txt", b"<html><script>x()</script>")
    att.content_type = "text/html"  # as an older version may have stored it
    session.commit()
    resp = download(app, visitor, "zhang.wei", att.id)
    assert resp.mimetype == "application/octet-stream"
    assert "\r" not in resp.headers["Content-Disposition"]


def test_only_those_who_see_the_request_download(app: Flask, session: Session,
                                                 people: SimpleNamespace, req: Any,
                                                 visitor: Any) -> None:
    public = attach(session, people.employee, req, "log.txt")
    internal = attach(session, people.tech, req, "admin-notes.txt", internal=True)
    expected = {
        None: (302, 302), "zhang.wei": (200, 404), "liu.yang": (404, 404),
        "zhou.min": (200, 404), "li.na": (200, 200), "zhao.lei": (200, 200),
    }
    for username, (pub, intern) in expected.items():
        got = (download(app, visitor, username, public.id).status_code,
               download(app, visitor, username, internal.id).status_code)
        assert got == (pub, intern), username
    # An id that does not exist answers like one that is not yours.
    assert download(app, visitor, "liu.yang", 999999).status_code == 404


def test_files_are_not_reachable_as_static_files(app: Flask, session: Session,
                                                 people: SimpleNamespace, req: Any) -> None:
    att = attach(session, people.employee, req, "log.txt")
    client = app.test_client()
    for url in (f"/static/../attachments/{att.stored_name}", "/static/..%2f..%2fsecret_key",
                f"/static/%2e%2e/attachments/{att.stored_name}", "/static/../../pyproject.toml"):
        resp = client.get(url)
        assert resp.status_code == 404 or "/login" in (resp.location or ""), url
        assert resp.data != b"data"
