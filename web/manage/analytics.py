"""The manager's dashboard and reports: figures by period and filters, charts, drill-downs to
the requests, exports."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.wrappers import Response

from hdcore.analytics import extras, reports
from web import analytics as a
from web.context import reports_db
from web.dispatch.common import request_url
from web.manage.blueprint import bp

SCOPE = a.Scope(drill="manage.report_requests", export="manage.report_export")


@bp.route("/dashboard")
def dashboard() -> str:
    """The manager's dashboard: the period's figures, volume, backlog, categories, groups."""
    f, errors = a.current_filters(SCOPE)
    by_group, fig = reports.figures_and_total(reports_db(), f, "group", a.low_score())
    points = a.series(f)
    return render_template(
        "manage/dashboard.html", f=f, errors=errors, scope=SCOPE, fig=fig,
        kpis=a.kpis(SCOPE, f, fig, extras.deflections(reports_db(), f)),
        volume=a.volume_chart(SCOPE, f, points), backlog=a.backlog_chart(SCOPE, f, points),
        categories=a.top_chart(SCOPE, f, "category"),
        satisfaction=a.satisfaction_chart(SCOPE, f),
        groups=a.breakdown(SCOPE, f, "group", by_group), assets=a.asset_table(SCOPE, f),
        choices=a.filter_choices(), endpoint="manage.dashboard",
    )


@bp.route("/reports")
def reports_page() -> str:
    """Every figure broken down by a dimension, with filters and exports."""
    f, errors = a.current_filters(SCOPE)
    dim = request.args.get("by", "group")
    if dim not in reports.DIMENSIONS:
        dim = "group"
    per, fig = reports.figures_and_total(reports_db(), f, dim, a.low_score())
    return render_template(
        "manage/reports.html", f=f, errors=errors, scope=SCOPE, dim=dim,
        dimensions=a.DIMENSION_LABELS, table=a.breakdown(SCOPE, f, dim, per),
        kpis=a.kpis(SCOPE, f, fig, extras.deflections(reports_db(), f)),
        people=a.top_chart(SCOPE, f, dim), choices=a.filter_choices(),
        endpoint="manage.reports_page",
    )


@bp.route("/reports/requests")
def report_requests() -> str:
    """The requests behind a figure."""
    f, errors = a.current_filters(SCOPE)
    page, metric = a.drill_page(f)
    return render_template("manage/report_requests.html", f=f, errors=errors, scope=SCOPE,
                           page=page, metric=metric, metric_label=a.METRIC_LABELS[metric],
                           link=request_url, export_args=a.export_args(metric),
                           back="manage.dashboard")


@bp.route("/reports/export/<name>.<fmt>")
def report_export(name: str, fmt: str) -> Response:
    """A report table as CSV or XLSX."""
    f, _errors = a.current_filters(SCOPE)
    return a.export(SCOPE, f, name, fmt)
