"""Business time: working hours per weekday in a zone, holidays and make-up days, exact arithmetic.

A :class:`WorkCalendar` is plain data (no database). Working hours are wall-clock periods of
the calendar's zone, converted to UTC day by day (a time a daylight-saving change skips takes
the offset before the change). Every answer is exact to the microsecond: adding business time
walks the working periods; nothing is rounded to minutes or days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

#: A working period of one day: minutes since local midnight, ``start < end <= 1440``.
Period = tuple[int, int]

HOLIDAY = "holiday"
WORKDAY = "workday"
#: How many days in a row without any working time a search accepts before giving up.
MAX_IDLE_DAYS = 3700
DAY = timedelta(days=1)
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class CalendarError(ValueError):
    """The calendar cannot answer: bad hours, or no working time at all."""


@dataclass(frozen=True)
class DayOverride:
    """A dated exception: a holiday, or a make-up working day (with its own hours, or not)."""

    kind: str
    name: str = ""
    hours: tuple[Period, ...] | None = None


@dataclass(frozen=True)
class DayNote:
    """A day the explanation mentions: not worked (weekend, holiday) or a make-up working day."""

    day: date
    #: ``weekend`` (no hours that weekday), ``holiday`` or ``workday`` (make-up day).
    kind: str
    name: str = ""


@dataclass(frozen=True)
class WorkCalendar:
    """Working hours per weekday (Monday first) in ``zone``, with dated ``overrides``."""

    zone: ZoneInfo
    week: tuple[tuple[Period, ...], ...]
    overrides: Mapping[date, DayOverride] = field(default_factory=dict)
    #: The hours of a make-up day that has none of its own (default: the first working
    #: weekday's).
    workday_hours: tuple[Period, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise CalendarError("a week has seven days")
        for periods in (*self.week, self.workday_hours):
            check_periods(periods)

    # -- days ------------------------------------------------------------------------------

    @property
    def makeup_hours(self) -> tuple[Period, ...]:
        """The hours a make-up working day without its own hours gets."""
        if self.workday_hours:
            return self.workday_hours
        return next((p for p in self.week if p), ())

    def hours_on(self, day: date) -> tuple[Period, ...]:
        """The working periods of the local ``day`` (empty: not a working day)."""
        override = self.overrides.get(day)
        if override is None:
            return self.week[day.weekday()]
        if override.kind == HOLIDAY:
            return ()
        return override.hours or self.makeup_hours

    def is_working_day(self, day: date) -> bool:
        """Whether anyone works on the local ``day``."""
        return bool(self.hours_on(day))

    def local_date(self, at: datetime) -> date:
        """The calendar's date at the instant ``at``."""
        return _aware(at).astimezone(self.zone).date()

    def wall(self, day: date, minutes: float | timedelta) -> datetime:
        """The instant (UTC) at ``minutes`` (or a timedelta) past local midnight of ``day``."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        since = minutes if isinstance(minutes, timedelta) else timedelta(minutes=minutes)
        return (midnight + since).astimezone(UTC)

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of the local ``day`` as UTC instants."""
        out = []
        for start, end in self.hours_on(day):
            a, b = self.wall(day, start), self.wall(day, end)
            if a < b:
                out.append((a, b))
        return out

    # -- periods ---------------------------------------------------------------------------

    def periods(self, start: datetime,
                end: datetime | None = None) -> Iterator[tuple[datetime, datetime]]:
        """Working periods within ``[start, end)`` (``end`` None: without end), clipped, in
        order, never overlapping. Raises CalendarError after :data:`MAX_IDLE_DAYS` days in a
        row without working time (a calendar nobody works in)."""
        start = _aware(start).astimezone(UTC)
        end = None if end is None else _aware(end).astimezone(UTC)
        day = self.local_date(start) - DAY  # a period of the day before may reach past midnight
        last = start
        idle = 0
        while end is None or self.wall(day, 0) < end:
            found = False
            for a, b in self.periods_on(day):
                a = max(a, last)
                if end is not None:
                    b = min(b, end)
                if a < b:
                    found = True
                    last = b
                    yield a, b
            idle = 0 if found or self.hours_on(day) else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise CalendarError(f"calendar {self.name!r} has no working time after {day}")
            day += DAY

    def business_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (zero when ``end`` is not after ``start``)."""
        if end <= start:
            return timedelta(0)
        return sum((b - a for a, b in self.periods(start, end)), timedelta(0))

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes between two instants."""
        return self.business_between(start, end) / timedelta(minutes=1)

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest instant at which ``amount`` of working time has passed since ``start``.

        Adding nothing gives ``start`` itself; otherwise the answer is always inside (or at
        the end of) a working period.
        """
        if amount < timedelta(0):
            raise CalendarError("cannot add a negative amount of working time")
        if amount == timedelta(0):
            return _aware(start).astimezone(UTC)
        remaining = amount
        for a, b in self.periods(start):
            if remaining <= b - a:
                return a + remaining
            remaining -= b - a
        raise AssertionError("unreachable: periods() is endless or raises")

    def add_minutes(self, start: datetime, minutes: float) -> datetime:
        """``start`` plus ``minutes`` working minutes (see :meth:`add`)."""
        return self.add(start, timedelta(minutes=minutes))

    def next_working_instant(self, at: datetime) -> datetime:
        """``at`` if it is working time, else the start of the next working period."""
        for a, _b in self.periods(at):
            return a
        raise AssertionError("unreachable: periods() is endless or raises")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time ``days`` working days later, counted from the next working
        instant at or after ``start`` (a time outside working hours rolls on to the next one).

        Resolved on Monday 10:00, two working days later is Wednesday 10:00; resolved on
        Saturday, it is two working days after Monday's opening; holidays are skipped and
        make-up days counted.
        """
        if days < 0:
            raise CalendarError("cannot count a negative number of working days")
        begin = self.next_working_instant(start)
        local = begin.astimezone(self.zone)
        day = local.date()
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        offset = local - midnight  # the wall-clock time of day (same tzinfo: wall difference)
        idle = 0
        for _ in range(days):
            day += DAY
            while not self.is_working_day(day):
                day += DAY
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise CalendarError(f"calendar {self.name!r} has no working day after {day}")
        return self.next_working_instant(self.wall(day, offset))

    def notable_days(self, first: date, last: date) -> list[DayNote]:
        """The days from ``first`` to ``last`` (inclusive) that are not worked, and the make-up
        days that are, in order."""
        out = []
        day = first
        while day <= last:
            override = self.overrides.get(day)
            if not self.hours_on(day):
                if override is not None and override.kind == HOLIDAY:
                    out.append(DayNote(day, HOLIDAY, override.name))
                else:
                    out.append(DayNote(day, "weekend"))
            elif override is not None and override.kind == WORKDAY:
                out.append(DayNote(day, WORKDAY, override.name))
            day += DAY
        return out


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise CalendarError("give instants with their time zone")
    return at


# -- hours as text ---------------------------------------------------------------------------


def parse_time(text: str) -> int:
    """``"08:30"`` as minutes since midnight (``"24:00"`` is the end of the day)."""
    match = _HHMM.match(text or "")
    if not match:
        raise CalendarError(f"{text!r} is not a time like 08:30")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise CalendarError(f"{text!r} is not a time of day")
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    """Minutes since midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_periods(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Refuse periods that are empty, out of the day, unordered or overlapping."""
    out = tuple(periods)
    previous_end = -1
    for start, end in out:
        if not 0 <= start < end <= 1440:
            raise CalendarError(f"{format_time(start)}-{format_time(end)} is not a period of a day")
        if start < previous_end:
            raise CalendarError("periods must be in order and must not overlap")
        previous_end = end
    return out


def periods_from_json(value: Iterable[Iterable[str]] | None) -> tuple[Period, ...]:
    """``[["08:30", "12:00"], ...]`` as checked periods."""
    periods: list[Period] = []
    for pair in value or ():
        start, end = list(pair)
        periods.append((parse_time(start), parse_time(end)))
    return check_periods(periods)


def periods_to_json(periods: Iterable[Period]) -> list[list[str]]:
    """Periods as ``[["08:30", "12:00"], ...]``."""
    return [[format_time(a), format_time(b)] for a, b in periods]


def parse_periods_text(text: str) -> tuple[Period, ...]:
    """``"08:30-12:00, 13:00-17:30"`` as checked periods (empty text: no working hours)."""
    periods: list[Period] = []
    for part in re.split(r"[,;，；\s]+", (text or "").strip()):
        if not part:
            continue
        bits = re.split(r"[-–~至]", part)
        if len(bits) != 2:
            raise CalendarError(f"{part!r} is not a period like 08:30-12:00")
        periods.append((parse_time(bits[0]), parse_time(bits[1])))
    return check_periods(sorted(periods))


def periods_text(periods: Iterable[Period]) -> str:
    """Periods as ``"08:30-12:00, 13:00-17:30"``."""
    return ", ".join(f"{format_time(a)}-{format_time(b)}" for a, b in periods)
