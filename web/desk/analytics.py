"""A technician's own dashboard and evaluations: their figures only, with drill-downs."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import NotFound
from hdcore import services as svc
from hdcore.analytics import reports
from web import analytics as a
from web.context import db, reports_db
from web.desk.blueprint import bp
from web.dispatch.common import request_url


def _scope() -> a.Scope:
    return a.Scope(drill="desk.my_requests", export="desk.my_export",
                   forced={"person": current_user.id}, choose_person=False)


@bp.route("/dashboard")
def my_dashboard() -> str:
    """My figures over the period: volume, times, on-time share, reopens, scores."""
    scope = _scope()
    f, errors = a.current_filters(scope)
    fig = reports.summary(reports_db(), f, a.low_score())
    points = a.series(f)
    return render_template(
        "desk/dashboard.html", f=f, errors=errors, scope=scope, fig=fig,
        kpis=a.kpis(scope, f, fig), volume=a.volume_chart(scope, f, points),
        backlog=a.backlog_chart(scope, f, points), categories=a.top_chart(scope, f, "category"),
        satisfaction=a.satisfaction_chart(scope, f),
        tasks=reports.tasks_done(reports_db(), f, current_user.id),
        tasks_href=a.drill_url(scope, f, "tasks_done"),
        choices=a.filter_choices(), endpoint="desk.my_dashboard",
    )


@bp.route("/dashboard/requests")
def my_requests() -> str:
    """The requests behind one of my figures."""
    scope = _scope()
    f, errors = a.current_filters(scope)
    page, metric = a.drill_page(f)
    return render_template("manage/report_requests.html", f=f, errors=errors, scope=scope,
                           page=page, metric=metric, metric_label=a.METRIC_LABELS[metric],
                           link=request_url, export_args=a.export_args(metric),
                           back="desk.my_dashboard")


@bp.route("/dashboard/export/<name>.<fmt>")
def my_export(name: str, fmt: str) -> Response:
    """My requests behind a figure, as CSV or XLSX."""
    scope = _scope()
    f, _errors = a.current_filters(scope)
    if name not in ("requests", "volume"):
        abort(404)
    return a.export(scope, f, name, fmt)


@bp.route("/evaluations")
def my_evaluations() -> str:
    """My closed evaluations, newest first."""
    return render_template("desk/evaluations.html",
                           evaluations=svc.own_evaluations(db(), current_user))


@bp.route("/evaluations/<int:evaluation_id>")
def my_evaluation(evaluation_id: int) -> str:
    """One of my closed evaluations, with the figures it was based on."""
    try:
        view = svc.evaluation_view(db(), current_user, evaluation_id)
    except NotFound:
        abort(404)
    if view.evaluation.technician_id != current_user.id:
        abort(404)
    return render_template("manage/evaluation.html", view=view, editable=False,
                           scope=_scope(), history=[], back="desk.my_evaluations")
