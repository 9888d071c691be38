"""The per-request figures (business-time durations, SLA outcome, reopens, escalations, rating)
computed from the request's history, and the backfill for existing data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import fresh
from hdcore.errors import NotFound
from hdcore.models import Event, RequestMetrics, ServiceRequest, User, utcnow
from hdcore.sla.calendar import WorkCalendar
from hdcore.sla.clock import LogEntry, build_clocks
from hdcore.sla.duetime import log_of
from hdcore.sla.policy import default_calendar, pausing_vendor_kinds, policy_for, work_calendar
from hdcore.workflow import StateKind

#: The columns :func:`figures` fills (besides the key).
FIELDS = ("category", "priority", "group_id", "assignee_id", "requester_id", "department_id",
          "state", "created_at", "first_response_at", "resolved_at", "closed_at",
          "response_seconds", "resolution_seconds", "response_on_time", "resolution_on_time",
          "reopen_count", "escalation_count", "auto_closed", "rating")


def _seconds(value: timedelta) -> int:
    return int(value.total_seconds())


def _calendar(session: Session, category: str, priority: str) -> tuple[Any, WorkCalendar | None]:
    policy = policy_for(session, category, priority)
    if policy is not None:
        return policy, policy.calendar
    row = default_calendar(session)
    return None, (work_calendar(session, row.id) if row is not None else None)


def figures(session: Session, req: ServiceRequest, log: list[LogEntry],
            department_id: int | None) -> dict[str, Any]:
    """The request's figures from its ``log`` (in order), on its policy's calendar."""
    from hdcore.services.base import host_of

    try:
        wf = host_of(session).workflow(req.category)

        def kind_of(state: str) -> StateKind:
            return wf.kind(state) if state in wf.states else StateKind.ACTIVE
    except NotFound:
        kind_of = _unknown_kind
    kind = kind_of(req.status)
    if kind is StateKind.FINAL:
        state = "cancelled" if req.status == "cancelled" else "closed"
    elif kind is StateKind.RESOLVED:
        state = "resolved"
    else:
        state = "open"
    transitions = [str(e.data.get("transition") or "") for e in log if e.kind == "transition"]
    out: dict[str, Any] = {
        "category": req.category, "priority": req.priority, "group_id": req.group_id,
        "assignee_id": req.assignee_id, "requester_id": req.requester_id,
        "department_id": department_id, "state": state, "created_at": req.created_at,
        "first_response_at": req.first_response_at,
        "resolved_at": req.resolved_at if state in ("resolved", "closed") else None,
        "closed_at": req.closed_at if state in ("closed", "cancelled") else None,
        "response_seconds": None, "resolution_seconds": None,
        "response_on_time": None, "resolution_on_time": None,
        "reopen_count": transitions.count("reopen"),
        "escalation_count": sum(1 for e in log if e.kind == "escalated"),
        "auto_closed": state == "closed" and "auto_close" in transitions,
        "rating": req.rating,
    }
    policy, calendar = _calendar(session, req.category, req.priority)
    if calendar is None or req.created_at is None:
        return out
    clocks = build_clocks(
        created_at=req.created_at, events=log, current_status=req.status,
        first_response_at=req.first_response_at, kind_of=kind_of,
        pausing=_pausing(session, req.category),
        vendor_pauses=policy.vendor_pauses if policy is not None else True,
        response=policy.response if policy else timedelta(0),
        resolution=policy.resolution if policy else timedelta(0), calendar=calendar,
    )
    if req.first_response_at is not None:
        counted = clocks.response.counted(req.first_response_at)
        out["response_seconds"] = _seconds(counted)
        if policy is not None:
            out["response_on_time"] = counted <= policy.response
    if out["resolved_at"] is not None:
        counted = clocks.resolution.counted(out["resolved_at"])
        out["resolution_seconds"] = _seconds(counted)
        if policy is not None:
            out["resolution_on_time"] = counted <= policy.resolution
    return out


def _unknown_kind(state: str) -> StateKind:
    """A request of a category no plugin provides: read the core's state names."""
    return {"new": StateKind.NEW, "waiting_requester": StateKind.WAITING,
            "resolved": StateKind.RESOLVED, "closed": StateKind.FINAL,
            "cancelled": StateKind.FINAL}.get(state, StateKind.ACTIVE)


def _pausing(session: Session, category: str) -> frozenset[str]:
    try:
        return pausing_vendor_kinds(session, category)
    except NotFound:
        return frozenset()


def store(session: Session, request_id: int, values: dict[str, Any]) -> RequestMetrics:
    """Insert or update the request's metrics row (in the current transaction)."""
    if fresh.is_fresh(session, request_id):  # its row, if any, was made in this transaction
        row = fresh.derived(session, request_id, "metrics")
    else:
        with session.no_autoflush:
            row = session.get(RequestMetrics, request_id)
    if row is None:
        row = RequestMetrics(request_id=request_id)
        session.add(row)
        fresh.keep(session, request_id, "metrics", row)
    for key, value in values.items():
        if getattr(row, key, None) != value:
            setattr(row, key, value)
    row.updated_at = utcnow()
    return row


def refresh(session: Session, req: ServiceRequest) -> RequestMetrics:
    """Recompute the request's figures from its history (flushed or not) and store them."""
    with session.no_autoflush:
        requester = session.get(User, req.requester_id)
        log = log_of(session, req)
    return store(session, req.id, figures(session, req, log,
                                          requester.department_id if requester else None))


def backfill(session: Session, *, batch: int = 500,
             progress: Callable[[int], None] | None = None) -> int:
    """Compute the figures of every request (existing data, imports); how many were done.

    Requests and their histories are read a batch at a time; the caller commits.
    """
    fresh.forget(session)  # rows are written behind the ORM's back: no shortcuts after this
    done = 0
    last = 0
    departments = dict(session.execute(select(User.id, User.department_id)).all())
    while True:
        reqs = list(session.scalars(select(ServiceRequest).where(ServiceRequest.id > last)
                                    .order_by(ServiceRequest.id).limit(batch)))
        if not reqs:
            return done
        logs = _logs(session, [r.id for r in reqs])
        rows = [dict(request_id=r.id, **figures(session, r, logs.get(r.id, []),
                                                departments.get(r.requester_id)))
                for r in reqs]
        existing = set(session.scalars(select(RequestMetrics.request_id).where(
            RequestMetrics.request_id.in_([r.id for r in reqs]))))
        now = utcnow()
        for row in rows:
            row["updated_at"] = now
        new_rows = [r for r in rows if r["request_id"] not in existing]
        stale = [r for r in rows if r["request_id"] in existing]
        if new_rows:
            session.execute(RequestMetrics.__table__.insert(), new_rows)
        if stale:
            session.execute(_bulk_update(), [{"rid": r["request_id"], **r} for r in stale])
        session.flush()
        session.expunge_all()
        done += len(reqs)
        last = reqs[-1].id
        if progress is not None:
            progress(done)


def _bulk_update() -> Any:
    from sqlalchemy import bindparam, update

    table = RequestMetrics.__table__
    return update(table).where(table.c.request_id == bindparam("rid")).values(
        {name: bindparam(name) for name in (*FIELDS, "updated_at")})


def _logs(session: Session, ids: Iterable[int]) -> dict[int, list[LogEntry]]:
    out: dict[int, list[LogEntry]] = defaultdict(list)
    q = (select(Event.request_id, Event.at, Event.kind, Event.changes, Event.data, Event.id,
                Event.task_id)
         .where(Event.request_id.in_(list(ids))).order_by(Event.request_id, Event.at, Event.id))
    for rid, at, kind, changes, data, eid, task_id in session.execute(q):
        out[rid].append(LogEntry(at, kind, dict(changes or {}), dict(data or {}), eid, task_id))
    return out


def as_hours(seconds: float | None) -> float | None:
    """Business seconds as hours (one decimal), for people."""
    return None if seconds is None else round(seconds / 3600, 1)



def rebuild(session: Session, actor: User | None = None,
            progress: Callable[[int], None] | None = None) -> int:
    """Recompute every request's figures in one transaction (after an upgrade brought the
    figures table to a database with history, or after a bulk import); how many were done.

    Only an administrator, or the operator's command line (``actor`` None), may do it.
    """
    from hdcore.errors import PermissionDenied
    from hdcore.i18n import _
    from hdcore.services.base import service

    if actor is not None and actor.role != "admin":
        raise PermissionDenied(str(_("Only an administrator can recompute the figures.")))

    @service
    def run(session: Session) -> int:
        return backfill(session, progress=progress)

    return run(session)
