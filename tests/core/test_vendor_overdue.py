"""Overdue vendor work escalates once per broken promise, to the technician who owns the
request: an event in its history and a notification (and mail) for them; nothing twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hdcore import services as svc
from hdcore.models import Event, Notification, OutboxMessage
from hdcore.vendors.overdue import escalate_overdue
from hdcore.worker import jobs_of, run_once
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    events,
    plugins_fixture,
    repair,
)


def notes_for(session, user) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def job(session, people, clock):
    """A repair handed to Fix Co on Tuesday 09:00, promising a response by 11:00 and the
    repair by Wednesday 18:00."""
    svc.create_vendor(session, None, name="Fix Co", kinds=["fixer"])
    req = repair(session, people)
    eng = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co", reference="FX-9",
                            promised_response_at=at("2026-12-01 11:00"),
                            promised_completion_at=at("2026-12-02 18:00"))
    return req, eng


def test_the_worker_runs_the_overdue_sweep(helpdesk):
    names = {j.name: j for j in jobs_of(helpdesk)}
    assert names["vendor_overdue"].plugin == "vendors"
    assert [r.error for r in run_once(helpdesk, {"vendor_overdue"})] == [None]


def test_a_late_response_escalates_once_to_the_owner(session, people, clock):
    req, eng = job(session, people, clock)
    before = len(notes_for(session, people.tech))
    clock.set(at("2026-12-01 11:00"))
    assert escalate_overdue(session, clock.current) == 0  # at the promise: not late yet
    clock.advance(minutes=1)
    assert escalate_overdue(session, clock.current) == 1
    assert escalate_overdue(session, clock.current) == 0  # once
    clock.advance(hours=3)
    assert escalate_overdue(session, clock.current) == 0
    [ev] = events(session, req.id, "vendor_overdue")
    assert ev.public is False and ev.actor_id is None
    assert ev.data["target"] == "response" and ev.data["vendor"] == "Fix Co"
    assert ev.data["promised_local"] == "2026-12-01 11:00"
    assert "FX-9" in ev.data["reason"]
    notes = notes_for(session, people.tech)[before:]
    assert [n.kind for n in notes] == ["escalated"]
    assert "Fix Co" in notes[0].params["reason"]
    # The technician's mail is in the outbox; the requester hears nothing of it.
    mail = session.scalars(select(OutboxMessage).where(
        OutboxMessage.notification_id == notes[0].id)).all()
    assert [m.recipient for m in mail] == [people.tech.email]
    assert not [n for n in notes_for(session, people.employee) if n.kind == "escalated"]
    session.refresh(eng)
    assert eng.response_overdue_at == at("2026-12-01 11:01")
    assert eng.completion_overdue_at is None


def test_the_completion_escalates_separately_and_not_when_done(session, people, clock):
    req, eng = job(session, people, clock)
    svc.update_engagement(session, people.tech, eng.id, responded_at=at("2026-12-01 10:00"))
    clock.set(at("2026-12-02 18:30"))
    assert escalate_overdue(session, clock.current) == 1
    assert [e.data["target"] for e in events(session, req.id, "vendor_overdue")] == [
        "completion"]
    # A second job finished in time, and a withdrawn one, never escalate.
    done = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co",
                             promised_completion_at=at("2026-12-02 19:00"))
    svc.update_engagement(session, people.tech, done.id, completed_at=at("2026-12-02 18:45"))
    gone = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co",
                             promised_completion_at=at("2026-12-02 19:00"))
    svc.update_engagement(session, people.tech, gone.id, status="cancelled")
    clock.set(at("2026-12-03 09:00"))
    assert escalate_overdue(session, clock.current) == 0
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.kind == "vendor_overdue")) == 1


def test_nobody_assigned_the_group_hears_it(session, people, clock):
    svc.create_vendor(session, None, name="Fix Co", kinds=["fixer"])
    req = svc.submit_request(session, people.employee, category="repair", title="Scanner")
    svc.assign(session, people.lead, req.id, group=people.infra)
    svc.engage_vendor(session, people.lead, req.id, vendor="Fix Co",
                      promised_response_at=at("2026-12-01 10:00"))
    clock.advance(timedelta(hours=2))
    assert escalate_overdue(session, clock.current) == 1
    assert [n.kind for n in notes_for(session, people.tech2)][-1] == "escalated"
    assert not [n for n in notes_for(session, people.tech) if n.kind == "escalated"]
