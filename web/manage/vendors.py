"""Vendor scorecards for the lead and the manager: per vendor and period, jobs, on-time rate,
response and repair times, reopen rate and cost, drilling down to the jobs and their requests.

The same pages answer in the management area (managers) and in dispatch (the lead).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from flask_babel import gettext as _

from hdcore import Vendor, now
from hdcore import services as svc
from hdcore.queries.vendors import scorecards, vendor_jobs
from web.context import db
from web.dispatch.blueprint import bp as dispatch_bp
from web.manage.blueprint import bp as manage_bp


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def period() -> tuple[date, date, ZoneInfo, list[str]]:
    """The period asked for (``from``/``to``, inclusive local days; default: this month so
    far), its zone, and what was wrong with the input."""
    zone = svc.company_timezone(db())
    today = now().astimezone(zone).date()
    problems = []
    first = _day(request.args.get("from"))
    last = _day(request.args.get("to"))
    if (request.args.get("from") and first is None) or (request.args.get("to") and last is None):
        problems.append(_("Give dates like 2026-12-31; the default period is shown."))
    first = first or today.replace(day=1)
    last = last or today
    if last < first:
        problems.append(_("The period ends before it starts; the dates were swapped."))
        first, last = last, first
    return first, last, zone, problems


def _bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
    return start, end


def _presets(today: date) -> list[tuple[str, date, date]]:
    month = today.replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    return [(_("This month"), month, today),
            (_("Last month"), previous, month - timedelta(days=1)),
            (_("This quarter"), quarter, today),
            (_("This year"), today.replace(month=1, day=1), today)]


def scorecard_page() -> str:
    """Every vendor's scorecard for the period."""
    first, last, zone, problems = period()
    cards = scorecards(db(), *_bounds(first, last, zone), now=now())
    return render_template("manage/vendors.html", cards=cards, first=first, last=last,
                           problems=problems, area=request.blueprint,
                           presets=_presets(now().astimezone(zone).date()))


def vendor_page(vendor_id: int) -> str:
    """One vendor's scorecard for the period and the jobs behind it."""
    vendor = db().get(Vendor, vendor_id)
    if vendor is None:
        abort(404)
    first, last, zone, problems = period()
    bounds = _bounds(first, last, zone)
    cards = scorecards(db(), *bounds, now=now(), vendor_id=vendor.id)
    return render_template("manage/vendor_jobs.html", vendor=vendor,
                           card=cards[0] if cards else None,
                           jobs=vendor_jobs(db(), vendor.id, *bounds), first=first, last=last,
                           problems=problems, area=request.blueprint, now=now())


for _bp in (manage_bp, dispatch_bp):
    _bp.add_url_rule("/vendors", "vendors", scorecard_page)
    _bp.add_url_rule("/vendors/<int:vendor_id>", "vendor_jobs", vendor_page)
