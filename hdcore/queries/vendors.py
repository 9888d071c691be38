"""Vendor scorecards: per vendor and period, jobs, on-time rate, response and repair times,
reopen rate and cost, each figure computed by one grouped SQL query.

A job belongs to the period in which it was handed to the vendor. Withdrawn jobs (cancelled)
count apart and in nothing else. A job is *judged* on time or late once its promised
completion has passed or it has been completed: completed by the promise is on time; completed
after it, or still not completed when it passed, is late. Response and repair times are the
hours from the hand-over to the vendor's response / completion, as the clock on the wall
shows them (the contract's business hours are on each job's page). The reopen rate is the
share of completed jobs whose work was found not done at least once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from hdcore.models import ServiceRequest, Vendor, VendorEngagement


@dataclass(frozen=True)
class Scorecard:
    """One vendor's figures for the period."""

    vendor_id: int
    vendor: str
    jobs: int
    withdrawn: int
    open: int
    completed: int
    judged: int
    on_time: int
    late: int
    avg_response_hours: float | None
    avg_repair_hours: float | None
    reopened: int
    cost_cents: int

    @property
    def on_time_rate(self) -> float | None:
        """Share of the judged jobs done on time (None when none was judged)."""
        return self.on_time / self.judged if self.judged else None

    @property
    def reopen_rate(self) -> float | None:
        """Share of the completed jobs reopened at least once (None when none completed)."""
        return self.reopened / self.completed if self.completed else None


def _seconds(session: Session, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """``end - start`` in seconds, in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * literal(86400.0)


def scorecards(session: Session, start: datetime, end: datetime, now: datetime,
               vendor_id: int | None = None) -> list[Scorecard]:
    """Every vendor with jobs handed over in ``[start, end)`` (or only ``vendor_id``), by
    name; ``now`` decides which open jobs are already late."""
    e = VendorEngagement
    live = e.status != "cancelled"
    done = and_(live, e.completed_at.is_not(None))
    on_time = and_(done, e.promised_completion_at.is_not(None),
                   e.completed_at <= e.promised_completion_at)
    late = and_(live, e.promised_completion_at.is_not(None), or_(
        and_(e.completed_at.is_not(None), e.completed_at > e.promised_completion_at),
        and_(e.completed_at.is_(None), e.status == "open", e.promised_completion_at < now)))

    def count(cond: ColumnElement) -> ColumnElement:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    hour = 3600.0
    response = case((and_(live, e.responded_at.is_not(None)),
                     _seconds(session, e.engaged_at, e.responded_at)), else_=None)
    repair = case((done, _seconds(session, e.engaged_at, e.completed_at)), else_=None)
    q = (select(Vendor.id, Vendor.name,
                count(live).label("jobs"), count(e.status == "cancelled").label("withdrawn"),
                count(and_(e.status == "open", e.completed_at.is_(None))).label("open"),
                count(done).label("completed"), count(on_time).label("on_time"),
                count(late).label("late"),
                cast(func.avg(response), Float).label("response"),
                cast(func.avg(repair), Float).label("repair"),
                count(and_(done, e.reopen_count > 0)).label("reopened"),
                func.coalesce(func.sum(case((live, e.cost_cents), else_=0)), 0).label("cost"))
         .join(e, e.vendor_id == Vendor.id)
         .where(e.engaged_at >= start, e.engaged_at < end)
         .group_by(Vendor.id, Vendor.name).order_by(Vendor.name))
    if vendor_id is not None:
        q = q.where(Vendor.id == vendor_id)
    out = []
    for row in session.execute(q):
        out.append(Scorecard(
            vendor_id=row.id, vendor=row.name, jobs=int(row.jobs), withdrawn=int(row.withdrawn),
            open=int(row.open), completed=int(row.completed),
            judged=int(row.on_time) + int(row.late), on_time=int(row.on_time),
            late=int(row.late),
            avg_response_hours=None if row.response is None else float(row.response) / hour,
            avg_repair_hours=None if row.repair is None else float(row.repair) / hour,
            reopened=int(row.reopened), cost_cents=int(row.cost)))
    return out


def vendor_jobs(session: Session, vendor_id: int, start: datetime,
                end: datetime) -> list[VendorEngagement]:
    """The vendor's jobs handed over in ``[start, end)`` with their requests, newest first
    (the scorecard's drill-down)."""
    return list(session.scalars(
        select(VendorEngagement)
        .where(VendorEngagement.vendor_id == vendor_id, VendorEngagement.engaged_at >= start,
               VendorEngagement.engaged_at < end)
        .options(selectinload(VendorEngagement.request).selectinload(ServiceRequest.assignee),
                 selectinload(VendorEngagement.contract))
        .order_by(VendorEngagement.engaged_at.desc(), VendorEngagement.id.desc())))
