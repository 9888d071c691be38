"""When things happen in the demo data: office hours, the gaps between steps, sample times moved.

The demo replays a month of the help desk under a controlled clock. People act in office hours
(Shanghai, 08:30-12:00 and 13:00-17:30, Monday to Friday), so a gap of "three hours" that starts
at 16:00 on a Friday ends on Monday morning. The sample requests of the plugins are written
relative to the moment they are asked for ("promised for four hours from now"); the demo asks
once, then moves every date and time in them to the moment each step is replayed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
#: The office's working periods of a working day, in local time.
PERIODS = ((time(8, 30), time(12, 0)), (time(13, 0), time(17, 30)))

#: Office minutes between two things people do, as (shortest, longest): most gaps are short,
#: a few long (see :func:`draw`).
GAPS: dict[str, tuple[float, float]] = {
    "assign": (3, 60),  # the lead dispatches a new request
    "first": (5, 180),  # the technician starts: the first response
    "work": (15, 300),  # the next step of IT's own work
    "waiting": (120, 960),  # a vendor, the parts or another party comes back
    "requester": (20, 720),  # the requester answers, confirms or checks
    "approval": (30, 480),  # the department head approves
    "reply": (5, 120),  # an answer in the conversation
    "task": (20, 240),  # a task is started or finished
    "rating": (2, 120),  # the requester rates after closing
    "escalation": (30, 240),  # someone loses patience
}


def is_working_day(day: date) -> bool:
    """Monday to Friday (the demo ignores public holidays)."""
    return day.weekday() < 5


def _periods(day: date) -> list[tuple[datetime, datetime]]:
    if not is_working_day(day):
        return []
    return [(datetime.combine(day, a, ZONE), datetime.combine(day, b, ZONE)) for a, b in PERIODS]


def business_add(start: datetime, minutes: float) -> datetime:
    """The moment ``minutes`` of office time after ``start`` (nights and weekends skipped)."""
    left = timedelta(minutes=max(minutes, 0))
    at = start.astimezone(ZONE)
    day = at.date()
    while True:
        for begin, end in _periods(day):
            if end <= at:
                continue
            at = max(at, begin)
            if at + left <= end:
                return (at + left).astimezone(UTC)
            left -= end - at
            at = end
        day += timedelta(days=1)
        at = datetime.combine(day, time(0), ZONE)


def business_back(end: datetime, minutes: float) -> datetime:
    """The moment ``minutes`` of office time before ``end``."""
    left = timedelta(minutes=max(minutes, 0))
    at = end.astimezone(ZONE)
    day = at.date()
    while True:
        for begin, finish in reversed(_periods(day)):
            if begin >= at:
                continue
            at = min(at, finish)
            if at - left >= begin:
                return (at - left).astimezone(UTC)
            left -= at - begin
            at = begin
        day -= timedelta(days=1)
        at = datetime.combine(day + timedelta(days=1), time(0), ZONE)


def office_minutes(start: datetime, end: datetime) -> float:
    """Office minutes between ``start`` and ``end`` (0 when ``end`` is earlier)."""
    total = 0.0
    day = start.astimezone(ZONE).date()
    last = end.astimezone(ZONE).date()
    while day <= last:
        for begin, finish in _periods(day):
            lo, hi = max(begin, start), min(finish, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        day += timedelta(days=1)
    return total


def draw(rng: random.Random, kind: str) -> float:
    """Office minutes for a gap of ``kind``: mostly near the short end, now and then long."""
    low, high = GAPS[kind]
    return low + (high - low) * rng.random() ** 2


def shift(value: Any, written: datetime, replayed: datetime) -> Any:
    """``value`` (written at ``written``) with every ISO date and time in it moved to match the
    moment ``replayed``: times by the difference, dates by the days between the two moments in
    the office's calendar. Text that is not a date or time is left as it is."""
    delta = replayed - written
    days = timedelta(days=(replayed.astimezone(ZONE).date()
                           - written.astimezone(ZONE).date()).days)
    return _moved(value, delta, days)


def _moved(value: Any, delta: timedelta, days: timedelta) -> Any:
    if isinstance(value, Mapping):
        return {k: _moved(v, delta, days) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_moved(v, delta, days) for v in value)
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, date):
        return value + days
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4] == "-":
        try:
            if len(value) == 10:
                return (date.fromisoformat(value) + days).isoformat()
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return (moment + delta).isoformat()
    return value
