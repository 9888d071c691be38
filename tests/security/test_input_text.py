"""Texts with NUL and other control characters: stored without NUL on both databases, through
the services, the pages and the API (PostgreSQL would otherwise refuse the write)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import HelpDesk
from hdcore import services as svc
from hdcore.models import Comment, ServiceRequest


def test_nul_is_dropped_from_every_text_written(helpdesk: HelpDesk, session: Session,
                                                people: SimpleNamespace) -> None:
    details = dict(helpdesk.host.sample_requests("email_admin")[0].details)
    details["symptom"] = "No mail\x00 since Monday"
    req = svc.submit_request(session, people.employee, category="email_admin",
                             title="Mail\x00box full", description="Full\x00",
                             details=details)
    svc.add_comment(session, people.employee, req.id, "Still\x00 full")
    session.commit()
    session.expire_all()
    stored = session.get(ServiceRequest, req.id)
    assert (stored.title, stored.description) == ("Mailbox full", "Full")
    assert stored.details["symptom"] == "No mail since Monday"
    assert [c.body for c in session.scalars(select(Comment))] == ["Still full"]


def test_pages_and_api_take_nul_without_a_server_error(app: Flask, helpdesk: HelpDesk,
                                                       session: Session, people: SimpleNamespace,
                                                       visitor: Any) -> None:
    token = svc.issue_token(session, None, people.employee).secret
    session.commit()
    details = dict(helpdesk.host.sample_requests("email_admin")[0].details)
    resp = app.test_client().post(
        "/api/v1/requests", headers={"Authorization": f"Bearer {token}"},
        json={"category": "email_admin", "title": "Printer\u0000 jam", "details": details})
    # The API names the field it refuses (a client should know its input was not kept as is).
    assert resp.status_code == 422 and "title" in resp.get_json()["error"]["fields"]
    number = svc.submit_request(session, people.employee, category="email_admin",
                                title="Printer jam", details=details).number
    session.commit()
    v = visitor()
    assert v.login("zhang.wei").status_code == 302
    reply = v.post(f"/portal/r/{number}/reply", {"body": "More\x00 detail"},
                   page=f"/portal/r/{number}")
    assert reply.status_code in {200, 302}
    session.expire_all()
    assert "More detail" in [c.body for c in session.scalars(select(Comment))]
