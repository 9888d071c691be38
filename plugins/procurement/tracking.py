"""Recording each step's facts: on the supplier's engagement (promised versus actual) and,
for the request's page, under ``details["approval"]`` and ``details["purchase"]``.

Runs inside the step's transaction (``hd_on_transition``); the vendor services join it, so a
failure here undoes the whole step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hdcore import StateKind, TransitionContext, ValidationFailed, VendorEngagement, now
from hdcore import services as svc
from plugins.procurement.money import amount_str
from plugins.procurement.rules import (
    amount_to_approve,
    job_of,
    open_suppliers,
    quoted_amount,
    supplier_engagement,
)
from plugins.procurement.schemas import ASSET_TYPES, VENDOR_KIND
from plugins.procurement.validators import COMPANY_TZ, company_today, end_of_day, moment_of


def record(ctx: TransitionContext) -> None:
    """Write what ``ctx.transition`` established; close the supplier's work when it ends."""
    handler = _HANDLERS.get(ctx.transition.name)
    if handler is not None:
        handler(ctx)
    kind = svc.host_of(ctx.session).workflow(ctx.request.category).kind(ctx.request.status)
    if kind in (StateKind.RESOLVED, StateKind.FINAL) and ctx.actor.is_staff:
        eng = supplier_engagement(ctx)
        if eng is not None:
            # Delivered work is done; a quote or order that never arrived is withdrawn.
            status = "done" if eng.completed_at is not None else "cancelled"
            svc.update_engagement(ctx.session, ctx.actor, eng.id, status=status)


def _now() -> str:
    return now().isoformat(timespec="seconds")


def _who(ctx: TransitionContext) -> dict[str, str]:
    return {"by": ctx.actor.username, "by_name": ctx.actor.full_name}


def _set(ctx: TransitionContext, key: str, value: Any) -> None:
    # Assign a new dict: the JSON column notices a new value, not an in-place change.
    ctx.request.details = {**ctx.request.details, key: value}


def _purchase(ctx: TransitionContext) -> dict[str, Any]:
    found = ctx.request.details.get("purchase")
    return dict(found) if isinstance(found, dict) else {}


def _merge_purchase(ctx: TransitionContext, **facts: Any) -> None:
    _set(ctx, "purchase", {**_purchase(ctx), **facts})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _engagement(ctx: TransitionContext) -> VendorEngagement:
    eng = supplier_engagement(ctx)
    assert eng is not None, "the step's rule requires an engaged supplier"
    return eng


def _update(ctx: TransitionContext, eng: VendorEngagement, details: dict[str, Any],
            **changes: Any) -> None:
    svc.update_engagement(ctx.session, ctx.actor, eng.id, details=details, **changes)


# -- approval -------------------------------------------------------------------------------


def _basis(ctx: TransitionContext) -> str:
    return "quote" if quoted_amount(supplier_engagement(ctx)) is not None else "estimate"


def _submit_for_approval(ctx: TransitionContext) -> None:
    _set(ctx, "approval", {
        "status": "pending", "amount": amount_str(amount_to_approve(ctx)), "basis": _basis(ctx),
        "submitted_by": ctx.actor.username, "submitted_at": _now(),
        "note": ctx.data.get("note", ""),
    })


def _approve(ctx: TransitionContext) -> None:
    _set(ctx, "approval", {
        "status": "approved", "amount": amount_str(amount_to_approve(ctx)),
        "basis": _basis(ctx), **_who(ctx), "at": _now(), "comment": ctx.data.get("comment", ""),
    })


def _reject(ctx: TransitionContext) -> None:
    _set(ctx, "approval", {
        "status": "rejected", "amount": amount_str(amount_to_approve(ctx)), **_who(ctx),
        "at": _now(), "reason": ctx.data["message"],
    })


# -- quote and order ------------------------------------------------------------------------


def _quotes(ctx: TransitionContext) -> list[dict[str, Any]]:
    found = ctx.request.details.get("quotes")
    return [dict(q) for q in found if isinstance(q, dict)] if isinstance(found, list) else []


def _set_quote(ctx: TransitionContext, supplier: str, **facts: Any) -> None:
    """The supplier's row of the quote comparison, changed (or added)."""
    rows = _quotes(ctx)
    for row in rows:
        if row.get("supplier") == supplier:
            row.update(facts)
            break
    else:
        rows.append({"supplier": supplier, **facts})
    _set(ctx, "quotes", rows)


def _request_quote(ctx: TransitionContext) -> None:
    data = ctx.data
    vendor = svc.find_vendor(ctx.session, data["supplier"], "supplier")
    due = data.get("quote_due")
    asked = {"stage": "quote_requested", "quote_requested_on": company_today().isoformat(),
             "quote_due": _iso(due), "note": data.get("note", ""), "quote_reference": None,
             "quoted_amount": None, "promised_delivery": None}
    same = [e for e in open_suppliers(ctx) if e.vendor_id == vendor.id]
    if same:
        # Asking the same supplier again (a revised quote): the old figures no longer count.
        _update(ctx, same[-1], asked, promised_response_at=end_of_day(due) if due else None,
                responded_at=None, promised_completion_at=None)
    else:
        # Another supplier quotes beside those already asked: the quotes are compared.
        svc.engage_vendor(
            ctx.session, ctx.actor, ctx.request, vendor=vendor, kind=VENDOR_KIND,
            promised_response_at=end_of_day(due) if due else None, details=asked,
        )
    _set_quote(ctx, vendor.name, status="requested", quote_due=_iso(due), quote_reference=None,
               quoted_amount=None, promised_delivery=None)
    # A new round of quoting starts the purchase's supplier facts afresh.
    _set(ctx, "purchase", {"supplier": vendor.name, "quote_due": _iso(due)})


def _record_quote(ctx: TransitionContext) -> None:
    data = ctx.data
    eng = job_of(ctx, data.get("supplier") or None)
    quote = {"quote_reference": data["quote_reference"],
             "quoted_amount": amount_str(data["quoted_amount"]),
             "promised_delivery": data["promised_delivery"].isoformat()}
    _update(ctx, eng, {"stage": "quoted", **quote}, responded_at=now(),
            promised_completion_at=end_of_day(data["promised_delivery"]))
    _set_quote(ctx, eng.vendor.name, status="quoted", **quote)
    _set(ctx, "purchase", {"supplier": eng.vendor.name, **quote})


def _choose_quote(ctx: TransitionContext) -> None:
    chosen = job_of(ctx, ctx.data["supplier"])
    reason = ctx.data["reason"]
    for eng in open_suppliers(ctx):
        if eng.id != chosen.id:
            _update(ctx, eng, {"stage": "not_chosen", "not_chosen_reason": reason},
                    status="cancelled")
            _set_quote(ctx, eng.vendor.name, status="not_chosen")
    _update(ctx, chosen, {"stage": "chosen", "chosen_reason": reason})
    _set_quote(ctx, chosen.vendor.name, status="chosen", reason=reason, **_who(ctx))
    _set(ctx, "purchase", {
        "supplier": chosen.vendor.name, "chosen_reason": reason,
        **{k: chosen.details.get(k) for k in ("quote_reference", "quoted_amount",
                                              "promised_delivery")}})


def _place_order(ctx: TransitionContext) -> None:
    data, eng = ctx.data, _engagement(ctx)
    promised = data.get("expected_delivery") or date.fromisoformat(
        eng.details["promised_delivery"])
    order = {"po_number": data["po_number"], "ordered_at": data["ordered_at"].isoformat(),
             "expected_delivery": promised.isoformat()}
    # The date confirmed on the order is the supplier's promise from now on.
    _update(ctx, eng, {"stage": "ordered", **order}, reference=data["po_number"],
            promised_completion_at=end_of_day(promised))
    _merge_purchase(ctx, **order)


# -- delivery and receipt -------------------------------------------------------------------


def _record_delivery(ctx: TransitionContext) -> None:
    data, eng = ctx.data, _engagement(ctx)
    day = data["delivered_on"]
    delivery = {"delivered_on": day.isoformat(), "delivery_note": data["delivery_note"]}
    deliveries = [*eng.details.get("deliveries", []), {**delivery, "recorded_by":
                                                        ctx.actor.username}]
    _update(ctx, eng, {"stage": "delivered", "deliveries": deliveries},
            completed_at=moment_of(day))
    late_days = 0
    if eng.promised_completion_at is not None:
        promised_day = eng.promised_completion_at.astimezone(COMPANY_TZ).date()
        late_days = max(0, (day - promised_day).days)
    _merge_purchase(ctx, **delivery, late_days=late_days, deliveries=len(deliveries))


def _report_problem(ctx: TransitionContext) -> None:
    problem = {"type": ctx.data["problem_type"], "description": ctx.data["description"],
               "reported_by": ctx.actor.username, "reported_by_name": ctx.actor.full_name,
               "reported_at": _now()}
    _merge_purchase(ctx, problems=[*_purchase(ctx).get("problems", []), problem])


def _return_to_supplier(ctx: TransitionContext) -> None:
    data, eng = ctx.data, _engagement(ctx)
    problems = list(_purchase(ctx).get("problems", []))
    if data.get("problem_type") or not problems:
        problems.append({"type": data["problem_type"], "description": data["description"],
                         "reported_by": ctx.actor.username,
                         "reported_by_name": ctx.actor.full_name, "reported_at": _now()})
    returned = {**problems[-1], "supplier_reference": data.get("supplier_reference", ""),
                "replacement_due": data["replacement_due"].isoformat(),
                "returned_at": _now()}
    # The delivery is not complete until the supplier has put it right.
    _update(ctx, eng, {"stage": "returned",
                       "returns": [*eng.details.get("returns", []), returned]},
            completed_at=None)
    _merge_purchase(ctx, problems=problems, replacement_due=returned["replacement_due"],
                    return_reference=returned["supplier_reference"])


def _confirm_receipt(ctx: TransitionContext) -> None:
    rows = ctx.data.get("received_items") or []
    tags: list[str] = []
    if rows:
        tags = _receive_assets(ctx, rows)
    _merge_purchase(ctx, received={**_who(ctx), "at": _now(),
                                   "remarks": ctx.data.get("remarks", ""),
                                   **({"assets": tags} if tags else {})})


def _receive_assets(ctx: TransitionContext, rows: list[dict[str, Any]]) -> list[str]:
    """Put the devices received into the installed base, linked to the request: their
    supplier, the requester's department, the delivery day as the purchase date."""
    eng = supplier_engagement(ctx)
    delivered = _purchase(ctx).get("delivered_on")
    dept = ctx.request.requester.department if ctx.request.requester else None
    items = [{
        "type": ASSET_TYPES[row["item_type"]], "model": row["model"], "serial": row["serial"],
        "tag": row.get("tag") or None, "user": row.get("user") or None,
        "location": row.get("location") or ctx.request.details.get("delivery_location") or None,
        "department": dept.code if dept is not None else None,
        "purchased_on": delivered or company_today().isoformat(),
        "warranty_end": row.get("warranty_end"),
        "status": "in_use" if row.get("user") else "in_stock",
    } for row in rows]
    try:
        assets = svc.receive_assets(ctx.session, ctx.actor, ctx.request, items,
                                    supplier=eng.vendor if eng is not None else None)
    except ValidationFailed as exc:
        # The asset service names ``items.<n>.<field>``: the step's field is received_items.
        raise ValidationFailed({k.replace("items.", "received_items.", 1): v
                                for k, v in exc.errors.items()}) from exc
    return [a.tag for a in assets]


_HANDLERS: dict[str, Callable[[TransitionContext], None]] = {
    "submit_for_approval": _submit_for_approval,
    "approve": _approve,
    "reject": _reject,
    "request_quote": _request_quote,
    "record_quote": _record_quote,
    "choose_quote": _choose_quote,
    "place_order": _place_order,
    "record_delivery": _record_delivery,
    "report_problem": _report_problem,
    "return_to_supplier": _return_to_supplier,
    "confirm_receipt": _confirm_receipt,
}
