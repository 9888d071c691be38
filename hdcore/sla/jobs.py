"""The worker's SLA sweeps: claim the requests whose next check has come, act, recompute.

Each batch is one transaction that starts by claiming its rows with an UPDATE over an indexed
range scan of ``sla_next_check_at``: on PostgreSQL the rows are picked ``FOR UPDATE SKIP
LOCKED``, so two workers take different requests; on SQLite the UPDATE takes the database's
single write lock before anything is read, so a second worker waits and then sees the first
one's work. Each action is also claimed in the fired-actions register (unique per request and
action): whatever the timing, it happens once. A worker killed mid-batch loses nothing: its
transaction rolls back and the next sweep finds the same requests due.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.models import ServiceRequest
from hdcore.services.base import host_of, service
from hdcore.sla import escalation, ladder
from hdcore.sla.duetime import ESCALATION, RETRY, postpone, refresh, store
from hdcore.workflow import StateKind

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

log = logging.getLogger("hdcore.sla")

ESCALATION_JOB = "sla_sweep"
REMINDER_JOB = "reminders"
#: How many requests one transaction claims.
BATCH = 50


def escalation_job(helpdesk: HelpDesk, now: datetime) -> int:
    """The ``sla_sweep`` job: escalation levels and warnings that fell due."""
    with helpdesk.session_scope() as session:
        return sweep(session, now, reminders=False)


def reminder_job(helpdesk: HelpDesk, now: datetime) -> int:
    """The ``reminders`` job: reminders and auto-closes of resolved requests."""
    with helpdesk.session_scope() as session:
        return sweep(session, now, reminders=True)


def sweep(session: Session, now: datetime, *, reminders: bool, batch: int = BATCH) -> int:
    """Take every action due at ``now`` (escalations, or the reminder ladder); how many."""
    taken = 0
    while True:
        done, claimed = _batch(session, now, reminders, batch)
        taken += done
        if claimed < batch:
            return taken


def _resolved_states(session: Session) -> set[str]:
    host = host_of(session)
    return {s for c in host.categories()
            for s in host.workflow(c.name).states_of_kind(StateKind.RESOLVED)}


@service
def _batch(session: Session, now: datetime, reminders: bool, size: int) -> tuple[int, int]:
    """One transaction: claim up to ``size`` due requests and act on each; (actions, claimed)."""
    r = ServiceRequest.__table__
    resolved = _resolved_states(session)
    in_ladder = r.c.status.in_(resolved) if reminders else r.c.status.not_in(resolved)
    due = (select(r.c.id).where(r.c.sla_next_check_at <= now, in_ladder)
           .order_by(r.c.sla_next_check_at, r.c.id).limit(size)
           .with_for_update(skip_locked=True))
    # The claim is the transaction's first statement, and a write (see the module's notes).
    ids = sorted(session.scalars(
        update(r).where(r.c.id.in_(due.scalar_subquery()))
        .values(sla_next_check_at=r.c.sla_next_check_at).returning(r.c.id)))
    session.expire_all()  # objects from an earlier batch may be stale
    taken = 0
    for request_id in ids:
        taken += _one(session, request_id, now, reminders)
    return taken, len(ids)


def _one(session: Session, request_id: int, now: datetime, reminders: bool) -> int:
    """Act on one claimed request in a savepoint: a failure postpones it, and only it."""
    pending_signals = session.info.get(signals._PENDING)
    queued = len(pending_signals) if pending_signals else 0
    try:
        with session.begin_nested():
            req = session.get(ServiceRequest, request_id)
            if req is None:
                return 0
            taken = _act(session, req, now, reminders)
            state = refresh(session, req)
            upcoming = state.next_check_at if state is not None else None
            if upcoming is not None and upcoming <= now:  # never claim it again in this run
                postpone(session, req, now + RETRY)
            return taken
    except Exception:
        log.exception("SLA sweep: request %s failed; trying again later", request_id)
        # Signals queued by the rolled-back work must not go out with the batch's commit.
        signals_now = session.info.get(signals._PENDING)
        if signals_now:
            del signals_now[queued:]
        session.expire_all()
        req = session.get(ServiceRequest, request_id)
        if req is not None:
            postpone(session, req, now + RETRY)
        return 0


def _act(session: Session, req: ServiceRequest, now: datetime, reminders: bool) -> int:
    state = refresh(session, req)  # policies or calendars may have changed since
    if state is None or state.policy is None:
        store(session, req, {"sla_next_check_at": None})  # nothing the SLA can do for it
        return 0
    due = state.due(now)
    if reminders:
        return ladder.fire(session, req, due, state, now)
    taken = 0
    for action in due:
        if action.kind == ESCALATION and escalation.fire(session, req, action, state, now):
            taken += 1
            state = refresh(session, req) or state
    return taken
