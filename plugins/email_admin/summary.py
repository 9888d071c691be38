"""Summary lines of a request's details for the request page: what the fields do not say.

The page shows every field already (the action, the addresses with "add" or "remove"); the
summary adds what follows from them: the quota in GB and how many addresses change each way.
"""

from __future__ import annotations

from typing import Any

from hdcore import lazy_gettext as _

#: The address lists of a request and the label of the line counting their changes.
_COUNTED = (
    ("aliases", _("Alias changes")),
    ("members", _("Member changes")),
)


def changes_text(adding: int, removing: int) -> str:
    """How many addresses are added and removed, in words."""
    if adding and removing:
        return str(_("%(add)d to add, %(remove)d to remove")) % {"add": adding,
                                                                 "remove": removing}
    if adding:
        return str(_("%(n)d to add")) % {"n": adding}
    return str(_("%(n)d to remove")) % {"n": removing}


def summarise(details: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` lines: the quota in GB, and the count of each list's changes."""
    lines: list[tuple[str, str]] = []
    quota = details.get("quota_mb")
    if isinstance(quota, int) and not isinstance(quota, bool):
        lines.append((str(_("New quota in GB")), f"{quota / 1024:.1f} GB"))
    for field, label in _COUNTED:
        rows = [r for r in details.get(field) or [] if isinstance(r, dict)]
        adding = sum(1 for r in rows if r.get("change", "add") == "add")
        removing = sum(1 for r in rows if r.get("change") == "remove")
        if adding or removing:
            lines.append((str(label), changes_text(adding, removing)))
    return lines
