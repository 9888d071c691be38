"""Which SLA policy, reminder ladder and calendar apply to a request (the ``*`` rows by default).

Policies are read once per transaction and kept in ``session.info`` for its length (every
event of a request recomputes its due times; the policy does not change in between), and
dropped when an administrator's service changes one (:func:`invalidate`).

Each transaction reads the rows again (so it sees what another process saved), as plain rows:
the calendar built from them is kept per process under the rows' content, so the next request
on the same calendar reuses it instead of parsing its working hours and dated days again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import shared_config
from hdcore.i18n import _
from hdcore.models import (
    ANY_CATEGORY,
    SlaCalendar,
    SlaCalendarDay,
    SlaPolicy,
    SlaReminderPolicy,
)
from hdcore.sla.calendar import DayOverride, WorkCalendar, periods_from_json

RESPONSE = "response"
RESOLUTION = "resolution"
TARGETS = (RESPONSE, RESOLUTION)
WARN_ASSIGNEE = "warn_assignee"
NOTIFY_LEAD = "notify_lead"
NOTIFY_MANAGER = "notify_manager"
ACTIONS = (WARN_ASSIGNEE, NOTIFY_LEAD, NOTIFY_MANAGER)
#: The escalation level each notifying action raises a request to (at least).
ACTION_LEVEL = {NOTIFY_LEAD: 1, NOTIFY_MANAGER: 2}

TARGET_LABELS = {RESPONSE: _("First response"), RESOLUTION: _("Resolution")}
ACTION_LABELS = {
    WARN_ASSIGNEE: _("Warn the assignee"),
    NOTIFY_LEAD: _("Escalate to the help desk lead"),
    NOTIFY_MANAGER: _("Escalate to the IT manager"),
}

_CACHE = "sla"
shared_config.watch(SlaCalendar, SlaCalendarDay, SlaPolicy, SlaReminderPolicy)


@dataclass(frozen=True)
class Level:
    """One rung of the escalation ladder: at ``percent`` of a target plus ``after_minutes``
    business minutes, take ``action``."""

    target: str
    percent: int
    after_minutes: int
    action: str

    @property
    def key(self) -> str:
        """The action's key in the fired-actions table (the same level fires once)."""
        return f"esc:{self.target}:{self.percent}+{self.after_minutes}:{self.action}"

    def threshold(self, target: timedelta) -> timedelta:
        """How much business time must have counted for this level to fire."""
        return target * self.percent / 100 + timedelta(minutes=self.after_minutes)

    def as_json(self) -> dict[str, Any]:
        """The level as stored in ``SlaPolicy.escalation``."""
        return {"target": self.target, "percent": self.percent,
                "after_minutes": self.after_minutes, "action": self.action}


@dataclass(frozen=True)
class Policy:
    """The targets that apply to one category and priority, on their calendar."""

    id: int
    category: str
    priority: str
    response: timedelta
    resolution: timedelta
    calendar_id: int
    calendar: WorkCalendar
    vendor_pauses: bool
    levels: tuple[Level, ...]

    @property
    def is_default(self) -> bool:
        """Whether this is the default policy (the category has none of its own)."""
        return self.category == ANY_CATEGORY

    def target(self, name: str) -> timedelta:
        """The ``response`` or ``resolution`` target."""
        return self.response if name == RESPONSE else self.resolution


@dataclass(frozen=True)
class ReminderLadder:
    """Reminders for a resolved request, then its automatic closing, then the reopen window."""

    category: str
    reminder_days: tuple[int, ...]
    close_after_days: int | None
    reopen_days: int


def levels_from_json(raw: Any) -> tuple[Level, ...]:
    """The stored ladder as levels (malformed entries are skipped, not fatal)."""
    out = []
    for item in raw or ():
        try:
            level = Level(str(item["target"]), int(item["percent"]),
                          int(item.get("after_minutes") or 0), str(item["action"]))
        except (KeyError, TypeError, ValueError):
            continue
        if level.target in TARGETS and level.action in ACTIONS:
            out.append(level)
    return tuple(sorted(out, key=lambda lv: (lv.target, lv.percent, lv.after_minutes)))


def _cache(session: Session) -> dict[Any, Any]:
    # kept in the process until a policy or calendar changes anywhere (hdcore.shared_config)
    return shared_config.cache(session, _CACHE)


def invalidate(session: Session) -> None:
    """Say that this transaction changed a policy or calendar: it and every process read
    them anew."""
    shared_config.changed(session)


def work_calendar(session: Session, calendar_id: int) -> WorkCalendar:
    """The calendar ``calendar_id`` with its days, ready for arithmetic."""
    cache = _cache(session)
    key = ("calendar", calendar_id)
    if key not in cache:
        cache[key] = _read_calendar(session, calendar_id)
    return cache[key]  # type: ignore[no-any-return]


def _read_calendar(session: Session, calendar_id: int) -> WorkCalendar:
    # Plain rows: the calendar is plain data, the ORM's objects would only be thrown away.
    # (Read once per process until a setting changes: see _cache.)
    c, d = SlaCalendar.__table__.c, SlaCalendarDay.__table__.c
    head = session.execute(select(c.name, c.timezone, c.week, c.workday_hours)
                           .where(c.id == calendar_id)).first()
    if head is None:
        raise LookupError(f"no calendar {calendar_id}")
    days = session.execute(select(d.day, d.kind, d.name, d.hours)
                           .where(d.calendar_id == calendar_id)).all()
    return _build_calendar(head.name, head.timezone, head.week, head.workday_hours, days)


def to_work_calendar(row: SlaCalendar) -> WorkCalendar:
    """A calendar row (and its days) as plain data."""
    return _build_calendar(row.name, row.timezone, row.week, row.workday_hours,
                           [(d.day, d.kind, d.name, d.hours) for d in row.days])


def _build_calendar(name: str, timezone: str, week: Any, workday_hours: Any,
                    days: Any) -> WorkCalendar:
    periods = tuple(periods_from_json(day) for day in (list(week or []) + [[]] * 7)[:7])
    overrides = {
        day: DayOverride(kind, day_name or "", periods_from_json(hours) if hours else None)
        for day, kind, day_name, hours in days
    }
    return WorkCalendar(zone=ZoneInfo(timezone), week=periods, overrides=overrides,
                        workday_hours=periods_from_json(workday_hours), name=name)


def default_calendar(session: Session) -> SlaCalendar | None:
    """The calendar marked default (the first one if none is)."""
    return session.scalar(select(SlaCalendar).order_by(SlaCalendar.is_default.desc(),
                                                       SlaCalendar.id).limit(1))


def policy_for(session: Session, category: str, priority: str) -> Policy | None:
    """The category's own policy for ``priority``, else the default one, else None."""
    cache = _cache(session)
    key = ("policy", category, priority)
    if key not in cache:
        t = SlaPolicy.__table__.c
        # plain rows: the policy is plain data, the ORM's objects would only be thrown away
        rows = {p.category: p for p in session.execute(select(
            t.id, t.category, t.priority, t.response_minutes, t.resolution_minutes,
            t.calendar_id, t.vendor_pauses, t.escalation,
        ).where(t.priority == priority, t.category.in_([category, ANY_CATEGORY])))}
        row = rows.get(category) or rows.get(ANY_CATEGORY)
        cache[key] = None if row is None else Policy(
            id=row.id, category=row.category, priority=row.priority,
            response=timedelta(minutes=row.response_minutes),
            resolution=timedelta(minutes=row.resolution_minutes),
            calendar_id=row.calendar_id, calendar=work_calendar(session, row.calendar_id),
            vendor_pauses=row.vendor_pauses, levels=levels_from_json(row.escalation),
        )
    return cache[key]  # type: ignore[no-any-return]


def reminders_for(session: Session, category: str) -> ReminderLadder | None:
    """The category's own reminder ladder, else the default one, else None."""
    cache = _cache(session)
    key = ("reminders", category)
    if key not in cache:
        rows = {p.category: p for p in session.scalars(select(SlaReminderPolicy).where(
            SlaReminderPolicy.category.in_([category, ANY_CATEGORY])))}
        row = rows.get(category) or rows.get(ANY_CATEGORY)
        cache[key] = None if row is None else ReminderLadder(
            category=row.category,
            reminder_days=tuple(sorted(int(d) for d in row.reminder_days or [])),
            close_after_days=row.close_after_days, reopen_days=row.reopen_days,
        )
    return cache[key]  # type: ignore[no-any-return]


def pausing_vendor_kinds(session: Session, category: str) -> frozenset[str]:
    """The vendor kinds of the category's plugin whose time pauses the SLA clock."""
    from hdcore.errors import NotFound
    from hdcore.services.base import host_of

    host = host_of(session)
    try:
        plugin = host.category(category).plugin
    except NotFound:
        return frozenset()
    return frozenset(k.name for k in host.vendor_kinds() if k.plugin == plugin and k.pauses_sla)
