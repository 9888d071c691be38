"""What a report is about: a period in the company's days and the filters that narrow it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select

from hdcore.models import RequestMetrics, VendorEngagement

M = RequestMetrics
#: The filters a report takes besides the period, and the metrics column each narrows.
FILTER_KEYS = ("group", "person", "category", "department", "priority", "vendor")
#: The longest period a report covers.
MAX_DAYS = 732


@dataclass(frozen=True)
class Filters:
    """A period (``start`` to ``end``, both days included, in ``zone``) and optional filters."""

    start: date
    end: date
    zone: ZoneInfo
    group: int | None = None
    person: int | None = None
    category: str | None = None
    department: int | None = None
    priority: str | None = None
    vendor: int | None = None

    @property
    def since(self) -> datetime:
        """The period's first instant (UTC)."""
        return datetime.combine(self.start, time(0), self.zone).astimezone(UTC)

    @property
    def until(self) -> datetime:
        """The instant after the period's last day (UTC)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), self.zone).astimezone(UTC)

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.end - self.start).days + 1

    def where(self) -> list[ColumnElement[bool]]:
        """The conditions on ``request_metrics`` the filters (not the period) make."""
        out: list[ColumnElement[bool]] = []
        if self.group is not None:
            out.append(M.group_id == self.group)
        if self.person is not None:
            out.append(M.assignee_id == self.person)
        if self.category:
            out.append(M.category == self.category)
        if self.department is not None:
            out.append(M.department_id == self.department)
        if self.priority:
            out.append(M.priority == self.priority)
        if self.vendor is not None:
            out.append(M.request_id.in_(select(VendorEngagement.request_id)
                                        .where(VendorEngagement.vendor_id == self.vendor)))
        return out

    def args(self, **override: Any) -> dict[str, str]:
        """The filters as query-string arguments (None values left out)."""
        # read the fields directly: asdict() deep-copies, and a dashboard asks this for every
        # one of its hundreds of links
        values: dict[str, Any] = {"start": self.start, "end": self.end}
        values.update((key, getattr(self, key)) for key in FILTER_KEYS)
        values.update(override)
        return {k: (v.isoformat() if isinstance(v, date) else str(v))
                for k, v in values.items() if v not in (None, "")}

    def narrowed(self, **values: Any) -> Filters:
        """A copy with some filters set."""
        return replace(self, **values)


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def parse(args: Mapping[str, Any], zone: ZoneInfo, today: date,
          default_days: int = 30) -> tuple[Filters, dict[str, list[str]]]:
    """Filters from query-string ``args``; bad values are dropped and named in the errors."""
    errors: dict[str, list[str]] = {}
    from hdcore.i18n import _

    end = _date(args.get("end")) if args.get("end") else today
    start = _date(args.get("start")) if args.get("start") else None
    if end is None:
        errors["end"] = [str(_("Give a date as YYYY-MM-DD."))]
        end = today
    if start is None:
        if args.get("start"):
            errors["start"] = [str(_("Give a date as YYYY-MM-DD."))]
        start = end - timedelta(days=default_days - 1)
    if start > end:
        errors["start"] = [str(_("The period must start before it ends."))]
        start = end - timedelta(days=default_days - 1)
    if (end - start).days >= MAX_DAYS:
        errors["start"] = [str(_("A report covers at most two years."))]
        start = end - timedelta(days=MAX_DAYS - 1)
    values: dict[str, Any] = {}
    for key in ("group", "person", "department", "vendor"):
        raw = args.get(key)
        if raw not in (None, ""):
            values[key] = _int(raw)
            if values[key] is None:
                errors[key] = [str(_("Unknown value."))]
    for key in ("category", "priority"):
        raw = str(args.get(key) or "").strip()
        values[key] = raw[:64] or None
    return Filters(start, end, zone, **values), errors
