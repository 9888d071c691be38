"""Why a request is due when it is: the hours that counted, the pauses and why, the days skipped.

Built from the same clocks as the stored due times (:mod:`hdcore.sla.clock`), so what the
page explains is what the sweep acts on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hdcore.i18n import _
from hdcore.models import Event, ServiceRequest
from hdcore.sla.calendar import DayNote, WorkCalendar
from hdcore.sla.clock import (
    CLOSED,
    PAUSED,
    RESOLVED,
    RUNNING,
    STOPPED,
    VENDOR,
    Span,
    TargetClock,
)
from hdcore.sla.duetime import SlaState, evaluate, log_of
from hdcore.sla.policy import TARGET_LABELS, Policy

MINUTE = timedelta(minutes=1)

#: What became of a target: still running, paused, met, missed, or overdue now.
RUNNING_NOW, PAUSED_NOW, MET, MISSED, OVERDUE = "running", "paused", "met", "missed", "overdue"


@dataclass(frozen=True)
class Interval:
    """Working time that counted against a target."""

    start: datetime
    end: datetime
    minutes: float


@dataclass(frozen=True)
class Pause:
    """A stretch in which a target's clock did not run, with why and how much working time it
    held back (``end`` None: still paused)."""

    start: datetime
    end: datetime | None
    reason: str
    label: str
    minutes: float


@dataclass
class TargetExplanation:
    """One target (first response or resolution) explained."""

    name: str
    label: str
    target_minutes: float
    counted_minutes: float
    status: str
    started_at: datetime
    stopped_at: datetime | None
    due_at: datetime | None
    counted: list[Interval] = field(default_factory=list)
    paused: list[Pause] = field(default_factory=list)
    days: list[DayNote] = field(default_factory=list)

    @property
    def remaining_minutes(self) -> float:
        """Business minutes left before the target is reached (0 when it was)."""
        return max(0.0, self.target_minutes - self.counted_minutes)


@dataclass
class Explanation:
    """The due times of a request and how they were computed."""

    policy: Policy
    calendar_name: str
    zone: str
    now: datetime
    priority_changes: list[tuple[datetime, str, str]]
    targets: list[TargetExplanation]


def explain(session: Session, request: ServiceRequest, now: datetime,
            events: Sequence[Event] | None = None) -> Explanation | None:
    """The explanation of ``request``'s due times at ``now`` (None without a policy);
    ``events``: all its stored events, when the caller has them already."""
    log = log_of(session, request, events)
    state = evaluate(session, request, log)
    if state is None or state.policy is None or state.clocks is None:
        return None
    policy = state.policy
    wf_labels = _state_labels(session, request)
    changes = [(ev.at, str(ev.changes["priority"][0]), str(ev.changes["priority"][1]))
               for ev in log if isinstance(ev.changes.get("priority"), list | tuple)]
    return Explanation(
        policy=policy, calendar_name=policy.calendar.name, zone=str(policy.calendar.zone),
        now=now, priority_changes=changes,
        targets=[_target(clock, policy.calendar, now, wf_labels, state)
                 for clock in state.clocks],
    )


def _state_labels(session: Session, request: ServiceRequest) -> dict[str, str]:
    from hdcore.services.base import host_of

    wf = host_of(session).workflow(request.category)
    return {name: str(s.label) for name, s in wf.states.items()}


def _target(clock: TargetClock, calendar: WorkCalendar, now: datetime,
            labels: dict[str, str], state: SlaState) -> TargetExplanation:
    until = min(now, clock.stopped_at) if clock.stopped_at else now
    counted: list[Interval] = []
    paused: list[Pause] = []
    for span in clock.spans:
        if span.start >= until:
            break
        end = until if span.end is None or span.end > until else span.end
        if span.mode == RUNNING:
            for a, b in calendar.periods(span.start, end):
                if counted and counted[-1].end == a:  # one interval across midnight
                    a = counted[-1].start
                    counted.pop()
                # [a, b) is working time from end to end (one period, or two that meet at
                # midnight): its working minutes are its length, no need to walk it again
                counted.append(Interval(a, b, (b - a) / MINUTE))
        elif span.mode == PAUSED:
            paused.append(Pause(span.start, span.end if span.end and span.end <= now else None,
                                span.reason, _pause_label(span, labels),
                                calendar.minutes_between(span.start, end)))
    done = sum(i.minutes for i in counted)
    target = clock.target / MINUTE
    due = clock.due_at
    # The days that shaped the target: up to its due time, and up to now while its clock
    # still runs; a stopped clock's list ends when it stopped (or was due), not today (a
    # request closed two years ago would otherwise list every weekend since).
    ends = (due, clock.stopped_at) if clock.stopped_at is not None else (now, due)
    last = max(x for x in ends if x is not None)
    first = clock.spans[0].start
    return TargetExplanation(
        name=clock.name, label=str(TARGET_LABELS[clock.name]), target_minutes=target,
        counted_minutes=done, status=_status(clock, done, target, due, now),
        started_at=first, stopped_at=clock.stopped_at, due_at=due,
        counted=counted, paused=paused,
        days=calendar.notable_days(calendar.local_date(first), calendar.local_date(last)),
    )


def _status(clock: TargetClock, done: float, target: float, due: datetime | None,
            now: datetime) -> str:
    if clock.mode == STOPPED:
        return MET if done <= target else MISSED
    if done >= target or (due is not None and due <= now):
        return OVERDUE
    return PAUSED_NOW if clock.mode == PAUSED else RUNNING_NOW


def _pause_label(span: Span, labels: dict[str, str]) -> str:
    state = labels.get(span.state, span.state)
    if span.reason == VENDOR:
        return str(_("With a vendor (%(state)s): this policy stops the clock for vendor time")
                   % {"state": state})
    if span.reason == RESOLVED:
        return str(_("Resolved and waiting for confirmation (later reopened)"))
    if span.reason == CLOSED:
        return str(_("Closed (later reopened)"))
    return str(_("Waiting: %(state)s") % {"state": state})
