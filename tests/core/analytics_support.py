"""A small fixed week of requests, built through the services with a frozen clock, whose
figures the analytics tests compute by hand."""

from __future__ import annotations

from types import SimpleNamespace

from hdcore import services as svc
from hdcore.clock import FrozenClock
from tests.core.sla_support import at


def loan(session, people, title: str, priority: str = "normal"):
    """An employee's loan request."""
    return svc.submit_request(session, people.employee, category="loan", title=title,
                              details={"item": "laptop", "days": 3}, priority=priority)


def week(session, people, clock: FrozenClock) -> SimpleNamespace:
    """Five requests of the week of Tuesday 2026-12-01 (Shanghai; work 9-12 and 13-18).

    r1: answered after 1 h, waits for the requester overnight (not counted), resolved after
        3 business hours, closed and rated 2.
    r2: filed Friday 17:00, answered Monday 09:30 (1.5 h), resolved Monday 10:00 (2 h),
        reopened 11:00, resolved again 14:00 (4 h in all), closed and rated 5.
    r3: urgent, answered after 1 h (target 30 min: late), resolved 15:00 (5 h; target 4 h:
        late); not closed, not rated.
    r4: cancelled by its requester.
    r5: filed Wednesday 10:00, escalated by the requester, never answered: the backlog.
    """
    clock.set(at("2026-12-01 09:00"))
    r1 = loan(session, people, "Laptop for the audit")
    r3 = loan(session, people, "Projector now", priority="urgent")
    r4 = loan(session, people, "Not needed after all")
    svc.assign(session, people.lead, r1.id, assignee=people.tech)
    svc.assign(session, people.lead, r3.id, assignee=people.tech)
    clock.set(at("2026-12-01 10:00"))
    svc.transition(session, people.tech, r1.id, "start")
    svc.transition(session, people.tech, r3.id, "start")
    svc.cancel(session, people.employee, r4.id, "Found one")
    clock.set(at("2026-12-01 11:00"))
    svc.transition(session, people.tech, r1.id, "wait_requester", {"message": "Which model?"})
    clock.set(at("2026-12-01 15:00"))
    svc.resolve(session, people.tech, r3.id, "Projector delivered")
    clock.set(at("2026-12-02 10:00"))
    svc.add_comment(session, people.employee, r1.id, "The 14-inch one")  # back to work
    r5 = loan(session, people, "Second screen")
    svc.escalate(session, people.employee, r5.id, "Nobody answers")
    clock.set(at("2026-12-02 11:00"))
    svc.resolve(session, people.tech, r1.id, "Handed over")
    clock.set(at("2026-12-02 11:30"))
    svc.close(session, people.employee, r1.id)
    svc.answer_request_survey(session, people.employee, r1.id, 2, "Slow")

    clock.set(at("2026-12-04 17:00"))
    r2 = loan(session, people, "Laptop for the trip")
    svc.assign(session, people.lead, r2.id, assignee=people.tech)
    clock.set(at("2026-12-07 09:30"))
    svc.transition(session, people.tech, r2.id, "start")
    clock.set(at("2026-12-07 10:00"))
    svc.resolve(session, people.tech, r2.id, "Done")
    clock.set(at("2026-12-07 11:00"))
    svc.reopen(session, people.employee, r2.id, "Wrong charger")
    clock.set(at("2026-12-07 14:00"))
    svc.resolve(session, people.tech, r2.id, "Charger swapped")
    clock.set(at("2026-12-07 14:30"))
    svc.close(session, people.employee, r2.id)
    svc.rate(session, people.employee, r2.id, 5)
    return SimpleNamespace(r1=r1, r2=r2, r3=r3, r4=r4, r5=r5)
