"""Summary lines of a purchase for the request's page: totals, approval, quote, order, delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hdcore import lazy_gettext as _
from plugins.procurement.money import (
    estimated_total,
    format_cny,
    needs_reapproval,
    overrun_percent,
    to_amount,
)
from plugins.procurement.schemas import PROBLEM_TYPE_LABELS
from plugins.procurement.validators import COMPANY_TZ

Line = tuple[str, str]


def summary(details: dict[str, Any]) -> list[Line]:
    """The lines, in the order the purchase goes; facts not known yet are left out."""
    items = details.get("items")
    items = items if isinstance(items, list) else []
    units = sum(i.get("quantity", 0) for i in items
                if isinstance(i, dict) and isinstance(i.get("quantity"), int))
    lines: list[Line] = [(
        _("Estimated total"),
        str(_("%(total)s; lines: %(lines)d, units: %(units)d")) % {
            "total": format_cny(estimated_total(items)), "lines": len(items), "units": units},
    )]
    approval = details.get("approval")
    if isinstance(approval, dict):
        lines.extend(_approval(approval))
    quotes = details.get("quotes")
    if isinstance(quotes, list) and len(quotes) > 1:
        lines.append((_("Quotes compared"), _quotes(quotes)))
    purchase = details.get("purchase")
    if isinstance(purchase, dict):
        lines.extend(_purchase(purchase, approval if isinstance(approval, dict) else {}))
    return lines


def _quotes(quotes: list[Any]) -> str:
    """Each supplier's quote side by side, the chosen one marked."""
    parts = []
    for q in quotes:
        if not isinstance(q, dict):
            continue
        amount = to_amount(q.get("quoted_amount"))
        text = str(_("%(supplier)s: %(amount)s, delivery by %(day)s")) % {
            "supplier": q.get("supplier", ""),
            "amount": format_cny(amount) if amount is not None else str(_("no quote yet")),
            "day": q.get("promised_delivery") or "-"}
        if q.get("status") == "chosen":
            text += " " + str(_("(chosen: %(reason)s)")) % {"reason": q.get("reason", "")}
        parts.append(text)
    return "; ".join(parts)


def _approval(a: dict[str, Any]) -> list[Line]:
    amount = to_amount(a.get("amount"))
    money = format_cny(amount) if amount is not None else "-"
    status = a.get("status")
    if status == "approved":
        text = str(_("Approved by %(name)s for %(amount)s")) % {
            "name": a.get("by_name", ""), "amount": money}
    elif status == "rejected":
        text = str(_("Rejected by %(name)s: %(reason)s")) % {
            "name": a.get("by_name", ""), "reason": a.get("reason", "")}
    else:
        text = str(_("Awaiting approval of %(amount)s")) % {"amount": money}
    return [(_("Approval"), text)]


def _purchase(p: dict[str, Any], approval: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    if p.get("supplier"):
        lines.append((_("Supplier"), str(p["supplier"])))
    quoted = to_amount(p.get("quoted_amount"))
    if quoted is not None:
        lines.append((_("Quote"), str(_("%(ref)s: %(amount)s, delivery promised by %(day)s")) % {
            "ref": p.get("quote_reference", ""), "amount": format_cny(quoted),
            "day": p.get("promised_delivery", "")}))
        approved = to_amount(approval.get("amount"))
        pct = overrun_percent(quoted, approved) if approved is not None else None
        if approval.get("status") == "approved" and approved is not None and pct is not None:
            template = (_("%(pct)s%% against the approved amount; needs approval again")
                        if needs_reapproval(quoted, approved)
                        else _("%(pct)s%% against the approved amount"))
            lines.append((_("Quote against approval"), str(template) % {"pct": f"{pct:+}"}))
    if p.get("po_number"):
        lines.append((_("Purchase order"), str(_(
            "%(po)s of %(ordered)s, delivery expected %(expected)s")) % {
            "po": p["po_number"], "ordered": p.get("ordered_at", ""),
            "expected": p.get("expected_delivery", "")}))
    if p.get("delivered_on"):
        late = p.get("late_days") or 0
        if not late:
            template = _("%(day)s, delivery note %(note)s; on time")
        elif late == 1:
            template = _("%(day)s, delivery note %(note)s; 1 day late")
        else:
            template = _("%(day)s, delivery note %(note)s; %(n)d days late")
        lines.append((_("Delivered"), str(template) % {
            "day": p["delivered_on"], "note": p.get("delivery_note", ""), "n": late}))
    problems = p.get("problems") or []
    if problems and isinstance(problems[-1], dict):
        last = problems[-1]
        label = PROBLEM_TYPE_LABELS.get(last.get("type", ""), _("Other problem"))
        lines.append((_("Delivery problem"), str(_("%(problem)s: %(description)s")) % {
            "problem": label, "description": last.get("description", "")}))
    received = p.get("received")
    if isinstance(received, dict):
        lines.append((_("Receipt confirmed"), str(_("by %(name)s on %(day)s")) % {
            "name": received.get("by_name", ""), "day": _local_day(received.get("at"))}))
    return lines


def _local_day(stamp: Any) -> str:
    """The company's calendar day of a stored UTC time stamp."""
    try:
        return datetime.fromisoformat(stamp).astimezone(COMPANY_TZ).date().isoformat()
    except (TypeError, ValueError):
        return ""
