"""Report figures computed by the database: counts, shares, means, medians and 90th
percentiles (:mod:`hdcore.analytics.percentiles`), grouped by a dimension when asked.

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
    and_,
    case,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from hdcore.analytics.filters import Filters
from hdcore.analytics.percentiles import statistics
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
    """Open at the end of the period (not cancelled; unresolved then): see
    :func:`backlog_parts`."""
    return or_(*backlog_parts(f.until))


def backlog_parts(at: Any) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Open at the instant ``at``, as two disjoint conditions each read by one range of the
    resolution index: never resolved (or reopened), and resolved only after ``at``.

    Counted as a UNION ALL of the two: SQLite does not see that an OR of them is selective
    and would read every row through another index. The creation time is compared through
    COALESCE so that no index on it is chosen either (it holds all the history before ``at``).
    """
    common = (func.coalesce(M.created_at, M.created_at) < at, M.state != "cancelled")
    return (and_(M.resolved_at.is_(None), *common), and_(M.resolved_at >= at, *common))


def _backlog_rows(src: Any, key: Any, at: Any, where: list[ColumnElement[bool]]) -> Any:
    """The key of each request open at ``at`` (a subquery with column ``k``)."""
    parts = [select(key.label("k")).select_from(src).where(cond, *where)
             for cond in backlog_parts(at)]
    return union_all(*parts).subquery()


def figures(session: Session, f: Filters, dim: str | None = None,
            low_score: int = 2) -> dict[Any, Figures]:
    """The figures per key of ``dim`` (one key, 0, without).

    One query per family of figures, each reading one index range (created, closed, resolved
    in the period; unresolved at its end), and two for the durations' statistics.
    """
    return _figures(session, f, dim, low_score)[0]


def figures_and_total(session: Session, f: Filters, dim: str,
                      low_score: int = 2) -> tuple[dict[Any, Figures], Figures]:
    """The figures per key of ``dim`` and of everything: the counts of everything summed from
    the keys', the durations' statistics of both read by the same queries."""
    if dim == "vendor":  # a request with two vendors is in two rows: count everything apart
        return figures(session, f, dim, low_score), summary(session, f, low_score)
    per, response, resolution = _figures(session, f, dim, low_score, total=True)
    whole = _summed(per)
    whole.response, whole.resolution = response, resolution
    return per, whole


def _figures(session: Session, f: Filters, dim: str | None, low_score: int,
             total: bool = False) -> tuple[dict[Any, Figures], Stats, Stats]:
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
    open_rows = _backlog_rows(src, key, f.until, where)
    for k, n in session.execute(select(open_rows.c.k, func.count()).group_by(open_rows.c.k)):
        out.setdefault(k, Figures()).backlog = int(n)
    responded = and_(opened_cond(f), M.response_seconds.is_not(None))
    per, response = _stats(session, f, M.response_seconds, responded, dim, total)
    for k, st in per.items():
        out.setdefault(k, Figures()).response = st
    per, resolution = _stats(session, f, M.resolution_seconds, resolved_cond(f), dim, total)
    for k, st in per.items():
        out.setdefault(k, Figures()).resolution = st
    return out, response, resolution


def stats(session: Session, f: Filters, value: Any, cond: ColumnElement[bool],
          dim: str | None = None) -> dict[Any, Stats]:
    """Count, mean, median and 90th percentile (nearest rank) of ``value`` per key (see
    :mod:`hdcore.analytics.percentiles`)."""
    return _stats(session, f, value, cond, dim)[0]


def _stats(session: Session, f: Filters, value: Any, cond: ColumnElement[bool],
           dim: str | None, total: bool = False) -> tuple[dict[Any, Stats], Stats]:
    """:func:`stats` per key, and (with ``total``) of all the rows, from one query."""
    src, key = source(f, dim)
    base = (select(key.label("k"), value.label("v")).select_from(src)
            .where(cond, value.is_not(None), *f.where()))
    per: dict[Any, Stats] = {}
    whole = Stats()
    for row in session.execute(statistics(base, total)):
        st = Stats(int(row[2]), _float(row[3]), _float(row[4]), _float(row[5]))
        if row[0]:
            whole = st
        else:
            per[row[1]] = st
    return per, whole


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
    total = _summed(per)
    responded = and_(opened_cond(f), M.response_seconds.is_not(None))
    total.response = stats(session, f, M.response_seconds, responded).get(0, Stats())
    total.resolution = stats(session, f, M.resolution_seconds, resolved_cond(f)).get(0, Stats())
    return total


def _summed(per: dict[Any, Figures]) -> Figures:
    """The counts of every key added up (no durations' statistics)."""
    total = Figures()
    for fig in per.values():
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(fig, name))
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
    open_rows = _backlog_rows(M.__table__, literal(0), f.since, where)
    start_backlog = int(session.scalar(select(func.count()).select_from(open_rows)) or 0)
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
    # only a request with several vendors is in several rows
    n = func.count(distinct(M.request_id)) if dim == "vendor" else func.count()
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
