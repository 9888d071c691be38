"""Summary lines of a request's details for its page: the rule in one line, when it ends."""

from __future__ import annotations

from datetime import date
from typing import Any

from hdcore import lazy_gettext as _
from plugins.network_security.kinds import (
    DIRECTION_CHOICES,
    FIREWALL,
    PROTOCOL_CHOICES,
    label_of,
)
from plugins.network_security.validators import today


def rule_line(details: dict[str, Any]) -> str:
    """A firewall rule written the way network people read it."""
    protocol = label_of(PROTOCOL_CHOICES, details.get("protocol"))
    target = details.get("destination", "?")
    if details.get("port"):
        target = f"{target}:{details['port']}"
    direction = label_of(DIRECTION_CHOICES, details.get("direction"))
    return f"{protocol} {details.get('source', '?')} → {target} ({direction})"


def expiry(end: date, on: date) -> str:
    """When a temporary rule ends, counted from the day ``on`` ("ends in 3 days")."""
    days = (end - on).days
    if days == 0:
        return str(_("ends today"))
    if days == 1:
        return str(_("ends tomorrow"))
    if days > 1:
        return str(_("ends in %(n)d days")) % {"n": days}
    if days == -1:
        return str(_("ended yesterday"))
    return str(_("ended %(n)d days ago")) % {"n": -days}


def lines(details: dict[str, Any], on: date | None = None) -> list[tuple[str, str]]:
    """``(label, value)`` lines the fields do not show by themselves: a firewall change's rule
    in one line, and when a temporary rule ends (the page shows each field already)."""
    if details.get("kind") != FIREWALL:
        return []
    out = [(str(_("Firewall rule")), rule_line(details))]
    if details.get("temporary") and details.get("end_date"):
        try:
            end = date.fromisoformat(str(details["end_date"]))
        except ValueError:
            return out
        out.append((str(_("Temporary rule")), expiry(end, on or today())))
    return out
