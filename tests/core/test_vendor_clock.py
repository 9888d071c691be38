"""The vendor's clock in business time: promised times from a contract's terms and calendar
(weekends, holidays, make-up days), and which promises an open job has broken."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hdcore import ValidationFailed
from hdcore import services as svc
from hdcore.sla.calendar import HOLIDAY, WORKDAY, DayOverride, WorkCalendar
from hdcore.vendors.clock import COMPLETION, RESPONSE, business_hours, overdue_targets, promise
from hdcore.vendors.terms import contract_for
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    SH,
    at,
    clock_fixture,
    local,
    plugins_fixture,
    repair,
)

DAY = ((9 * 60, 12 * 60), (13 * 60, 18 * 60))  # 09:00-12:00, 13:00-18:00: eight hours
WEEK = (DAY,) * 5 + ((), ())


def calendar(**overrides: DayOverride) -> WorkCalendar:
    days = {date.fromisoformat(k.replace("_", "-")[1:]): v for k, v in overrides.items()}
    return WorkCalendar(zone=SH, week=WEEK, overrides=days)


def test_promises_over_a_weekend():
    # Handed over on Friday 16:00: two hours left on Friday, the rest from Monday 09:00.
    p = promise(calendar(), at("2026-12-04 16:00"), 4 * 60, 16 * 60)
    assert local(p.response_at) == "2026-12-07 11:00"
    # 2 h Friday + 8 h Monday + 3 h Tuesday morning + 3 h Tuesday afternoon.
    assert local(p.completion_at) == "2026-12-08 16:00"


def test_a_holiday_moves_the_promise_a_day_on():
    cal = calendar(d2026_12_07=DayOverride(HOLIDAY, "Company day"))
    p = promise(cal, at("2026-12-04 16:00"), 4 * 60, 16 * 60)
    assert local(p.response_at) == "2026-12-08 11:00"
    assert local(p.completion_at) == "2026-12-09 16:00"


def test_a_make_up_working_saturday_counts():
    cal = calendar(d2026_12_05=DayOverride(WORKDAY, "Make-up day"))
    p = promise(cal, at("2026-12-04 16:00"), 4 * 60, None)
    assert local(p.response_at) == "2026-12-05 11:00"
    assert p.completion_at is None  # the contract promises no repair time


def test_a_job_handed_over_outside_hours_starts_at_the_next_opening():
    p = promise(calendar(), at("2026-12-05 10:00"), 4 * 60, 30)
    # Saturday: nothing counts until Monday 09:00; the lunch break does not count either.
    assert local(p.response_at) == "2026-12-07 14:00"
    assert local(p.completion_at) == "2026-12-07 09:30"


def test_business_hours_between_skip_nights_and_lunch():
    cal = calendar()
    assert business_hours(cal, at("2026-12-04 16:00"), at("2026-12-07 11:00")) == 4.0
    assert business_hours(cal, at("2026-12-07 11:30"), at("2026-12-07 13:30")) == 1.0
    assert business_hours(cal, at("2026-12-07 11:30"), None) is None


def test_which_promises_are_broken():
    now = at("2026-12-07 12:00")
    common = {"promised_response_at": at("2026-12-07 11:00"),
              "promised_completion_at": at("2026-12-08 16:00"), "now": now}
    assert overdue_targets(status="open", responded_at=None, completed_at=None,
                           **common) == [RESPONSE]
    assert overdue_targets(status="open", responded_at=at("2026-12-07 10:59"),
                           completed_at=None, **common) == []
    later = {**common, "now": at("2026-12-08 16:00") + timedelta(seconds=1)}
    assert overdue_targets(status="open", responded_at=at("2026-12-07 10:00"),
                           completed_at=None, **later) == [COMPLETION]
    assert overdue_targets(status="done", responded_at=None, completed_at=None, **later) == []
    # Exactly at the promise is still on time.
    at_promise = {**common, "now": at("2026-12-07 11:00")}
    assert overdue_targets(status="open", responded_at=None, completed_at=None,
                           **at_promise) == []


# -- through the services: the contract's terms start the clock ------------------------------


@pytest.fixture
def fixer(session, people):
    """Fix Co with a maintenance contract (4 h response, 16 h repair) on its own calendar
    with a holiday on Monday 7 December, and an expired warranty."""
    cal = svc.save_calendar(session, None, name="Fix Co hours", timezone="Asia/Shanghai",
                            week=["09:00-12:00, 13:00-18:00"] * 5 + ["", ""])
    svc.add_calendar_day(session, None, cal.id, day="2026-12-07", kind="holiday",
                         name="Fix Co anniversary")
    vendor = svc.create_vendor(session, None, name="Fix Co", kinds=["fixer"])
    svc.save_contract(session, people.lead, vendor.id, number="W-2024", coverage="warranty",
                      response_hours="2", repair_hours="8", starts_on="2024-01-01",
                      ends_on="2025-12-31")
    svc.save_contract(session, people.lead, vendor.id, number="M-2026", coverage="maintenance",
                      response_hours="4", repair_hours="16", calendar_id=cal.id,
                      price="1,200.50", starts_on="2026-01-01", ends_on="2026-12-31",
                      categories=["repair"])
    return vendor


def test_engaging_a_vendor_under_contract_sets_the_promises(session, people, clock, fixer):
    req = repair(session, people)
    clock.set(at("2026-12-04 16:00"))
    eng = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co", reference="FX-1")
    assert eng.kind == "fixer"  # the category's vendor kind the vendor serves
    assert eng.contract.number == "M-2026"  # the expired warranty does not apply
    assert local(eng.promised_response_at) == "2026-12-08 11:00"
    assert local(eng.promised_completion_at) == "2026-12-09 16:00"
    assert eng.cost_cents == 120050  # a per-job price is the job's cost
    # Promises given by hand win over the contract's.
    clock.set(at("2026-12-09 09:00"))
    other = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co",
                              promised_completion_at=at("2026-12-31 12:00"))
    assert local(other.promised_response_at) == "2026-12-09 14:00"  # lunch does not count
    assert local(other.promised_completion_at) == "2026-12-31 12:00"


def test_a_contract_for_other_categories_or_out_of_date_does_not_apply(session, people, clock,
                                                                      fixer):
    assert contract_for(session, fixer, date(2026, 6, 1), category="loan") is None
    assert contract_for(session, fixer, date(2025, 6, 1), category="repair").number == "W-2024"
    assert contract_for(session, fixer, date(2027, 1, 1), category="repair") is None
    req = repair(session, people)
    with pytest.raises(ValidationFailed) as err:
        svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co", contract=99999)
    assert set(err.value.errors) == {"contract"}


def test_engagement_updates_check_times_and_count_reopenings(session, people, clock, fixer):
    req = repair(session, people)
    eng = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co")
    with pytest.raises(ValidationFailed) as err:
        svc.update_engagement(session, people.tech, eng.id,
                              responded_at=at("2026-11-30 09:00"),
                              completed_at=at("2026-11-30 10:00"), cost_cents=-5)
    assert set(err.value.errors) == {"responded_at", "completed_at", "cost"}
    clock.advance(timedelta(hours=2))
    svc.update_engagement(session, people.tech, eng.id, completed_at=clock.current)
    svc.update_engagement(session, people.tech, eng.id, completed_at=None)
    assert eng.reopen_count == 1
