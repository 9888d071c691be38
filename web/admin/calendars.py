"""Business calendars: working hours per weekday, holidays and make-up working days per year."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from hdcore import NotFound, ValidationFailed
from hdcore import services as svc
from hdcore.clock import now
from hdcore.models import SlaCalendar, SlaPolicy
from hdcore.sla.calendar import periods_from_json, periods_text
from web.admin.blueprint import bp
from web.admin.common import flash_reasons, form_failed, timezone_choices
from web.context import db

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday"))


def _get(calendar_id: int) -> SlaCalendar:
    try:
        return svc.get_calendar(db(), calendar_id)
    except NotFound:
        abort(404)


def _values(cal: SlaCalendar | None) -> dict[str, Any]:
    if cal is None:
        office = "08:30-12:00, 13:00-17:30"
        return {"name": "", "timezone": "Asia/Shanghai", "description": "", "is_default": False,
                "week": [office] * 5 + ["", ""], "workday_hours": ""}
    week = list(cal.week or []) + [[]] * 7
    return {"name": cal.name, "timezone": cal.timezone, "description": cal.description or "",
            "is_default": cal.is_default,
            "week": [periods_text(periods_from_json(day)) for day in week[:7]],
            "workday_hours": periods_text(periods_from_json(cal.workday_hours))}


def _posted() -> dict[str, Any]:
    form = request.form
    return {"name": form.get("name", ""), "timezone": form.get("timezone", ""),
            "description": form.get("description", ""), "is_default": bool(form.get("is_default")),
            "week": [form.get(f"week.{i}", "") for i in range(7)],
            "workday_hours": form.get("workday_hours", "")}


def _page(cal: SlaCalendar | None, values: dict[str, Any], errors: dict[str, list[str]],
          day_form: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    year = request.args.get("year", type=int) or now().year
    days = [d for d in cal.days if d.day.year == year] if cal else []
    used = db().scalar(select(func.count()).select_from(SlaPolicy)
                       .where(SlaPolicy.calendar_id == cal.id)) if cal else 0
    years = sorted({year, year + 1, *(svc.calendar_years(cal) if cal else [])}, reverse=True)
    return render_template(
        "admin/calendar_form.html", calendar=cal, values=values, errors=errors,
        weekdays=[str(w) for w in WEEKDAYS], timezones=[(z, z) for z in timezone_choices()],
        year=year, years=years, days=days, used=used,
        day_form=day_form or {"values": {"kind": "holiday"}, "errors": {}},
    ), status


@bp.route("/calendars")
def calendars() -> str:
    """Every business calendar, its working week and how many policies use it."""
    rows = list(db().scalars(select(SlaCalendar).order_by(SlaCalendar.is_default.desc(),
                                                          SlaCalendar.name)))
    used = dict(db().execute(select(SlaPolicy.calendar_id, func.count())
                             .group_by(SlaPolicy.calendar_id)).all())
    return render_template("admin/calendars.html", calendars=rows, used=used,
                           weekdays=[str(w) for w in WEEKDAYS], this_year=now().year,
                           week_of=lambda cal: _values(cal)["week"])


@bp.route("/calendars/new", methods=["GET", "POST"])
def new_calendar() -> tuple[str, int] | Response:
    """Add a calendar (another site's working hours, say)."""
    if request.method == "GET":
        return _page(None, _values(None), {})
    values = _posted()
    try:
        cal = svc.save_calendar(db(), current_user, **values)
    except ValidationFailed as exc:
        return _page(None, values, form_failed(exc))
    flash(_("The calendar %(name)s was added.", name=cal.name), "success")
    return redirect(url_for("admin.edit_calendar", calendar_id=cal.id))


@bp.route("/calendars/<int:calendar_id>", methods=["GET", "POST"])
def edit_calendar(calendar_id: int) -> tuple[str, int] | Response:
    """A calendar's working hours, and its holidays and make-up days of one year."""
    cal = _get(calendar_id)
    if request.method == "GET":
        return _page(cal, _values(cal), {})
    values = _posted()
    try:
        svc.save_calendar(db(), current_user, cal.id, **values)
    except ValidationFailed as exc:
        return _page(cal, values, form_failed(exc))
    flash(_("The calendar %(name)s was saved; open requests' due times are being "
            "recomputed.", name=cal.name), "success")
    return redirect(url_for("admin.edit_calendar", calendar_id=cal.id))


@bp.route("/calendars/<int:calendar_id>/days", methods=["POST"])
def add_calendar_day(calendar_id: int) -> tuple[str, int] | Response:
    """Add (or replace) a holiday or a make-up working day."""
    cal = _get(calendar_id)
    values = {k: request.form.get(k, "") for k in ("day", "kind", "name", "hours")}
    try:
        row = svc.add_calendar_day(db(), current_user, cal.id, **values)
    except ValidationFailed as exc:
        return _page(cal, _values(cal), {}, {"values": values, "errors": form_failed(exc)})
    flash(_("%(day)s was added to the calendar.", day=row.day.isoformat()), "success")
    return redirect(url_for("admin.edit_calendar", calendar_id=cal.id, year=row.day.year))


@bp.route("/calendars/<int:calendar_id>/days/<int:day_id>/delete", methods=["POST"])
def remove_calendar_day(calendar_id: int, day_id: int) -> Response:
    """Take a day off the calendar."""
    cal = _get(calendar_id)
    try:
        svc.remove_calendar_day(db(), current_user, cal.id, day_id)
    except NotFound:
        abort(404)
    flash(_("The day was removed from the calendar."), "success")
    return redirect(url_for("admin.edit_calendar", calendar_id=cal.id,
                            year=request.form.get("year", type=int)))


@bp.route("/calendars/<int:calendar_id>/import", methods=["POST"])
def import_official_days(calendar_id: int) -> Response:
    """Add mainland China's public holidays (and make-up days, when known) of a year."""
    cal = _get(calendar_id)
    year = request.form.get("year", type=int)
    try:
        added, with_makeup = svc.import_official_days(db(), current_user, cal.id, year)
    except ValidationFailed as exc:
        flash_reasons(exc)
        return redirect(url_for("admin.edit_calendar", calendar_id=cal.id))
    if with_makeup:
        flash(_("%(n)d days of %(year)d were added from the official arrangement.", n=added,
                year=year), "success")
    else:
        flash(_("%(n)d statutory holidays of %(year)d were added. The official arrangement "
                "with its make-up working days is not known yet: add those days when the "
                "State Council publishes it.", n=added, year=year), "info")
    return redirect(url_for("admin.edit_calendar", calendar_id=cal.id, year=year))


@bp.route("/calendars/<int:calendar_id>/delete", methods=["POST"])
def delete_calendar(calendar_id: int) -> Response:
    """Remove a calendar no policy uses."""
    cal = _get(calendar_id)
    name = cal.name
    try:
        svc.delete_calendar(db(), current_user, cal.id)
    except ValidationFailed as exc:
        flash_reasons(exc)
        return redirect(url_for("admin.edit_calendar", calendar_id=calendar_id))
    flash(_("The calendar %(name)s was deleted.", name=name), "success")
    return redirect(url_for("admin.calendars"))
