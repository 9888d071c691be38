"""A request's due times and next SLA check: computed from its log and policy, stored on it.

:func:`refresh` runs inside the transaction of every change to a request (through the SLA
plugin's ``hd_on_event``) and inside the sweeps. The stored columns are derived data: they are
written with a plain UPDATE that leaves the request's optimistic-locking version alone, so an
escalation warning firing does not turn someone's open form stale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hdcore import fresh
from hdcore.errors import NotFound
from hdcore.models import Event, ServiceRequest, SlaFiredAction
from hdcore.sla.calendar import WorkCalendar
from hdcore.sla.clock import STOPPED, Clocks, LogEntry, build_clocks, status_change
from hdcore.sla.policy import (
    Level,
    Policy,
    ReminderLadder,
    pausing_vendor_kinds,
    policy_for,
    reminders_for,
)
from hdcore.workflow import StateKind

ESCALATION = "escalation"
REMINDER = "reminder"
AUTO_CLOSE = "auto_close"
STORED = ("response_due_at", "resolve_due_at", "sla_next_check_at")


@dataclass(frozen=True)
class PendingAction:
    """An automatic action not taken yet, and when it falls due."""

    key: str
    at: datetime
    kind: str
    level: Level | None = None
    #: A reminder's number (1, 2, ...) and how many the ladder has.
    number: int = 0
    of: int = 0
    #: When the request was resolved (reminders and auto-close count from it).
    resolved_at: datetime | None = None


@dataclass
class SlaState:
    """Everything the SLA knows about a request now."""

    policy: Policy | None
    clocks: Clocks | None
    state_kind: StateKind
    pending: list[PendingAction]
    response_due_at: datetime | None = None
    resolve_due_at: datetime | None = None

    @property
    def next_check_at(self) -> datetime | None:
        """The earliest instant an automatic action may fall due (None: none pending)."""
        return min((a.at for a in self.pending), default=None)

    def due(self, now: datetime) -> list[PendingAction]:
        """The pending actions due at ``now``, earliest first."""
        return sorted((a for a in self.pending if a.at <= now), key=lambda a: a.at)


def log_of(session: Session, request: ServiceRequest,
           stored: Sequence[Event] | None = None) -> list[LogEntry]:
    """The request's history in order, with the rows this transaction has not flushed yet.

    ``stored`` are the request's stored events when the caller has read them all already
    (the request page has, for its history), sparing a second read.
    """
    if stored is None:
        stored = fresh.history(session, request.id)
    if stored is None:
        with session.no_autoflush:
            stored = list(session.scalars(select(Event).where(Event.request_id == request.id)
                                          .order_by(Event.at, Event.id)))
    seen = {id(e) for e in stored}
    pending = [e for e in session.new
               if isinstance(e, Event) and e.request_id == request.id and id(e) not in seen]
    rows = stored + pending
    rows.sort(key=lambda e: (e.at, e.id is None, e.id or 0))
    return [LogEntry(e.at, e.kind, dict(e.changes or {}), dict(e.data or {}), e.id, e.task_id)
            for e in rows]


def fired_keys(session: Session, request: ServiceRequest) -> set[str]:
    """Keys of the automatic actions already taken on the request."""
    claimed = fresh.fired(session, request.id)
    if claimed is not None:
        return claimed
    with session.no_autoflush:
        return set(session.scalars(select(SlaFiredAction.action_key)
                                   .where(SlaFiredAction.request_id == request.id)))


def evaluate(session: Session, request: ServiceRequest,
             log: list[LogEntry] | None = None) -> SlaState | None:
    """The request's clocks, due times and pending actions (None for an unknown category)."""
    from hdcore.services.base import host_of

    try:
        wf = host_of(session).workflow(request.category)
    except NotFound:
        return None

    def kind_of(state: str) -> StateKind:
        """A state's kind; a state the workflow no longer has counts as work in progress."""
        return wf.kind(state) if state in wf.states else StateKind.ACTIVE

    kind = kind_of(request.status)
    policy = policy_for(session, request.category, request.priority)
    if policy is None:
        return SlaState(None, None, kind, [])
    log = log if log is not None else log_of(session, request)
    created = request.created_at or (log[0].at if log else None)
    if created is None:
        return SlaState(policy, None, kind, [])
    clocks = build_clocks(
        created_at=created, events=log, current_status=request.status,
        first_response_at=request.first_response_at, kind_of=kind_of,
        pausing=pausing_vendor_kinds(session, request.category),
        vendor_pauses=policy.vendor_pauses, response=policy.response,
        resolution=policy.resolution, calendar=policy.calendar,
    )
    pending: list[PendingAction] = []
    if kind is StateKind.RESOLVED:
        ladder = reminders_for(session, request.category)
        if ladder is not None:
            pending = _reminders(log, kind_of, ladder, policy.calendar)
    elif kind is not StateKind.FINAL:
        pending = _escalations(policy, clocks)
    if pending:
        done = fired_keys(session, request)
        pending = [a for a in pending if a.key not in done]
    return SlaState(policy, clocks, kind, pending, clocks.response.due_at,
                    clocks.resolution.due_at)


def _escalations(policy: Policy, clocks: Clocks) -> list[PendingAction]:
    out = []
    for level in policy.levels:
        clock = clocks.of(level.target)
        if clock.mode == STOPPED:
            continue
        at = clock.reach(level.threshold(clock.target))
        if at is not None:
            out.append(PendingAction(level.key, at, ESCALATION, level=level))
    return out


def resolution_cycle(log: list[LogEntry],
                     kind_of: Callable[[str], StateKind]) -> tuple[int, datetime] | None:
    """Which resolution the request is in (1 for the first, 2 after a reopen ...) and when it
    entered its current resolved state, from its log."""
    cycle, entered = 0, None
    for ev in log:
        change = status_change(ev)
        if change is None or kind_of(change[1]) is not StateKind.RESOLVED:
            continue
        if kind_of(change[0]) is not StateKind.RESOLVED:
            cycle += 1
        entered = ev.at
    if not cycle or entered is None:
        return None
    return cycle, entered


def _reminders(log: list[LogEntry], kind_of: Callable[[str], StateKind],
               ladder: ReminderLadder, calendar: WorkCalendar) -> list[PendingAction]:
    found = resolution_cycle(log, kind_of)
    if found is None:
        return []
    cycle, resolved_at = found
    out = []
    count = len(ladder.reminder_days)
    for n, days in enumerate(ladder.reminder_days, start=1):
        out.append(PendingAction(f"rem:{cycle}:{n}", calendar.add_working_days(resolved_at, days),
                                 REMINDER, number=n, of=count, resolved_at=resolved_at))
    if ladder.close_after_days is not None:
        out.append(PendingAction(
            f"close:{cycle}", calendar.add_working_days(resolved_at, ladder.close_after_days),
            AUTO_CLOSE, resolved_at=resolved_at))
    return out


def refresh(session: Session, request: ServiceRequest,
            log: list[LogEntry] | None = None) -> SlaState | None:
    """Recompute and store the request's due times and next check; the state it computed."""
    state = evaluate(session, request, log)
    if state is None or state.policy is None:
        return state  # no policy applies: the SLA has nothing to say about its due times
    values = {
        "response_due_at": state.response_due_at,
        "resolve_due_at": state.resolve_due_at,
        "sla_next_check_at": state.next_check_at,
    }
    store(session, request, values)
    return state


def store(session: Session, request: ServiceRequest, values: dict[str, datetime | None]) -> None:
    """Write derived SLA columns without bumping the request's version."""
    changed = {k: v for k, v in values.items() if getattr(request, k) != v}
    if not changed:
        return
    if request.id is None or request in session.new:
        for key, value in changed.items():
            setattr(request, key, value)
        return
    session.execute(update(ServiceRequest.__table__)
                    .where(ServiceRequest.__table__.c.id == request.id).values(**changed))
    for key, value in changed.items():
        set_committed_value(request, key, value)


def postpone(session: Session, request: ServiceRequest, until: datetime) -> None:
    """Look at the request again at ``until`` (after an action that could not be taken)."""
    store(session, request, {"sla_next_check_at": until})


RETRY = timedelta(minutes=15)
