"""Summary lines of a request's details for its page: the rule in one line, the severity."""

from __future__ import annotations

from typing import Any

from hdcore import lazy_gettext as _
from plugins.network_security.kinds import (
    DIRECTION_CHOICES,
    FIREWALL,
    KIND_CHOICES,
    PROTOCOL_CHOICES,
    SEVERITY_CHOICES,
    VULNERABILITY,
    label_of,
)


def rule_line(details: dict[str, Any]) -> str:
    """A firewall rule written the way network people read it."""
    protocol = label_of(PROTOCOL_CHOICES, details.get("protocol"))
    target = details.get("destination", "?")
    if details.get("port"):
        target = f"{target}:{details['port']}"
    direction = label_of(DIRECTION_CHOICES, details.get("direction"))
    return f"{protocol} {details.get('source', '?')} → {target} ({direction})"


def lines(details: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` lines summarising a network security request."""
    kind = details.get("kind")
    out = [(str(_("Kind of request")), label_of(KIND_CHOICES, kind))]
    if kind == FIREWALL:
        out.append((str(_("Firewall rule")), rule_line(details)))
        if details.get("temporary") and details.get("end_date"):
            out.append((str(_("Temporary until")), str(details["end_date"])))
        else:
            out.append((str(_("Duration")), str(_("Permanent"))))
    elif kind == VULNERABILITY and details.get("cvss_score") is not None:
        severity = label_of(SEVERITY_CHOICES, details.get("severity"))
        out.append((str(_("Severity")), f"{severity} (CVSS {details['cvss_score']:.1f})"))
    elif details.get("severity"):
        out.append((str(_("Severity")), label_of(SEVERITY_CHOICES, details["severity"])))
    return out
