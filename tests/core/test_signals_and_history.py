"""Signals are sent after commit and never for rolled-back work; history cannot be rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import ValidationFailed, signals
from hdcore import services as svc
from hdcore.models import AppendOnlyError, Event


@pytest.fixture
def received():
    got = []

    def listener(sender, **kw):
        got.append((sender, kw))

    signals.request_created.connect(listener)
    signals.request_status_changed.connect(listener)
    yield got
    signals.request_created.disconnect(listener)
    signals.request_status_changed.disconnect(listener)


def test_signal_sent_after_commit_with_plain_values(session, people, received, helpdesk):
    def check_committed(sender, **kw):
        with helpdesk.session_scope() as other:  # visible to another session already
            assert svc.get_request(other, kw["request_id"]).number == kw["number"]

    signals.request_created.connect(check_committed)
    try:
        req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                                 details={"item": "laptop", "days": 2})
    finally:
        signals.request_created.disconnect(check_committed)
    assert received == [("submit_request", {
        "request_id": req.id, "number": req.number, "category": "loan",
        "requester_id": people.employee.id, "channel": "web"})]


def test_no_signal_for_refused_work(session, people, received):
    with pytest.raises(ValidationFailed):
        svc.submit_request(session, people.employee, category="loan", title="")
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    received.clear()
    with pytest.raises(ValidationFailed):
        svc.transition(session, people.lead, req.id, "force_close", {"reason": ""})
    assert received == []
    session.commit()  # a later unrelated commit does not send stale signals either
    assert received == []


def test_event_log_is_append_only(session, people):
    svc.submit_request(session, people.employee, category="loan", title="Laptop",
                       details={"item": "laptop", "days": 2})
    ev = session.scalars(select(Event)).first()
    ev.kind = "forged"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    session.delete(session.scalars(select(Event)).first())
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
