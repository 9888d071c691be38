"""Due times from the request's history: business hours, pauses, priority changes, policies,
calendars, and the explanation of it all (both databases, a frozen clock)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.models import ANY_CATEGORY, ServiceRequest, SlaCalendar
from hdcore.sla import jobs
from hdcore.sla.explain import MET, OVERDUE, RUNNING_NOW
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    loan,
    local,
    plugins_fixture,
    repair,
)


def reload(session, req) -> ServiceRequest:
    session.expire_all()
    return session.get(ServiceRequest, req.id)


def test_a_new_request_gets_business_time_due_times(session, people, clock):
    req = loan(session, people)  # Tuesday 09:00, normal: answer in 4 h, solve in 3 days
    assert local(req.response_due_at) == "2026-12-01 14:00"  # over the lunch break
    assert local(req.resolve_due_at) == "2026-12-04 09:00"  # 3 x 8 h, nights skipped
    # the first thing that may fire: the lead hears of a missed first response at 14:00
    assert local(req.sla_next_check_at) == "2026-12-01 14:00"

    urgent = loan(session, people, priority="urgent")
    assert local(urgent.response_due_at) == "2026-12-01 09:30"
    assert local(urgent.resolve_due_at) == "2026-12-01 14:00"


def test_filed_on_friday_evening_the_clock_starts_on_monday(session, people, clock):
    clock.set(at("2026-12-04 18:30"))
    req = loan(session, people, priority="high")
    assert local(req.response_due_at) == "2026-12-07 09:30"
    assert local(req.resolve_due_at) == "2026-12-07 17:30"  # the end of Monday's 8 hours


def test_waiting_for_the_requester_pauses_the_clock(session, people, clock):
    req = loan(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    clock.advance(hours=1)
    svc.transition(session, people.tech, req.id, "start")  # the first response, 10:00
    clock.advance(hours=1)
    svc.transition(session, people.tech, req.id, "wait_requester",
                   {"message": "Which model?"})  # 11:00
    req = reload(session, req)
    assert req.status == "waiting_requester"
    assert req.resolve_due_at is None  # nobody knows when the clock resumes
    assert local(req.response_due_at) == "2026-12-01 14:00"  # answered in time: kept
    assert req.sla_next_check_at is None

    clock.set(at("2026-12-02 11:00"))  # the requester answers a day later: 8 h were paused
    svc.add_comment(session, people.employee, req.id, "The 14-inch one.")
    req = reload(session, req)
    assert req.status == "in_progress"
    assert local(req.resolve_due_at) == "2026-12-07 09:00"  # Friday 09:00 + 8 h


def test_a_vendor_of_a_pausing_kind_stops_the_clock_by_policy(session, people, clock):
    svc.create_vendor(session, None, name="Fix Co", kinds=["fixer"])
    req = repair(session, people)
    assert local(req.resolve_due_at) == "2026-12-04 09:00"
    clock.advance(hours=1)
    svc.transition(session, people.tech, req.id, "send_out")
    assert reload(session, req).resolve_due_at is None
    clock.set(at("2026-12-02 10:00"))
    svc.transition(session, people.tech, req.id, "back")
    assert local(reload(session, req).resolve_due_at) == "2026-12-07 09:00"

    # a policy that counts the vendor's time: the same history gives the first due time
    calendar = session.scalar(select(SlaCalendar.id))
    svc.save_policy(session, people.admin, category="repair", priority="normal",
                    response_minutes=240, resolution_minutes=1440, calendar_id=calendar,
                    vendor_pauses=False, levels=[])
    assert local(reload(session, req).sla_next_check_at) == "2026-12-02 10:00"  # recompute
    assert jobs.sweep(session, clock.current, reminders=False) == 0
    assert local(reload(session, req).resolve_due_at) == "2026-12-04 09:00"


def test_a_priority_change_recomputes_from_the_history_without_restarting(session, people,
                                                                         clock):
    req = loan(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "start")
    assert local(req.resolve_due_at) == "2026-12-04 09:00"
    clock.set(at("2026-12-01 11:00"))
    svc.update_request(session, people.tech, req.id, expected_version=req.version,
                       priority="high")
    # 8 business hours from 09:00 (not from 11:00): the two hours already worked count
    assert local(reload(session, req).resolve_due_at) == "2026-12-02 09:00"
    clock.set(at("2026-12-01 15:00"))
    svc.update_request(session, people.tech, req.id, expected_version=reload(session, req)
                       .version, priority="urgent")
    req = reload(session, req)
    assert local(req.resolve_due_at) == "2026-12-01 14:00"  # already past: overdue at once
    assert local(req.sla_next_check_at) == "2026-12-01 12:00"  # the 75 % warning, due now


def test_the_explanation_shows_counted_hours_pauses_and_skipped_days(session, people, clock):
    clock.set(at("2026-12-04 16:00"))  # a Friday afternoon
    req = loan(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    clock.set(at("2026-12-04 17:00"))
    svc.transition(session, people.tech, req.id, "start")
    svc.transition(session, people.tech, req.id, "wait_requester", {"message": "Which one?"})
    clock.set(at("2026-12-07 10:00"))  # Monday
    svc.add_comment(session, people.employee, req.id, "The small one.")
    clock.set(at("2026-12-07 14:00"))

    ex = svc.explain_due_times(session, people.tech, req.id)
    assert ex is not None and ex.calendar_name == "Mainland China" and ex.policy.is_default
    response, resolution = ex.targets
    assert response.name == "response" and response.status == MET
    assert local(response.stopped_at) == "2026-12-04 17:00"
    assert response.counted_minutes == 60

    assert resolution.status == RUNNING_NOW
    assert [(local(i.start), local(i.end)) for i in resolution.counted] == [
        ("2026-12-04 16:00", "2026-12-04 17:00"),
        ("2026-12-07 10:00", "2026-12-07 12:00"),  # the lunch break is not counted
        ("2026-12-07 13:00", "2026-12-07 14:00"),
    ]
    assert resolution.counted_minutes == 240 and resolution.remaining_minutes == 1200
    (pause,) = resolution.paused
    assert (local(pause.start), local(pause.end)) == ("2026-12-04 17:00", "2026-12-07 10:00")
    assert pause.reason == "waiting" and "Waiting for requester" in pause.label
    assert pause.minutes == 120  # Friday 17:00-17:30 and Monday 08:30-10:00
    assert local(resolution.due_at) == "2026-12-10 09:00"
    assert [(str(d.day), d.kind) for d in resolution.days] == [
        ("2026-12-05", "weekend"), ("2026-12-06", "weekend")]

    clock.set(at("2026-12-11 09:00"))
    assert svc.explain_due_times(session, people.tech, req.id).targets[1].status == OVERDUE


def test_the_explanation_names_holidays_and_make_up_days(session, people, clock):
    clock.set(at("2026-02-13 16:00"))  # Friday before Spring Festival; Saturday is worked
    req = loan(session, people, priority="low")  # 5 days to solve
    ex = svc.explain_due_times(session, people.employee, req.id)
    days = {str(d.day): d for d in ex.targets[1].days}
    assert days["2026-02-14"].kind == "workday"
    assert days["2026-02-17"].kind == "holiday" and "Spring Festival" in days["2026-02-17"].name
    assert local(ex.targets[1].due_at) == "2026-02-27 16:00"
    assert ex.targets[1].status == RUNNING_NOW

    svc.transition(session, people.lead, req.id, "cancel", {"reason": "Not needed"})
    assert svc.explain_due_times(session, people.employee, req.id).targets[1].status == MET


def test_policies_are_validated_field_by_field(session, people, clock):
    calendar = session.scalar(select(SlaCalendar.id))
    with pytest.raises(ValidationFailed) as err:
        svc.save_policy(session, people.admin, category="loan", priority="normal",
                        response_minutes=0, resolution_minutes=60, calendar_id=calendar,
                        vendor_pauses=True, levels=[
                            {"target": "resolution", "percent": 0, "after_minutes": 0,
                             "action": "notify_lead"},
                            {"target": "sometime", "percent": 50, "action": "shout"}])
    assert set(err.value.errors) == {"response_minutes", "levels.0.percent", "levels.1.target",
                                     "levels.1.action"}
    with pytest.raises(PermissionDenied):
        svc.save_policy(session, people.manager, category="loan", priority="normal",
                        response_minutes=60, resolution_minutes=120, calendar_id=calendar,
                        vendor_pauses=True, levels=[])
    with pytest.raises(ValidationFailed) as err:
        svc.save_reminder_policy(session, people.admin, category="loan", reminder_days=[4, 2],
                                 close_after_days=1, reopen_days=-1)
    assert set(err.value.errors) == {"reminder_days", "reopen_days"}


def test_a_category_policy_overrides_the_default_until_reset(session, people, clock):
    req = loan(session, people)
    calendar = session.scalar(select(SlaCalendar.id))
    svc.save_policy(session, people.admin, category="loan", priority="normal",
                    response_minutes=60, resolution_minutes=120, calendar_id=calendar,
                    vendor_pauses=True, levels=[])
    rows = {(r.category, r.priority): r for r in svc.policy_rows(session)}
    assert rows[("loan", "normal")].own and not rows[("loan", "high")].own
    assert rows[(ANY_CATEGORY, "normal")].policy.resolution_minutes == 1440
    jobs.sweep(session, clock.current, reminders=False)  # the worker recomputes
    req = reload(session, req)
    assert (local(req.response_due_at), local(req.resolve_due_at)) == (
        "2026-12-01 10:00", "2026-12-01 11:00")
    assert req.sla_next_check_at is None  # this policy has no escalation ladder

    svc.reset_policy(session, people.admin, category="loan", priority="normal")
    jobs.sweep(session, clock.current, reminders=False)
    assert local(reload(session, req).resolve_due_at) == "2026-12-04 09:00"


def test_a_holiday_added_to_the_calendar_moves_open_due_times(session, people, clock):
    req = loan(session, people)
    calendar = session.scalar(select(SlaCalendar.id))
    svc.add_calendar_day(session, people.admin, calendar, day="2026-12-02",
                         kind="holiday", name="Company anniversary")
    jobs.sweep(session, clock.current, reminders=False)
    assert local(reload(session, req).resolve_due_at) == "2026-12-07 09:00"
    with pytest.raises(ValidationFailed) as err:
        svc.add_calendar_day(session, people.admin, calendar, day="2. Dezember",
                             kind="feast")
    assert set(err.value.errors) == {"day", "kind"}
    with pytest.raises(ValidationFailed) as err:
        svc.save_calendar(session, people.admin, calendar, name="Mainland China",
                          timezone="Mars/Olympus", week=["08:00-12:00"] * 6 + ["9-5"])
    assert set(err.value.errors) == {"timezone", "week.6"}


def test_official_days_of_a_year_are_imported_once(session, people, clock):
    cal = svc.save_calendar(session, people.admin, name="Suzhou plant", timezone="Asia/Shanghai",
                            week=["08:00-12:00, 13:00-17:00"] * 6 + [""])
    added, with_makeup = svc.import_official_days(session, people.admin, cal.id, 2026)
    assert added == 39 and with_makeup
    assert svc.import_official_days(session, people.admin, cal.id, 2026) == (0, True)
    added, with_makeup = svc.import_official_days(session, people.admin, cal.id, 2027)
    assert added > 10 and not with_makeup
    assert svc.calendar_years(cal) == [2027, 2026]
    default = session.scalar(select(SlaCalendar).where(SlaCalendar.is_default))
    assert default.name == "Mainland China" and not cal.is_default
