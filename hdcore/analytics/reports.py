"""Report figures computed by the database: counts, shares, means, medians and 90th
percentiles (window functions), grouped by a dimension when asked.

Every query reads ``request_metrics`` (one row per request, kept by the analytics plugin) with
the filters of :class:`~hdcore.analytics.filters.Filters`; nothing loads requests into Python.
Which requests a figure counts:

- *opened*: created in the period; *escalated*: of those, the ones escalated at least once;
- *closed*: closed (not cancelled) in the period;
- *resolved*: last resolved in the period (resolved or closed now) — resolution times, the
  resolution on-time share, the reopen rate and satisfaction are over these;
- *first response*: requests created in the period that were answered;
- *backlog*: created before the period's end and neither resolved nor closed by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from hdcore.analytics.filters import Filters
from hdcore.models import RequestMetrics, VendorEngagement

M = RequestMetrics

#: The dimensions a report can be broken down by.
DIMENSIONS = ("group", "person", "category", "department", "priority", "vendor")


@dataclass
class Stats:
    """Count, mean, median and 90th percentile of a duration (business seconds)."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


@dataclass
class Figures:
    """Every figure of one group of requests (or of all of them)."""

    opened: int = 0
    closed: int = 0
    resolved: int = 0
    backlog: int = 0
    escalated: int = 0
    escalations: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    low_rated: int = 0
    response_measured: int = 0
    response_on_time: int = 0
    resolution_measured: int = 0
    resolution_on_time: int = 0
    response: Stats = field(default_factory=Stats)
    resolution: Stats = field(default_factory=Stats)

    @property
    def satisfaction(self) -> float | None:
        """The mean score (1-5) of the rated requests."""
        return self.rating_sum / self.rated if self.rated else None

    @property
    def reopen_rate(self) -> float | None:
        """Share of the resolved requests that were reopened at least once."""
        return self.reopened / self.resolved if self.resolved else None

    @property
    def on_time(self) -> float | None:
        """Share of the resolved requests resolved within their SLA target."""
        return (self.resolution_on_time / self.resolution_measured
                if self.resolution_measured else None)

    @property
    def response_on_time_share(self) -> float | None:
        """Share of the answered requests answered within their SLA target."""
        return (self.response_on_time / self.response_measured
                if self.response_measured else None)


def _sum(cond: ColumnElement[bool], value: Any = 1) -> Any:
    return func.sum(case((cond, value), else_=0))


def source(f: Filters, dim: str | None) -> tuple[Any, Any]:
    """The rows to read and the key column of ``dim`` (a constant without one)."""
    if dim is None:
        return M.__table__, literal(0)
    if dim == "vendor":
        pairs = (select(VendorEngagement.request_id, VendorEngagement.vendor_id)
                 .distinct().subquery())
        return (M.__table__.join(pairs, pairs.c.request_id == M.request_id),
                pairs.c.vendor_id)
    column = {"group": M.group_id, "person": M.assignee_id, "category": M.category,
              "department": M.department_id, "priority": M.priority}[dim]
    return M.__table__, column


def done_at() -> Any:
    """When the request stopped being work to do: its (last) resolution. A closed request was
    resolved first (closing without a resolution stamps one), so for every request but a
    cancelled one this is the end of the work."""
    return M.resolved_at


def in_period(column: Any, f: Filters) -> ColumnElement[bool]:
    """``column`` falls in the period."""
    return and_(column >= f.since, column < f.until)


def opened_cond(f: Filters) -> ColumnElement[bool]:
    """Created in the period."""
    return in_period(M.created_at, f)


def closed_cond(f: Filters) -> ColumnElement[bool]:
    """Closed (not cancelled) in the period."""
    return and_(M.state == "closed", in_period(M.closed_at, f))


def resolved_cond(f: Filters) -> ColumnElement[bool]:
    """Last resolved in the period (and resolved or closed now)."""
    return and_(M.state.in_(("resolved", "closed")), in_period(M.resolved_at, f))


def backlog_cond(f: Filters) -> ColumnElement[bool]:
    """Open at the end of the period (not cancelled; unresolved then).

    The creation time is compared through COALESCE so the database reads the few unresolved
    rows by the resolution index instead of every row created before the period's end.
    """
    return and_(or_(M.resolved_at.is_(None), M.resolved_at >= f.until),
                func.coalesce(M.created_at, M.created_at) < f.until, M.state != "cancelled")


def figures(session: Session, f: Filters, dim: str | None = None,
            low_score: int = 2) -> dict[Any, Figures]:
    """The figures per key of ``dim`` (one key, 0, without).

    One query per family of figures, each reading one index range (created, closed, resolved
    in the period; unresolved at its end), and two for the durations' statistics.
    """
    src, key = source(f, dim)
    where = f.where()
    out: dict[Any, Figures] = {}

    def collect(names: tuple[str, ...], cond: ColumnElement[bool], *columns: Any) -> None:
        q = (select(key.label("k"), func.count(), *columns).select_from(src)
             .where(cond, *where).group_by(key))
        for row in session.execute(q):
            fig = out.setdefault(row[0], Figures())
            for name, value in zip(names, row[1:], strict=True):
                setattr(fig, name, int(value or 0))

    collect(("opened", "escalated", "escalations", "response_measured", "response_on_time"),
            opened_cond(f), _sum(M.escalation_count > 0), func.sum(M.escalation_count),
            _sum(M.response_on_time.is_not(None)), _sum(M.response_on_time.is_(True)))
    collect(("closed",), closed_cond(f))
    collect(("resolved", "reopened", "rated", "rating_sum", "low_rated", "resolution_measured",
             "resolution_on_time"), resolved_cond(f),
            _sum(M.reopen_count > 0), _sum(M.rating.is_not(None)), func.sum(M.rating),
            _sum(M.rating <= low_score), _sum(M.resolution_on_time.is_not(None)),
            _sum(M.resolution_on_time.is_(True)))
    collect(("backlog",), backlog_cond(f))
    responded = and_(opened_cond(f), M.response_seconds.is_not(None))
    for k, st in stats(session, f, M.response_seconds, responded, dim).items():
        out.setdefault(k, Figures()).response = st
    for k, st in stats(session, f, M.resolution_seconds, resolved_cond(f), dim).items():
        out.setdefault(k, Figures()).resolution = st
    return out


def stats(session: Session, f: Filters, value: Any, cond: ColumnElement[bool],
          dim: str | None = None) -> dict[Any, Stats]:
    """Count, mean, median and 90th percentile (nearest rank) of ``value`` per key."""
    src, key = source(f, dim)
    base = (select(key.label("k"), value.label("v")).select_from(src)
            .where(cond, value.is_not(None), *f.where()).subquery())
    ranked = select(
        base.c.k, base.c.v,
        func.row_number().over(partition_by=base.c.k, order_by=base.c.v).label("rn"),
        func.count().over(partition_by=base.c.k).label("n"),
    ).subquery()
    r = ranked
    middle = or_(r.c.rn == (r.c.n + 1) // 2, r.c.rn == (r.c.n + 2) // 2)
    q = select(r.c.k, func.max(r.c.n), func.avg(cast(r.c.v, Integer) * 1.0),
               func.avg(case((middle, r.c.v * 1.0))),
               func.max(case((r.c.rn == (9 * r.c.n + 9) // 10, r.c.v)))).group_by(r.c.k)
    return {row[0]: Stats(int(row[1]), _float(row[2]), _float(row[3]), _float(row[4]))
            for row in session.execute(q)}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


COUNTS = ("opened", "closed", "resolved", "backlog", "escalated", "escalations", "reopened",
          "rated", "rating_sum", "low_rated", "response_measured", "response_on_time",
          "resolution_measured", "resolution_on_time")


def combined(session: Session, f: Filters, per: dict[Any, Figures], dim: str) -> Figures:
    """The figures of everything from a breakdown by ``dim`` (its counts summed; the
    durations' statistics asked again), saving the counting queries.

    Not for ``vendor``: a request with two vendors is in two of its rows.
    """
    assert dim != "vendor"
    total = Figures()
    for fig in per.values():
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(fig, name))
    responded = and_(opened_cond(f), M.response_seconds.is_not(None))
    total.response = stats(session, f, M.response_seconds, responded).get(0, Stats())
    total.resolution = stats(session, f, M.resolution_seconds, resolved_cond(f)).get(0, Stats())
    return total


def summary(session: Session, f: Filters, low_score: int = 2) -> Figures:
    """The figures of every request the filters keep."""
    return figures(session, f, None, low_score).get(0, Figures())


def daily(session: Session, f: Filters) -> list[tuple[Any, int, int, int]]:
    """``(day, opened, done, backlog at the day's end)`` for each day of the period.

    Days are the company's (the offset of the zone at the period's start); the backlog is
    the open requests at the start plus the running difference.
    """
    offset = f.since.astimezone(f.zone).utcoffset()
    seconds = int(offset.total_seconds()) if offset else 0
    bind = session.get_bind()

    def local_day(column: Any) -> Any:
        if bind.dialect.name == "postgresql":
            # the zone as a literal: the same text in SELECT and GROUP BY, no session zone
            shift = literal_column(f"INTERVAL '{seconds} seconds'")
            return func.date(func.timezone(literal_column("'UTC'"), column) + shift)
        return func.date(column, f"{seconds:+d} seconds")

    where = f.where()
    opened: dict[Any, tuple[int, int]] = {
        day: (int(n), int(c or 0)) for day, n, c in session.execute(
            select(local_day(M.created_at), func.count(), _sum(M.state == "cancelled"))
            .where(opened_cond(f), *where).group_by(local_day(M.created_at)))}
    done = done_at()
    finished = dict(session.execute(
        select(local_day(done), func.count())
        .where(in_period(done, f), M.state != "cancelled", *where)
        .group_by(local_day(done))).all())
    start_backlog = int(session.scalar(
        select(func.count()).select_from(M).where(
            or_(done.is_(None), done >= f.since),
            func.coalesce(M.created_at, M.created_at) < f.since,  # see backlog_cond
            M.state != "cancelled", *where)) or 0)
    from datetime import timedelta

    out = []
    backlog = start_backlog
    for i in range(f.days):
        day = f.start + timedelta(days=i)
        key = day.isoformat()
        o, cancelled = opened.get(key, opened.get(day, (0, 0)))  # type: ignore[call-overload]
        d = int(_lookup(finished, day, key))
        backlog += o - cancelled - d
        out.append((day, o, d, backlog))
    return out


def _lookup(values: dict[Any, Any], day: Any, key: str) -> int:
    return values.get(key, values.get(day, 0)) or 0


def top(session: Session, f: Filters, dim: str, limit: int = 10) -> list[tuple[Any, int]]:
    """The keys of ``dim`` with the most requests opened in the period, most first."""
    src, key = source(f, dim)
    n = func.count(distinct(M.request_id))
    return [tuple(r) for r in session.execute(
        select(key, n).select_from(src).where(opened_cond(f), *f.where())
        .group_by(key).order_by(n.desc(), key).limit(limit))]


def tasks_done(session: Session, f: Filters, person: int | None = None) -> int:
    """Tasks completed (done) in the period, by ``person`` if given."""
    from hdcore.models import Task, TaskStatus

    q = select(func.count()).select_from(Task).where(
        Task.status == TaskStatus.DONE.value, Task.completed_at >= f.since,
        Task.completed_at < f.until)
    if person is not None:
        q = q.where(Task.assignee_id == person)
    return int(session.scalar(q) or 0)
