"""Summary lines of a repair request for its page: what the fields do not say by themselves.

The request page already shows every field (equipment, model, tag, the day the fault began);
the summary adds only what follows from them: how long ago the fault started.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from hdcore import lazy_gettext as _
from hdcore import now

#: The company's calendar decides what "today" is.
COMPANY_TZ = ZoneInfo("Asia/Shanghai")


def company_today() -> date:
    """Today in the company's time zone, by the help desk's clock."""
    return now().astimezone(COMPANY_TZ).date()


def fault_age(since: date, today: date) -> str:
    """How long ago the fault started, in words ("today", "yesterday", "3 days ago")."""
    days = max((today - since).days, 0)
    if days == 0:
        return str(_("today"))
    if days == 1:
        return str(_("yesterday"))
    return str(_("%(n)d days ago")) % {"n": days}


def detail_summary(details: dict[str, Any], today: date | None = None) -> list[tuple[str, str]]:
    """``(label, value)`` lines: when the fault started, counted from today."""
    try:
        since = date.fromisoformat(details["since"])
    except (KeyError, TypeError, ValueError):
        return []
    return [(str(_("Fault started")), fault_age(since, today or company_today()))]
