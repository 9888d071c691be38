"""The requests behind a figure: the same conditions as the figure, as a paged list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hdcore.analytics import reports as r
from hdcore.analytics.extras import asset_requests, has_table
from hdcore.analytics.filters import Filters
from hdcore.models import RequestMetrics, ServiceRequest, Task, TaskStatus

M = RequestMetrics

#: The figures a list can be asked for.
METRICS = ("opened", "closed", "resolved", "done", "backlog", "responded", "late_response",
           "late_resolution", "on_time", "reopened", "rated", "low_rated", "escalated",
           "tasks_done", "asset")
PAGE = 50


@dataclass
class Page:
    """One page of a drill-down: rows of (request, metrics), the total and the page number."""

    rows: list[tuple[ServiceRequest, RequestMetrics]]
    total: int
    page: int
    per_page: int = PAGE

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))


def condition(session: Session, f: Filters, metric: str, low_score: int = 2,
              asset: int | None = None, rating: int | None = None) -> Any:
    """The condition on ``request_metrics`` that selects the figure's requests."""
    resolved = r.resolved_cond(f)
    opened = r.opened_cond(f)
    conds = {
        "opened": opened,
        "closed": r.closed_cond(f),
        "resolved": resolved,
        "backlog": r.backlog_cond(f),
        "done": and_(r.in_period(r.done_at(), f), M.state != "cancelled"),
        "responded": and_(opened, M.response_seconds.is_not(None)),
        "late_response": and_(opened, M.response_on_time.is_(False)),
        "late_resolution": and_(resolved, M.resolution_on_time.is_(False)),
        "on_time": and_(resolved, M.resolution_on_time.is_(True)),
        "reopened": and_(resolved, M.reopen_count > 0),
        "rated": and_(resolved, M.rating.is_not(None)),
        "low_rated": and_(resolved, M.rating <= low_score),
        "escalated": and_(opened, M.escalation_count > 0),
    }
    if metric == "tasks_done":
        q = select(Task.request_id).where(Task.status == TaskStatus.DONE.value,
                                          Task.completed_at >= f.since,
                                          Task.completed_at < f.until)
        if f.person is not None:
            q = q.where(Task.assignee_id == f.person)
        return M.request_id.in_(q)
    if metric == "asset" and asset is not None and has_table(session, "request_asset"):
        return and_(opened, asset_requests(f, asset))
    if metric == "rated" and rating is not None:
        return and_(resolved, M.rating == rating)
    return conds.get(metric, opened)


def requests(session: Session, f: Filters, metric: str, page: int = 1, *, low_score: int = 2,
             asset: int | None = None, rating: int | None = None, per_page: int = PAGE,
             limit: int | None = None) -> Page:
    """The requests behind ``metric`` (newest first), a page at a time."""
    where = [condition(session, f, metric, low_score, asset, rating)]
    if metric != "tasks_done":
        where += f.where()
    elif f.person is not None:  # the person's tasks, whoever holds the request
        where += [c for c in f.narrowed(person=None).where()]
    total = int(session.scalar(select(func.count()).select_from(M).where(*where)) or 0)
    page = max(1, page)
    q = (select(ServiceRequest, M).join(M, M.request_id == ServiceRequest.id).where(*where)
         .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()))
    size = limit if limit is not None else per_page
    q = q.limit(size).offset(0 if limit is not None else (page - 1) * per_page)
    return Page([(req, m) for req, m in session.execute(q)], total, page, per_page)
