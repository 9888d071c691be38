"""Evaluation cycles: the period, one evaluation per technician with their figures, the
manager's score and comments, closing keeps the figures, technicians read only their own."""

from __future__ import annotations

from datetime import date

import pytest

from hdcore import Conflict, NotFound, PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.services.evaluation import period_of
from tests.core.analytics_support import week
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    plugins_fixture,
)


def test_periods():
    assert period_of("monthly", date(2026, 2, 17), None) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_of("quarterly", date(2026, 11, 5), None) == (date(2026, 10, 1),
                                                               date(2026, 12, 31))
    assert period_of("custom", date(2026, 12, 1), date(2026, 12, 7)) == (date(2026, 12, 1),
                                                                         date(2026, 12, 7))
    with pytest.raises(ValidationFailed) as bad:
        period_of("custom", date(2026, 12, 7), date(2026, 12, 1))
    assert set(bad.value.errors) == {"ends_on"}


def test_a_cycle_of_evaluations(session, people, clock):
    week(session, people, clock)
    with pytest.raises(PermissionDenied):
        svc.create_cycle(session, people.lead, name="Dec", kind="monthly",
                         starts_on=date(2026, 12, 1))
    with pytest.raises(ValidationFailed) as bad:
        svc.create_cycle(session, people.manager, name="", kind="weekly", starts_on=None)
    assert set(bad.value.errors) == {"name", "kind", "starts_on"}
    cycle = svc.create_cycle(session, people.manager, name="First week", kind="custom",
                             starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 7))
    by_person = {e.technician_id: e for e in cycle.evaluations}
    assert set(by_person) == {people.tech.id, people.tech2.id, people.lead.id}

    ev = by_person[people.tech.id]
    view = svc.evaluation_view(session, people.manager, ev.id)
    x = view.figures
    assert (x["opened"], x["resolved"], x["closed"]) == (3, 3, 2)
    assert x["response_median"] == 3600 and x["resolution_median"] == 4 * 3600
    assert x["on_time"] == pytest.approx(2 / 3) and x["reopen_rate"] == pytest.approx(1 / 3)
    assert x["satisfaction"] == 3.5 and x["escalated"] == 0 and x["tasks_done"] == 0
    # the technician cannot read a draft, nor anybody else's
    with pytest.raises(NotFound):
        svc.evaluation_view(session, people.tech, ev.id)

    with pytest.raises(ValidationFailed) as bad:
        svc.save_evaluation(session, people.manager, ev.id, {"score": "7"}, close=True)
    assert set(bad.value.errors) == {"score", "comments"}
    svc.save_evaluation(session, people.manager, ev.id, {"score": "4", "comments": "Draft"})
    svc.save_evaluation(session, people.manager, ev.id,
                        {"score": "4", "comments": "Quick answers; watch the urgent ones."},
                        close=True, expected_version=2)
    with pytest.raises(Conflict):
        svc.save_evaluation(session, people.manager, ev.id, {"score": "5", "comments": "x"})

    # closing keeps the figures of the day: a later rating does not change them
    clock.set(at("2026-12-08 10:00"))
    view = svc.evaluation_view(session, people.tech, ev.id)
    assert view.evaluation.score == 4 and view.figures["satisfaction"] == 3.5
    assert [e.id for e in svc.own_evaluations(session, people.tech)] == [ev.id]
    assert svc.own_evaluations(session, people.tech2) == []
    with pytest.raises(NotFound):
        svc.evaluation_view(session, people.tech2, ev.id)
    assert [e.id for e in svc.history_of(session, people.manager, people.tech.id)] == [ev.id]

    for other in (by_person[people.tech2.id], by_person[people.lead.id]):
        svc.save_evaluation(session, people.manager, other.id,
                            {"score": "3", "comments": "Quiet week"}, close=True)
    session.expire_all()
    assert svc.get_cycle(session, people.manager, cycle.id).status == "closed"
