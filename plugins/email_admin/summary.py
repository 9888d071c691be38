"""Summary lines of a request's details for the request page (action, lists, quota)."""

from __future__ import annotations

from typing import Any

from hdcore import lazy_gettext as _
from plugins.email_admin.schemas import ACTION_LABELS

_ROW_LINES = (
    ("aliases", "add", _("Aliases to add")),
    ("aliases", "remove", _("Aliases to remove")),
    ("members", "add", _("Members to add")),
    ("members", "remove", _("Members to remove")),
)


def summarise(details: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` lines: the action, the quota in GB, and each list of addresses."""
    lines: list[tuple[str, str]] = []
    action = details.get("action")
    if action in ACTION_LABELS:
        lines.append((str(_("What should be done")), str(ACTION_LABELS[action])))
    quota = details.get("quota_mb")
    if isinstance(quota, int):
        lines.append((str(_("New quota")), f"{quota:,} MB ({quota / 1024:.1f} GB)"))
    for field, change, label in _ROW_LINES:
        addresses = [r["address"] for r in details.get(field) or [] if r.get("change") == change]
        if addresses:
            lines.append((str(label), ", ".join(addresses)))
    return lines
