"""What the report pages share: filters from the query string, figures as table rows and
charts, drill-down links, and exports to CSV and XLSX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hdcore import tabular
from hdcore.analytics import drilldown, extras, reports
from hdcore.analytics.filters import Filters, parse
from hdcore.models import Department, Group, Priority, User, Vendor, utcnow
from hdcore.services import company_timezone
from web import charts
from web.context import db, host, reports_db
from web.formatting import category_label, enum_label

DIMENSION_LABELS = {
    "group": _l("Group"), "person": _l("Person"), "category": _l("Category"),
    "department": _l("Department"), "priority": _l("Priority"), "vendor": _l("Vendor"),
}
METRIC_LABELS = {
    "opened": _l("Opened"), "closed": _l("Closed"), "resolved": _l("Resolved"),
    "done": _l("Resolved or closed"), "backlog": _l("Backlog"),
    "responded": _l("Answered"), "late_response": _l("First response late"),
    "late_resolution": _l("Resolved late"), "on_time": _l("Resolved on time"),
    "reopened": _l("Reopened"), "rated": _l("Rated"), "low_rated": _l("Low scores"),
    "escalated": _l("Escalated"), "tasks_done": _l("Tasks done"), "asset": _l("Asset"),
}


@dataclass
class Scope:
    """Where a report is shown: its drill-down and export endpoints and forced filters."""

    drill: str
    export: str
    forced: dict[str, Any] = field(default_factory=dict)
    #: Whether the filter form offers the person filter (not on one's own dashboard).
    choose_person: bool = True


def low_score() -> int:
    """The score at or below which a rating counts as low (the survey settings)."""
    from hdcore.errors import NotFound

    try:
        return int(host().plugin_settings(db(), "analytics").get("low_score") or 2)
    except (NotFound, KeyError, TypeError, ValueError):  # no such plugin, or a bad value
        return 2


def today() -> date:
    """Today in the company's zone."""
    return utcnow().astimezone(company_timezone(db())).date()


def current_filters(scope: Scope, default_days: int = 30) -> tuple[Filters, dict[str, list[str]]]:
    """The filters of the query string (the scope's forced ones win)."""
    f, errors = parse(request.args, company_timezone(db()), today(), default_days)
    if scope.forced:
        f = f.narrowed(**scope.forced)
    return f, errors


def hours(seconds: float | None) -> str:
    """Business seconds as hours for people (``—`` when there is nothing)."""
    return "—" if seconds is None else f"{seconds / 3600:.1f}"


def percent(share: float | None) -> str:
    """A share as a percentage (``—`` when there is nothing)."""
    return "—" if share is None else f"{100 * share:.0f}%"


def score(value: float | None) -> str:
    """A mean score out of five."""
    return "—" if value is None else f"{value:.2f}"


def drill_url(scope: Scope, f: Filters, metric: str, **extra: Any) -> str:
    """The list of the requests behind ``metric`` under ``f`` (plus ``extra`` filters)."""
    args = {**f.args(), **{k: v for k, v in extra.items() if v is not None}, "metric": metric}
    for key in scope.forced:
        args.pop(key, None)
    return url_for(scope.drill, **args)


def labels(dim: str, keys: list[Any]) -> dict[Any, str]:
    """The names of the keys of ``dim`` (groups, people, departments, vendors ...)."""
    ids = [k for k in keys if k is not None]
    session = db()
    if dim == "group":
        found = dict(session.execute(select(Group.id, Group.name).where(Group.id.in_(ids))).all())
    elif dim == "person":
        found = dict(session.execute(select(User.id, User.full_name)
                                     .where(User.id.in_(ids))).all())
    elif dim == "department":
        found = dict(session.execute(select(Department.id, Department.name)
                                     .where(Department.id.in_(ids))).all())
    elif dim == "vendor":
        found = dict(session.execute(select(Vendor.id, Vendor.name)
                                     .where(Vendor.id.in_(ids))).all())
    elif dim == "category":
        found = {k: category_label(k) for k in ids}
    else:
        found = {k: enum_label(Priority, k) for k in ids}
    none = {"group": _("No group"), "person": _("Nobody"), "department": _("No department")}
    return {k: found.get(k, str(k)) if k is not None else none.get(dim, "—") for k in keys}


#: The columns of a breakdown table: (key, header, value of a Figures, drill metric).
COLUMNS: list[tuple[str, Any, Callable[[reports.Figures], Any], str | None]] = [
    ("opened", _l("Opened"), lambda g: g.opened, "opened"),
    ("closed", _l("Closed"), lambda g: g.closed, "closed"),
    ("backlog", _l("Backlog"), lambda g: g.backlog, "backlog"),
    ("response_mean", _l("First response, mean (h)"), lambda g: hours(g.response.mean),
     "responded"),
    ("response_median", _l("First response, median (h)"), lambda g: hours(g.response.median),
     "responded"),
    ("response_p90", _l("First response, 90% (h)"), lambda g: hours(g.response.p90),
     "responded"),
    ("resolution_mean", _l("Resolution, mean (h)"), lambda g: hours(g.resolution.mean),
     "resolved"),
    ("resolution_median", _l("Resolution, median (h)"), lambda g: hours(g.resolution.median),
     "resolved"),
    ("resolution_p90", _l("Resolution, 90% (h)"), lambda g: hours(g.resolution.p90),
     "resolved"),
    ("on_time", _l("On time"), lambda g: percent(g.on_time), "late_resolution"),
    ("reopen_rate", _l("Reopened"), lambda g: percent(g.reopen_rate), "reopened"),
    ("satisfaction", _l("Satisfaction"), lambda g: score(g.satisfaction), "rated"),
    ("escalated", _l("Escalated"), lambda g: g.escalated, "escalated"),
]


@dataclass
class Table:
    """A report table: headers, rows of cells (text, link), and how to export it."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[tuple[Any, str | None]]]


def breakdown(scope: Scope, f: Filters, dim: str,
              per: dict[Any, reports.Figures] | None = None) -> Table:
    """Every figure per key of ``dim`` (``per``: already counted), each cell linking to its
    requests."""
    per = per if per is not None else reports.figures(reports_db(), f, dim, low_score())
    names = labels(dim, list(per))
    keys = sorted(per, key=lambda k: (-per[k].opened, names[k]))
    rows = []
    for k in keys:
        fig = per[k]
        narrowed = _narrow(f, dim, k)
        row: list[tuple[Any, str | None]] = [(names[k], None)]
        for _key, _h, value, metric in COLUMNS:
            v = value(fig)
            row.append((v, drill_url(scope, narrowed, metric) if metric and v not in (0, "—")
                        else None))
        rows.append(row)
    return Table(f"by_{dim}", str(DIMENSION_LABELS[dim]),
                 [str(DIMENSION_LABELS[dim])] + [str(h) for _k, h, _v, _m in COLUMNS], rows)


def _narrow(f: Filters, dim: str, key: Any) -> Filters:
    if key is None:
        return f  # "nobody"/"no group" rows link to the unfiltered list of the figure
    return f.narrowed(**{dim: key})


def kpis(scope: Scope, f: Filters, fig: reports.Figures,
         deflections: int | None = None) -> list[dict[str, Any]]:
    """The tiles at the top of a dashboard, each linking to its requests."""
    out = [
        {"label": _("Opened"), "value": fig.opened, "href": drill_url(scope, f, "opened")},
        {"label": _("Closed"), "value": fig.closed, "href": drill_url(scope, f, "closed")},
        {"label": _("Backlog"), "value": fig.backlog, "href": drill_url(scope, f, "backlog"),
         "cls": "warn" if fig.backlog else ""},
        {"label": _("First response, median (business hours)"),
         "value": hours(fig.response.median), "href": drill_url(scope, f, "responded")},
        {"label": _("Resolution, median (business hours)"),
         "value": hours(fig.resolution.median), "href": drill_url(scope, f, "resolved")},
        {"label": _("Resolved on time"), "value": percent(fig.on_time),
         "href": drill_url(scope, f, "late_resolution")},
        {"label": _("Reopen rate"), "value": percent(fig.reopen_rate),
         "href": drill_url(scope, f, "reopened")},
        {"label": _("Satisfaction (of 5)"), "value": score(fig.satisfaction),
         "href": drill_url(scope, f, "rated")},
    ]
    if deflections is not None:
        out.append({"label": _("Solved by an article"), "value": deflections, "href": None})
    return out


def buckets(f: Filters) -> str:
    """How the period is cut for charts: ``day``, ``week`` or ``month``."""
    return "day" if f.days <= 31 else "week" if f.days <= 190 else "month"


def series(f: Filters) -> list[dict[str, Any]]:
    """Opened, done and backlog per bucket of the period, with each bucket's days."""
    unit = buckets(f)
    out: list[dict[str, Any]] = []
    for day, opened, done, backlog in reports.daily(reports_db(), f):
        if unit == "day":
            key, first = day, day
        elif unit == "week":
            first = max(f.start, day - timedelta(days=day.weekday()))
            key = first
        else:
            first = max(f.start, day.replace(day=1))
            key = first
        if not out or out[-1]["key"] != key:
            out.append({"key": key, "start": first, "end": day, "opened": 0, "done": 0,
                        "backlog": 0})
        b = out[-1]
        b["end"], b["opened"], b["done"], b["backlog"] = (
            day, b["opened"] + opened, b["done"] + done, backlog)
    for b in out:
        b["label"] = (b["start"].strftime("%m-%d") if unit != "month"
                      else b["start"].strftime("%Y-%m"))
    return out


def volume_chart(scope: Scope, f: Filters, points: list[dict[str, Any]]) -> Any:
    """Opened and resolved-or-closed per bucket, as columns."""
    def items(metric: str) -> list[charts.Item]:
        return [charts.Item(p["label"], p[metric], drill_url(
            scope, f.narrowed(start=p["start"], end=p["end"]),
            "opened" if metric == "opened" else "done")) for p in points]

    return charts.columns([p["label"] for p in points],
                          [(_("Opened"), items("opened")),
                           (_("Resolved or closed"), items("done"))],
                          label=_("Requests opened and resolved"), empty=_("No requests."))


def backlog_chart(scope: Scope, f: Filters, points: list[dict[str, Any]]) -> Any:
    """The open requests at the end of each bucket, as a line."""
    return charts.line([charts.Item(p["label"], p["backlog"], drill_url(
        scope, f.narrowed(start=p["start"], end=p["end"]), "backlog")) for p in points],
        label=_("Backlog over time"), empty=_("No requests."))


def top_chart(scope: Scope, f: Filters, dim: str, limit: int = 8) -> Any:
    """The keys of ``dim`` with the most requests opened, as bars."""
    top = reports.top(reports_db(), f, dim, limit)
    names = labels(dim, [k for k, _n in top])
    return charts.bars([charts.Item(names[k], n, drill_url(scope, _narrow(f, dim, k), "opened"))
                        for k, n in top],
                       label=str(_("Most requests by %(what)s", what=DIMENSION_LABELS[dim])),
                       empty=_("No requests."))


def satisfaction_chart(scope: Scope, f: Filters) -> Any:
    """How many requests got each score, as a donut."""
    from sqlalchemy import func

    from hdcore.models import RequestMetrics as M

    counts = dict(reports_db().execute(
        select(M.rating, func.count()).where(reports.resolved_cond(f), M.rating.is_not(None),
                                             *f.where()).group_by(M.rating)).all())
    items = [charts.Item(_("%(n)d of 5", n=s), counts.get(s, 0),
                         drill_url(scope, f, "rated", rating=s)) for s in range(5, 0, -1)]
    return charts.donut([i for i in items if i.value], label=_("Scores given"),
                        empty=_("No scores yet."))


def asset_table(scope: Scope, f: Filters) -> list[dict[str, Any]]:
    """The assets with the most requests, each with its drill-down link."""
    return [{**a, "href": drill_url(scope, f, "asset", asset=a["id"])}
            for a in extras.top_assets(reports_db(), f)]


def drill_page(f: Filters) -> tuple[drilldown.Page, str]:
    """The drill-down page asked for by the query string, and the metric's name."""
    metric = request.args.get("metric", "opened")
    if metric not in drilldown.METRICS:
        metric = "opened"
    page = drilldown.requests(reports_db(), f, metric, request.args.get("page", 1, type=int) or 1,
                              low_score=low_score(), asset=request.args.get("asset", type=int),
                              rating=request.args.get("rating", type=int))
    return page, metric


def export_args(metric: str) -> dict[str, str]:
    """What the drill-down's export link carries besides the filters."""
    out = {"metric": metric}
    for key in ("asset", "rating"):
        if request.args.get(key, "").isdigit():
            out[key] = request.args[key]
    return out


def request_rows(page_rows: list[Any]) -> list[list[Any]]:
    """Drill-down rows as export cells."""
    zone = company_timezone(db())
    out = []
    for req, m in page_rows:
        out.append([req.number, req.title, category_label(req.category),
                    enum_label(Priority, req.priority), req.status,
                    req.assignee.full_name if req.assignee else "",
                    req.created_at.astimezone(zone).replace(tzinfo=None),
                    _h(m.response_seconds), _h(m.resolution_seconds),
                    _yes(m.resolution_on_time), m.reopen_count, m.rating])
    return out


def request_headers() -> list[str]:
    """The drill-down's export headers."""
    return [_("Number"), _("Title"), _("Category"), _("Priority"), _("Status"),
            _("Assignee"), _("Created"), _("First response (h)"), _("Resolution (h)"),
            _("On time"), _("Reopened"), _("Score")]


def _h(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _yes(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


EXPORTS = ("by_group", "by_person", "by_category", "by_department", "by_priority", "by_vendor",
           "volume", "requests", "assets")


def export(scope: Scope, f: Filters, name: str, fmt: str) -> Response:
    """A report table as a CSV or XLSX download."""
    if fmt not in tabular.FORMATS or name not in EXPORTS:
        from flask import abort

        abort(404)
    if name.startswith("by_"):
        table = breakdown(scope, f, name[3:])
        headers = table.headers
        rows: list[list[Any]] = [[c for c, _l2 in row] for row in table.rows]
        title = table.title
    elif name == "volume":
        headers = [_("Start date"), _("End date"), _("Opened"), _("Resolved or closed"),
                   _("Backlog")]
        rows = [[p["start"], p["end"], p["opened"], p["done"], p["backlog"]] for p in series(f)]
        title = _("Volume")
    elif name == "assets":
        headers = [_("Asset"), _("Model"), _("Requests")]
        rows = [[a["tag"], a["model"], a["requests"]]
                for a in extras.top_assets(reports_db(), f, 100)]
        title = _("Assets")
    else:
        metric = request.args.get("metric", "opened")
        metric = metric if metric in drilldown.METRICS else "opened"
        page = drilldown.requests(reports_db(), f, metric, low_score=low_score(),
                                  asset=request.args.get("asset", type=int),
                                  rating=request.args.get("rating", type=int), limit=10_000)
        headers, rows, title = request_headers(), request_rows(page.rows), _("Requests")
    data, mimetype = tabular.write_table(fmt, headers, rows, title=title)
    filename = f"{name}-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def filter_choices() -> dict[str, list[tuple[Any, str]]]:
    """The options of the filter form."""
    session = db()
    return {
        "group": [(g.id, g.name) for g in session.scalars(select(Group).order_by(Group.name))],
        "person": [(u.id, u.full_name) for u in session.scalars(
            select(User).where(User.role.in_(("technician", "lead", "manager", "admin")))
            .order_by(User.full_name))],
        "department": [(d.id, d.name) for d in session.scalars(
            select(Department).order_by(Department.name))],
        "category": [(c.name, category_label(c.name)) for c in host().categories()],
        "priority": [(p.value, p.label) for p in Priority],
        "vendor": [(v.id, v.name) for v in session.scalars(select(Vendor).order_by(Vendor.name))],
    }
