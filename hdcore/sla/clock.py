"""The SLA clocks of one request, as a pure function of its event log, its calendar and policy.

The log is cut into spans at every change of state or of the vendors holding the work. In
each span a target's clock runs (new or active states; a vendor's time when the policy counts
it), is paused (waiting for the requester or another party; a pausing vendor's time; a
resolution later reopened) or has stopped (the first response given; the request resolved or
closed). A target is due when the running spans have counted its business time; a priority
change only changes the target, so the time already counted stays counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hdcore.sla.calendar import WorkCalendar
from hdcore.sla.policy import RESOLUTION, RESPONSE
from hdcore.workflow import StateKind

RUNNING = "running"
PAUSED = "paused"
STOPPED = "stopped"

#: Why a span runs, pauses or stops (the explanation turns these into sentences).
WORKING = "working"  # new or active: IT's clock runs
WAITING = "waiting"  # a waiting state without a pausing vendor
VENDOR = "vendor"  # a waiting state while a vendor of a pausing kind has the work
RESOLVED = "resolved"  # resolved, waiting for the requester's confirmation
CLOSED = "closed"  # closed or cancelled
RESPONDED = "responded"  # the first response was given


@dataclass(frozen=True)
class LogEntry:
    """What the clock needs of one history row."""

    at: datetime
    kind: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    task_id: int | None = None


@dataclass(frozen=True)
class Span:
    """A stretch of the request's life in one state, with the vendors holding it."""

    start: datetime
    #: None: the span lasts until the next event (it is the present).
    end: datetime | None
    mode: str
    reason: str
    state: str
    vendors: tuple[str, ...] = ()


@dataclass
class TargetClock:
    """One target's clock (first response or resolution) over the request's spans."""

    name: str
    target: timedelta
    spans: list[Span]
    calendar: WorkCalendar
    _worked: dict[int, timedelta] = field(default_factory=dict, repr=False)

    def _business(self, index: int) -> timedelta:
        span = self.spans[index]
        assert span.end is not None
        if index not in self._worked:
            self._worked[index] = self.calendar.business_between(span.start, span.end)
        return self._worked[index]

    @property
    def present(self) -> Span:
        """The span the request is in now."""
        return self.spans[-1]

    @property
    def mode(self) -> str:
        """``running``, ``paused`` or ``stopped`` now."""
        return self.present.mode

    @property
    def stopped_at(self) -> datetime | None:
        """When the clock stopped for good (None while it may still run)."""
        return self.present.start if self.present.mode == STOPPED else None

    def counted(self, until: datetime) -> timedelta:
        """Business time the clock has counted up to ``until``."""
        total = timedelta(0)
        for i, span in enumerate(self.spans):
            if span.start >= until:
                break
            if span.mode != RUNNING:
                continue
            if span.end is not None and span.end <= until:
                total += self._business(i)
            else:
                total += self.calendar.business_between(span.start, until)
        return total

    def reach(self, amount: timedelta, *, project_stopped: bool = False) -> datetime | None:
        """When the clock has counted ``amount``: in the past if it already has, else when it
        will if it keeps running. None while paused (nobody knows when it resumes) and, unless
        ``project_stopped``, once stopped; with it, the instant it would have reached it."""
        done = timedelta(0)
        for i, span in enumerate(self.spans):
            if span.end is None:
                if span.mode == RUNNING or (span.mode == STOPPED and project_stopped):
                    return self.calendar.add(span.start, amount - done)
                return None
            if span.mode != RUNNING:
                continue
            worked = self._business(i)
            if done + worked >= amount:
                return self.calendar.add(span.start, amount - done)
            done += worked
        return None

    @property
    def due_at(self) -> datetime | None:
        """When the target falls (or fell) due; None while paused before it was reached.

        Once the clock stopped (response given, request resolved) it is the instant the
        target would have been reached, so that "met on time" is ``done <= due``.
        """
        if self.mode == PAUSED:
            return None
        return self.reach(self.target, project_stopped=True)


def state_spans(created_at: datetime, events: Iterable[LogEntry], current_status: str,
                kind_of: Callable[[str], StateKind], pausing: frozenset[str],
                vendor_pauses: bool) -> list[Span]:
    """The resolution clock's spans: the request's states and vendors from its log."""
    points: list[tuple[datetime, str, tuple[str, ...]]] = [(created_at, "new", ())]
    status = "new"
    open_kinds: dict[Any, str] = {}
    kinds_by_id: dict[Any, str] = {}
    for ev in events:
        at = max(ev.at, created_at)
        changed = False
        if ev.kind == "vendor_engaged":
            eng = ev.data.get("engagement_id")
            kinds_by_id[eng] = str(ev.data.get("kind") or "")
            open_kinds[eng] = kinds_by_id[eng]
            changed = True
        elif ev.kind == "vendor_updated" and _pair(ev.changes.get("status")):
            eng = ev.data.get("engagement_id")  # the engagement's status, not the request's
            if ev.changes["status"][1] == "open" and eng in kinds_by_id:
                open_kinds[eng] = kinds_by_id[eng]
            else:
                open_kinds.pop(eng, None)
            changed = True
        elif (change := status_change(ev)) is not None:
            status = change[1]
            changed = True
        if changed:
            vendors = tuple(sorted(set(open_kinds.values())))
            if points[-1][0] == at:
                points[-1] = (at, status, vendors)
            else:
                points.append((at, status, vendors))
    if points[-1][1] != current_status:  # a change the log did not spell out: trust the row
        points.append((points[-1][0], current_status, points[-1][2]))
    spans = []
    for i, (start, state, vendors) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else None
        if end is not None and end <= start:
            continue
        mode, reason = _mode(kind_of(state), set(vendors) & pausing, vendor_pauses, end is None)
        spans.append(Span(start, end, mode, reason, state, vendors))
    return spans


def _pair(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


def status_change(ev: LogEntry) -> tuple[str, str] | None:
    """``(old, new)`` when ``ev`` changed the request's status (not a task's or a vendor's)."""
    pair = ev.changes.get("status")
    if ev.task_id is not None or ev.kind.startswith(("task_", "vendor_")) or not _pair(pair):
        return None
    return str(pair[0]), str(pair[1])


def _mode(kind: StateKind, pausing_vendors: set[str], vendor_pauses: bool,
          present: bool) -> tuple[str, str]:
    if kind in (StateKind.NEW, StateKind.ACTIVE):
        return RUNNING, WORKING
    if kind is StateKind.WAITING:
        if pausing_vendors:
            return (PAUSED if vendor_pauses else RUNNING), VENDOR
        return PAUSED, WAITING
    reason = RESOLVED if kind is StateKind.RESOLVED else CLOSED
    return (STOPPED if present else PAUSED), reason


def response_spans(spans: Sequence[Span], first_response_at: datetime | None) -> list[Span]:
    """The first-response clock's spans: the resolution's, stopped for good at the first
    response (or when the request was first resolved or closed without one)."""
    stop = first_response_at
    for span in spans:
        if span.reason in (RESOLVED, CLOSED):
            stop = span.start if stop is None else min(stop, span.start)
            break
    if stop is None:
        return list(spans)
    out = []
    for span in spans:
        if span.start >= stop:
            break
        end = stop if span.end is None or span.end > stop else span.end
        out.append(Span(span.start, end, span.mode, span.reason, span.state, span.vendors))
    last_state = out[-1].state if out else spans[0].state
    out.append(Span(max(stop, spans[0].start), None, STOPPED, RESPONDED, last_state))
    return out


@dataclass
class Clocks:
    """Both clocks of a request."""

    response: TargetClock
    resolution: TargetClock

    def of(self, name: str) -> TargetClock:
        """The clock of ``response`` or ``resolution``."""
        return self.response if name == RESPONSE else self.resolution

    def __iter__(self) -> Any:
        return iter((self.response, self.resolution))


def build_clocks(*, created_at: datetime, events: Iterable[LogEntry], current_status: str,
                 first_response_at: datetime | None, kind_of: Callable[[str], StateKind],
                 pausing: frozenset[str], vendor_pauses: bool, response: timedelta,
                 resolution: timedelta, calendar: WorkCalendar) -> Clocks:
    """Both target clocks of a request from its log (``events`` in the order they happened)."""
    spans = state_spans(created_at, events, current_status, kind_of, pausing, vendor_pauses)
    return Clocks(
        response=TargetClock(RESPONSE, response, response_spans(spans, first_response_at),
                             calendar),
        resolution=TargetClock(RESOLUTION, resolution, spans, calendar),
    )
