"""Business calendars for the administrator: working hours, holidays and make-up working days.

Every change marks the open requests for the worker to recompute their due times (their
``sla_next_check_at`` becomes now), so a holiday entered today moves tomorrow's deadlines.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hdcore.clock import now
from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import ServiceRequest, SlaCalendar, SlaCalendarDay, SlaPolicy, User
from hdcore.services.base import host_of, service
from hdcore.sla.calendar import (
    HOLIDAY,
    WORKDAY,
    CalendarError,
    parse_periods_text,
    periods_to_json,
)
from hdcore.sla.official_days import has_arrangement, official_days
from hdcore.sla.policy import invalidate
from hdcore.workflow import StateKind

MANAGE = "sla.manage"
WEEKDAYS = 7
NAME_MAX = 120
FIRST_YEAR, LAST_YEAR = 2000, 2100


def require_manager(session: Session, actor: User | None) -> None:
    """Only those holding ``sla.manage`` (administrators) change calendars and policies;
    ``None`` is the system (migrations, scripts)."""
    if actor is not None and not (actor.is_active
                                  and host_of(session).has_permission(actor, MANAGE)):
        raise PermissionDenied(str(_("Only an administrator can change calendars and SLA "
                                     "policies.")))


def recompute_open_requests(session: Session, category: str | None = None) -> int:
    """Ask the worker to recompute the due times of open requests (of ``category``)."""
    invalidate(session)
    host = host_of(session)
    final = {s for c in host.categories() for s in host.workflow(c.name).states_of_kind(
        StateKind.FINAL)}
    table = ServiceRequest.__table__
    stmt = update(table).where(table.c.status.not_in(final)).values(sla_next_check_at=now())
    if category is not None:
        stmt = stmt.where(table.c.category == category)
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def get_calendar(session: Session, calendar_id: int) -> SlaCalendar:
    """The calendar by id; NotFound otherwise."""
    cal = session.get(SlaCalendar, calendar_id)
    if cal is None:
        raise NotFound(f"no calendar {calendar_id}")
    return cal


def _hours(text: Any, field: str, errors: dict[str, list[str]]) -> list[list[str]]:
    try:
        return periods_to_json(parse_periods_text(str(text or "")))
    except CalendarError:
        errors[field] = [str(_("Write periods like 08:30-12:00, 13:00-17:30, in order and "
                               "not overlapping."))]
        return []


def _check_calendar(session: Session, cal: SlaCalendar | None, name: Any, timezone: Any,
                    week: Any, workday_hours: Any) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = [str(_("This field is required."))]
    elif len(name) > NAME_MAX:
        errors["name"] = [str(_("At most %(n)d characters.")) % {"n": NAME_MAX}]
    else:
        clash = session.scalar(select(SlaCalendar.id).where(SlaCalendar.name == name))
        if clash is not None and (cal is None or clash != cal.id):
            errors["name"] = [str(_("This name is taken."))]
    try:
        ZoneInfo(str(timezone or ""))
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [str(_("Choose a time zone from the list."))]
    texts = list(week or [])
    if len(texts) != WEEKDAYS:
        errors["week"] = [str(_("Give the hours of all seven weekdays."))]
        texts = [""] * WEEKDAYS
    days = [_hours(text, f"week.{i}", errors) for i, text in enumerate(texts)]
    if not errors and not any(days):
        errors["week"] = [str(_("At least one weekday needs working hours."))]
    makeup = _hours(workday_hours, "workday_hours", errors)
    if errors:
        raise ValidationFailed(errors)
    return {"name": name, "timezone": str(timezone), "week": days, "workday_hours": makeup}


@service
def save_calendar(session: Session, actor: User | None, calendar_id: int | None = None, *,
                  name: str, timezone: str, week: list[str], workday_hours: str = "",
                  description: str = "", is_default: bool = False) -> SlaCalendar:
    """Create (``calendar_id`` None) or change a calendar: its name, zone, the working hours of
    each weekday as text (``"08:30-12:00, 13:00-17:30"``; empty: not a working day) and the
    hours of make-up days (empty: the first working weekday's)."""
    require_manager(session, actor)
    cal = get_calendar(session, calendar_id) if calendar_id is not None else None
    values = _check_calendar(session, cal, name, timezone, week, workday_hours)
    if cal is None:
        cal = SlaCalendar(**values)
        session.add(cal)
    else:
        for key, value in values.items():
            setattr(cal, key, value)
    cal.description = (description or "").strip() or None
    if is_default or not session.scalar(select(func.count()).select_from(SlaCalendar)
                                        .where(SlaCalendar.is_default.is_(True),
                                               SlaCalendar.id != (cal.id or 0))):
        for other in session.scalars(select(SlaCalendar).where(SlaCalendar.is_default)):
            other.is_default = False
        cal.is_default = True
    session.flush()
    recompute_open_requests(session)
    return cal


@service
def delete_calendar(session: Session, actor: User | None, calendar_id: int) -> None:
    """Remove a calendar no policy uses (the default one stays)."""
    require_manager(session, actor)
    cal = get_calendar(session, calendar_id)
    used = session.scalar(select(func.count()).select_from(SlaPolicy)
                          .where(SlaPolicy.calendar_id == cal.id)) or 0
    if cal.is_default or used:
        raise ValidationFailed({"calendar": [str(_(
            "The default calendar, and a calendar SLA policies use, cannot be deleted."))]})
    session.delete(cal)
    invalidate(session)


def _day(value: Any, errors: dict[str, list[str]]) -> date | None:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value or ""))
    except ValueError:
        errors["day"] = [str(_("Give a date like 2027-02-06."))]
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors["day"] = [str(_("Give a date like 2027-02-06."))]
        return None
    return day


@service
def add_calendar_day(session: Session, actor: User | None, calendar_id: int, *,
                     day: date | str, kind: str, name: str = "",
                     hours: str = "") -> SlaCalendarDay:
    """Add a holiday or a make-up working day (with its own hours, or the calendar's); a day
    already listed is replaced."""
    require_manager(session, actor)
    cal = get_calendar(session, calendar_id)
    errors: dict[str, list[str]] = {}
    when = _day(day, errors)
    if kind not in (HOLIDAY, WORKDAY):
        errors["kind"] = [str(_("Choose a holiday or a make-up working day."))]
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        errors["name"] = [str(_("At most %(n)d characters.")) % {"n": NAME_MAX}]
    periods = _hours(hours, "hours", errors) if kind == WORKDAY and hours else None
    if errors:
        raise ValidationFailed(errors)
    assert when is not None
    row = session.scalar(select(SlaCalendarDay).where(SlaCalendarDay.calendar_id == cal.id,
                                                      SlaCalendarDay.day == when))
    if row is None:
        row = SlaCalendarDay(calendar=cal, day=when)
        session.add(row)
    row.kind, row.name, row.hours, row.source = kind, name, periods or None, "admin"
    session.flush()
    recompute_open_requests(session)
    return row


@service
def remove_calendar_day(session: Session, actor: User | None, calendar_id: int,
                        day_id: int) -> None:
    """Take a holiday or make-up day off the calendar."""
    require_manager(session, actor)
    row = session.get(SlaCalendarDay, day_id)
    if row is None or row.calendar_id != calendar_id:
        raise NotFound(f"no day {day_id} in calendar {calendar_id}")
    session.delete(row)
    session.flush()
    recompute_open_requests(session)


@service
def import_official_days(session: Session, actor: User | None, calendar_id: int,
                         year: int) -> tuple[int, bool]:
    """Add mainland China's holidays of ``year`` (and its make-up days when the official
    arrangement is known) that the calendar does not list yet; (days added, with make-up
    days). Days the administrator entered are kept."""
    require_manager(session, actor)
    cal = get_calendar(session, calendar_id)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed({"year": [str(_("Give a year between %(a)d and %(b)d.")) % {
            "a": FIRST_YEAR, "b": LAST_YEAR}]})
    known = {d.day for d in cal.days}
    added = 0
    for item in official_days(year):
        if item.day in known:
            continue
        session.add(SlaCalendarDay(calendar=cal, day=item.day, kind=item.kind,
                                   name=item.name[:NAME_MAX], source=item.source))
        added += 1
    session.flush()
    if added:
        recompute_open_requests(session)
    return added, has_arrangement(year)


def calendar_years(cal: SlaCalendar) -> list[int]:
    """The years the calendar lists days for, newest first."""
    return sorted({d.day.year for d in cal.days}, reverse=True)
