"""The vendor's clock: promised times from a contract's terms on its working calendar.

Pure functions over :class:`hdcore.sla.calendar.WorkCalendar`: the promised response is the
contract's response time in business minutes after the hand-over; the promised completion is
its repair time, also counted from the hand-over (the vendor's clock does not wait for them
to turn up). Overdue is judged against those instants, to the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hdcore.sla.calendar import WorkCalendar

RESPONSE = "response"
COMPLETION = "completion"
TARGETS = (RESPONSE, COMPLETION)


@dataclass(frozen=True)
class Promise:
    """What the vendor promised, as instants (None: the contract sets no such term)."""

    response_at: datetime | None
    completion_at: datetime | None


def promise(calendar: WorkCalendar, engaged_at: datetime, response_minutes: int | None,
            repair_minutes: int | None) -> Promise:
    """The promised response and completion of a job handed over at ``engaged_at``."""
    def after(minutes: int | None) -> datetime | None:
        return None if minutes is None else calendar.add(engaged_at, timedelta(minutes=minutes))

    return Promise(after(response_minutes), after(repair_minutes))


def overdue_targets(*, status: str, promised_response_at: datetime | None,
                    responded_at: datetime | None, promised_completion_at: datetime | None,
                    completed_at: datetime | None, now: datetime) -> list[str]:
    """Which of the vendor's promises an open job has broken at ``now`` (none once closed)."""
    if status != "open":
        return []
    out = []
    if promised_response_at is not None and responded_at is None and promised_response_at < now:
        out.append(RESPONSE)
    if (promised_completion_at is not None and completed_at is None
            and promised_completion_at < now):
        out.append(COMPLETION)
    return out


def business_hours(calendar: WorkCalendar, start: datetime, end: datetime | None) -> float | None:
    """Working hours between two instants on the contract's calendar (None if ``end`` is)."""
    if end is None:
        return None
    return calendar.business_between(start, end) / timedelta(hours=1)
