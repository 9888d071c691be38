"""Summary lines of a repair request for its page: the equipment at a glance, how long down."""

from __future__ import annotations

from datetime import date
from typing import Any

from hdcore import lazy_gettext as _
from plugins.outsourcing.schemas import EQUIPMENT_TYPES


def detail_summary(details: dict[str, Any], today: date | None = None) -> list[tuple[str, str]]:
    """``(label, value)`` lines: type, model and tag in one; the fault's start and its age."""
    lines: list[tuple[str, str]] = []
    kind = dict(EQUIPMENT_TYPES).get(details.get("equipment_type", ""))
    parts = [str(kind) if kind else "", details.get("equipment") or "",
             details.get("asset_tag") or ""]
    if any(parts):
        lines.append((str(_("Equipment")), " · ".join(p for p in parts if p)))
    try:
        since = date.fromisoformat(details["since"])
    except (KeyError, TypeError, ValueError):
        return lines
    days = max(((today or date.today()) - since).days, 0)
    lines.append((str(_("Faulty since")),
                  str(_("%(date)s, %(n)d day(s) ago")) % {"date": since.isoformat(), "n": days}))
    return lines
