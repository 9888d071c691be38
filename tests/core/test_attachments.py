"""Attachments: type and size checks, generated storage names, cleanup on rollback, access."""

from __future__ import annotations

import io

import pytest

from hdcore import NotFound, PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.services import attachments


@pytest.fixture
def req(session, people):
    return svc.submit_request(session, people.employee, category="loan", title="Laptop",
                              details={"item": "laptop", "days": 2})


def test_chinese_file_name_is_kept_and_storage_name_generated(session, people, req):
    att = svc.add_attachment(session, people.employee, req.id, filename="C:\\报告\\错误截图.png",
                             stream=io.BytesIO(b"\x89PNG data"))
    assert att.filename == "错误截图.png"
    assert att.content_type == "image/png" and att.size == 9
    _found, path = svc.open_attachment(session, people.tech, att.id)
    assert path.read_bytes() == b"\x89PNG data"
    assert path.name == att.stored_name and "错误" not in str(path)


def test_refused_types_sizes_and_empty_files(session, people, req, monkeypatch):
    with pytest.raises(ValidationFailed, match="not accepted"):
        svc.add_attachment(session, people.employee, req.id, filename="virus.exe",
                           stream=io.BytesIO(b"MZ"))
    with pytest.raises(ValidationFailed, match="empty"):
        svc.add_attachment(session, people.employee, req.id, filename="a.txt",
                           stream=io.BytesIO(b""))
    monkeypatch.setattr(attachments, "MAX_BYTES", 10)
    with pytest.raises(ValidationFailed, match="larger"):
        svc.add_attachment(session, people.employee, req.id, filename="big.txt",
                           stream=io.BytesIO(b"x" * 11))
    assert list(attachments.storage_dir(session).iterdir()) == []


def test_file_removed_when_the_transaction_rolls_back(session, people, req):
    svc.add_attachment.__wrapped__(session, people.employee, req.id, filename="log.txt",
                                   stream=io.BytesIO(b"error 42"))
    assert len(list(attachments.storage_dir(session).iterdir())) == 1
    session.rollback()
    assert list(attachments.storage_dir(session).iterdir()) == []


def test_internal_attachments_are_staff_only(session, people, req):
    with pytest.raises(PermissionDenied):
        svc.add_attachment(session, people.employee, req.id, filename="a.txt",
                           stream=io.BytesIO(b"x"), internal=True)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    att = svc.add_attachment(session, people.tech, req.id, filename="notes.txt",
                             stream=io.BytesIO(b"x"), internal=True)
    with pytest.raises(NotFound):
        svc.open_attachment(session, people.employee, att.id)
    with pytest.raises(NotFound):
        svc.open_attachment(session, people.other, att.id)
    assert svc.open_attachment(session, people.lead, att.id)[0] is att
