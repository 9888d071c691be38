"""The help desk lead's dashboard: backlog, people's figures, low scores; with drill-downs."""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from hdcore.analytics import drilldown, reports
from web import analytics as a
from web.context import reports_db
from web.dispatch.blueprint import bp
from web.dispatch.common import request_url

SCOPE = a.Scope(drill="dispatch.dashboard_requests", export="dispatch.dashboard_export")


@bp.route("/dashboard")
def dashboard() -> str:
    """The lead's dashboard: the period's figures by person and group, backlog, low scores."""
    f, errors = a.current_filters(SCOPE, default_days=14)
    by_person, fig = reports.figures_and_total(reports_db(), f, "person", a.low_score())
    points = a.series(f)
    low = drilldown.requests(reports_db(), f, "low_rated", low_score=a.low_score(), per_page=8)
    return render_template(
        "manage/lead_dashboard.html", f=f, errors=errors, scope=SCOPE, fig=fig,
        kpis=a.kpis(SCOPE, f, fig), backlog=a.backlog_chart(SCOPE, f, points),
        volume=a.volume_chart(SCOPE, f, points),
        people=a.breakdown(SCOPE, f, "person", by_person),
        groups=a.breakdown(SCOPE, f, "group"), categories=a.top_chart(SCOPE, f, "category"),
        low=low, choices=a.filter_choices(), endpoint="dispatch.dashboard",
    )


@bp.route("/dashboard/requests")
def dashboard_requests() -> str:
    """The requests behind a figure of the lead's dashboard."""
    f, errors = a.current_filters(SCOPE, default_days=14)
    page, metric = a.drill_page(f)
    return render_template("manage/report_requests.html", f=f, errors=errors, scope=SCOPE,
                           page=page, metric=metric, metric_label=a.METRIC_LABELS[metric],
                           link=request_url, export_args=a.export_args(metric),
                           back="dispatch.dashboard")


@bp.route("/dashboard/export/<name>.<fmt>")
def dashboard_export(name: str, fmt: str) -> Response:
    """A table of the lead's dashboard as CSV or XLSX."""
    f, _errors = a.current_filters(SCOPE, default_days=14)
    return a.export(SCOPE, f, name, fmt)
