"""The worker's SLA sweeps with a frozen clock: escalation levels, the reminder ladder and the
auto-close, each exactly once (run twice, two workers at once, a worker killed mid-sweep)."""

from __future__ import annotations

import threading

import pytest

from hdcore import PermissionDenied, TransitionRefused, signals
from hdcore import services as svc
from hdcore.models import ServiceRequest
from hdcore.sla import jobs
from hdcore.worker import jobs_of, run_once
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    count_events,
    events,
    fired,
    loan,
    local,
    plugins_fixture,
)


def reload(session, req) -> ServiceRequest:
    session.expire_all()
    return session.get(ServiceRequest, req.id)


def escalate_sweep(session, clock) -> int:
    return jobs.sweep(session, clock.current, reminders=False)


def remind_sweep(session, clock) -> int:
    return jobs.sweep(session, clock.current, reminders=True)


@pytest.fixture
def escalations() -> list[dict]:
    """What ``request_escalated`` said, as it was sent (after each commit)."""
    heard: list[dict] = []

    def hear(sender: str, **kw: object) -> None:
        heard.append(kw)

    signals.request_escalated.connect(hear)
    yield heard
    signals.request_escalated.disconnect(hear)


def test_the_worker_runs_the_two_sweeps(helpdesk):
    names = {j.name: j for j in jobs_of(helpdesk)}
    assert {"sla_sweep", "reminders"} <= set(names)
    assert names["sla_sweep"].plugin == names["reminders"].plugin == "sla"
    assert {r.job: r.error for r in run_once(helpdesk, {"sla_sweep", "reminders"})} == {
        "sla_sweep": None, "reminders": None}


def test_each_escalation_level_fires_once(session, people, clock, escalations):
    req = loan(session, people, priority="urgent")  # answer in 30 min, solve in 4 h
    svc.assign(session, people.lead, req.id, assignee=people.tech)  # assigned, not answered
    clock.set(at("2026-12-01 09:20"))
    assert escalate_sweep(session, clock) == 0

    clock.set(at("2026-12-01 09:31"))  # no first response within 30 minutes: the lead
    assert escalate_sweep(session, clock) == 1
    assert escalate_sweep(session, clock) == 0  # a rerun does nothing
    req = reload(session, req)
    assert req.escalation_level == 1 and local(req.escalated_at) == "2026-12-01 09:31"
    (first,) = events(session, req.id, "escalated")
    assert first.actor_id is None and first.data["notify"] == "lead"
    assert first.data["sla"]["target"] == "response" and "first response" in first.data["reason"]
    assert first.changes == {"escalation_level": [0, 1]}
    assert escalations == [{"request_id": req.id, "level": 1, "reason": first.data["reason"],
                            "actor_id": None}]

    clock.set(at("2026-12-01 12:30"))  # 75 % of the 4 hours was reached at 12:00
    assert escalate_sweep(session, clock) == 1
    (warning,) = events(session, req.id, "sla_warning")
    assert warning.data["notify"] == "assignee" and warning.data["assignee_id"] == people.tech.id
    assert warning.public is False and len(escalations) == 1  # a warning is no escalation

    clock.set(at("2026-12-01 14:00"))  # resolution target missed: the lead again
    assert escalate_sweep(session, clock) == 1
    clock.set(at("2026-12-01 17:29"))
    assert escalate_sweep(session, clock) == 0
    clock.set(at("2026-12-02 09:00"))  # 4 business hours after the breach: the manager
    assert escalate_sweep(session, clock) == 1
    assert escalate_sweep(session, clock) == 0
    req = reload(session, req)
    assert req.escalation_level == 2 and req.sla_next_check_at is None
    assert [e.data["notify"] for e in events(session, req.id, "escalated")] == [
        "lead", "lead", "manager"]
    assert [k for _r, k, _o in fired(session, req.id)] == [
        "esc:response:100+0:notify_lead", "esc:resolution:75+0:warn_assignee",
        "esc:resolution:100+0:notify_lead", "esc:resolution:100+240:notify_manager"]
    assert [e["level"] for e in escalations] == [1, 1, 2]


def test_a_late_sweep_fires_every_level_that_fell_due_once(session, people, clock):
    req = loan(session, people, priority="urgent")
    clock.set(at("2026-12-03 09:00"))  # the worker was down for two days
    assert escalate_sweep(session, clock) == 4
    assert escalate_sweep(session, clock) == 0
    assert reload(session, req).escalation_level == 2
    assert count_events(session, "escalated", "sla_warning") == 4


def test_an_answered_paused_or_solved_request_does_not_escalate(session, people, clock):
    answered = loan(session, people, priority="urgent")
    svc.assign(session, people.lead, answered.id, assignee=people.tech)
    svc.transition(session, people.tech, answered.id, "start")
    svc.transition(session, people.tech, answered.id, "wait_requester", {"message": "Which?"})
    solved = loan(session, people, priority="urgent")
    svc.assign(session, people.lead, solved.id, assignee=people.tech)
    svc.resolve(session, people.tech, solved.id, "Done")
    clock.set(at("2026-12-03 09:00"))
    assert escalate_sweep(session, clock) == 0
    assert fired(session) == []


def test_de_escalation_by_the_lead_or_a_manager(session, people, clock):
    req = loan(session, people, priority="urgent")
    clock.set(at("2026-12-02 09:00"))
    escalate_sweep(session, clock)
    assert reload(session, req).escalation_level == 2
    with pytest.raises(PermissionDenied):
        svc.de_escalate(session, people.tech, req.id, "Mine now")
    svc.de_escalate(session, people.manager, req.id, "Reassigned to the server team")
    req = reload(session, req)
    assert req.escalation_level == 0
    (ev,) = events(session, req.id, "de_escalated")
    assert ev.actor_id == people.manager.id and ev.changes == {"escalation_level": [2, 0]}
    assert ev.data == {"note": "Reassigned to the server team"}
    with pytest.raises(TransitionRefused, match="not escalated"):
        svc.de_escalate(session, people.lead, req.id)
    clock.advance(days=3)
    assert escalate_sweep(session, clock) == 0  # the levels that fired stay fired
    assert reload(session, req).escalation_level == 0


def resolved_loan(session, people, clock):
    """A loan solved on Monday 2026-12-07 at 10:00."""
    clock.set(at("2026-12-07 09:00"))
    req = loan(session, people)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    clock.set(at("2026-12-07 10:00"))
    svc.resolve(session, people.tech, req.id, "A laptop is waiting for you at the desk.")
    return req


def test_reminders_then_auto_close_then_the_requester_reopens(session, people, clock):
    req = resolved_loan(session, people, clock)
    assert local(reload(session, req).sla_next_check_at) == "2026-12-09 10:00"
    clock.set(at("2026-12-09 09:59"))
    assert remind_sweep(session, clock) == 0
    clock.set(at("2026-12-09 10:00"))  # two working days later
    assert remind_sweep(session, clock) == 1
    assert remind_sweep(session, clock) == 0
    (first,) = events(session, req.id, "reminder_sent")
    assert first.actor_id is None and first.public
    assert (first.data["reminder"], first.data["of"]) == (1, 2)
    assert first.data["auto_close_at"].startswith("2026-12-14T02:00")  # Monday 10:00 Shanghai
    clock.set(at("2026-12-11 10:00"))  # four working days
    assert remind_sweep(session, clock) == 1
    assert reload(session, req).status == "resolved"

    clock.set(at("2026-12-14 10:00"))  # five working days: closed by the system
    assert remind_sweep(session, clock) == 1
    assert remind_sweep(session, clock) == 0
    req = reload(session, req)
    assert req.status == "closed" and local(req.closed_at) == "2026-12-14 10:00"
    assert req.sla_next_check_at is None
    closing = events(session, req.id, "transition")[-1]
    assert closing.actor_id is None and closing.changes == {"status": ["resolved", "closed"]}
    assert closing.data == {"transition": "auto_close", "reason": "no response",
                            "automatic": True}
    assert [k for _r, k, o in fired(session, req.id)] == ["rem:1:1", "rem:1:2", "close:1"]

    with pytest.raises(TransitionRefused, match="Only the help desk lead"):
        svc.reopen(session, people.tech, req.id, "Found it broken")  # the requester's right
    clock.set(at("2026-12-18 10:00"))  # within the week
    svc.reopen(session, people.employee, req.id, "The laptop does not start.")
    req = reload(session, req)
    assert req.status == "in_progress" and req.closed_at is None
    assert req.resolve_due_at is not None  # the clock runs again

    # solved again: a new round of reminders, counted from the new resolution
    svc.resolve(session, people.tech, req.id, "Replaced the battery.")
    assert local(reload(session, req).sla_next_check_at) == "2026-12-22 10:00"
    clock.set(at("2026-12-22 10:00"))
    assert remind_sweep(session, clock) == 1
    assert fired(session, req.id)[-1][1] == "rem:2:1"


def test_after_the_window_only_the_desk_reopens(session, people, clock):
    req = resolved_loan(session, people, clock)
    clock.set(at("2026-12-14 10:00"))
    remind_sweep(session, clock)  # late: straight to closing, the reminders are skipped
    assert reload(session, req).status == "closed"
    assert events(session, req.id, "reminder_sent") == []
    assert [(k, o) for _r, k, o in fired(session, req.id)] == [
        ("rem:1:1", "skipped"), ("rem:1:2", "skipped"), ("close:1", "done")]
    clock.set(at("2026-12-21 10:01"))  # seven days and a minute after the closing
    with pytest.raises(TransitionRefused) as refused:
        svc.reopen(session, people.employee, req.id, "Still broken")
    assert "2026-12-21 10:00" in " ".join(refused.value.reasons)
    svc.reopen(session, people.lead, req.id, "The requester phoned: still broken")
    assert reload(session, req).status == "in_progress"


def test_a_request_closed_by_hand_is_not_reopened_by_its_requester(session, people, clock):
    req = resolved_loan(session, people, clock)
    svc.close(session, people.employee, req.id)
    with pytest.raises(TransitionRefused, match="Only the help desk lead"):
        svc.reopen(session, people.employee, req.id, "Changed my mind")


def test_an_auto_close_a_guard_refuses_is_recorded_and_not_retried(session, people, clock):
    req = resolved_loan(session, people, clock)
    svc.add_task(session, people.lead, req.id, title="Collect the old laptop")
    clock.set(at("2026-12-14 10:00"))
    assert remind_sweep(session, clock) == 1
    req = reload(session, req)
    assert req.status == "resolved" and req.sla_next_check_at is None
    (refusal,) = events(session, req.id, "auto_close_refused")
    assert "tasks" in refusal.data["reasons"][0]
    assert fired(session, req.id)[-1][1:] == ("close:1", "refused")
    clock.advance(days=1)
    assert remind_sweep(session, clock) == 0


def test_a_worker_killed_mid_sweep_loses_and_doubles_nothing(session, people, clock,
                                                            monkeypatch):
    reqs = [loan(session, people, priority="urgent") for _ in range(6)]
    clock.set(at("2026-12-01 09:31"))
    real = jobs._one
    calls = {"n": 0}

    def dies_on_the_fourth(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the process is gone: no except clause of ours runs
        return real(*args, **kw)

    monkeypatch.setattr(jobs, "_one", dies_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        escalate_sweep(session, clock)
    monkeypatch.undo()
    assert fired(session) == [] and count_events(session, "escalated") == 0
    assert all(reload(session, r).escalation_level == 0 for r in reqs)

    assert escalate_sweep(session, clock) == 6  # the next run does it all, once
    assert escalate_sweep(session, clock) == 0
    assert len(fired(session)) == 6 and count_events(session, "escalated") == 6


def test_one_broken_request_does_not_stop_the_sweep(session, people, clock, monkeypatch):
    first, second = loan(session, people, priority="urgent"), loan(session, people,
                                                                  priority="urgent")
    clock.set(at("2026-12-01 09:31"))
    real = jobs.escalation.fire

    def breaks_on_first(s, req, *args):
        if req.id == first.id:
            raise RuntimeError("a plugin's bug")
        return real(s, req, *args)

    monkeypatch.setattr(jobs.escalation, "fire", breaks_on_first)
    assert escalate_sweep(session, clock) == 1
    assert [r for r, _k, _o in fired(session)] == [second.id]
    assert local(reload(session, first).sla_next_check_at) == "2026-12-01 09:46"  # retried
    monkeypatch.undo()
    clock.advance(minutes=15)
    assert escalate_sweep(session, clock) == 1
    assert sorted(r for r, _k, _o in fired(session)) == sorted([first.id, second.id])


def test_two_workers_at_once_fire_each_action_once(helpdesk, session, people, clock):
    reqs = [loan(session, people, priority="urgent") for _ in range(40)]
    for req in reqs[::2]:  # half are solved: their requesters get reminders instead
        svc.assign(session, people.lead, req.id, assignee=people.tech)
        svc.resolve(session, people.tech, req.id, "Done")
    clock.set(at("2026-12-03 12:00"))  # every escalation level and the first reminder due
    now = clock.current
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with helpdesk.session_scope() as own:
                start.wait(timeout=30)
                taken = jobs.sweep(own, now, reminders=False, batch=7)
                taken += jobs.sweep(own, now, reminders=True, batch=7)
                results.append(taken)
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    rows = fired(session)
    keys = [(r, k) for r, k, _o in rows]
    assert len(keys) == len(set(keys)) == 20 * 4 + 20  # four levels, or one reminder, each
    assert sum(results) == len(rows)
    assert count_events(session, "escalated", "sla_warning") == 80
    assert count_events(session, "reminder_sent") == 20
    assert all(reload(session, r).sla_next_check_at is None
               or reload(session, r).sla_next_check_at > now for r in reqs)
