"""The purchase's rules: who may approve what, and which steps the facts do not allow yet.

Called from ``hd_check_transition``: returns the reasons a step is refused; a field that
can only be checked against the request (the supplier, a date against the order's) raises
``ValidationFailed`` naming the field, like the step's own schema would.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from hdcore import TransitionContext, ValidationFailed, VendorEngagement
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.procurement.money import (
    QUOTE_TOLERANCE,
    estimated_total,
    format_cny,
    needs_reapproval,
    to_amount,
)
from plugins.procurement.schemas import ASSET_TYPES, VENDOR_KIND
from plugins.procurement.settings import budget_holder, threshold
from plugins.procurement.workflow import PERM_APPROVE, PERM_APPROVE_STANDARD, PURCHASE_STATES


def supplier_engagement(ctx: TransitionContext) -> VendorEngagement | None:
    """The supplier currently engaged on the request (quoting, delivering), if any."""
    return svc.current_engagement(ctx.session, ctx.request, VENDOR_KIND)


def open_suppliers(ctx: TransitionContext) -> list[VendorEngagement]:
    """Every supplier still engaged on the request (several while quotes are compared)."""
    return list(ctx.session.scalars(select(VendorEngagement).where(
        VendorEngagement.request_id == ctx.request.id, VendorEngagement.kind == VENDOR_KIND,
        VendorEngagement.status == "open").order_by(VendorEngagement.id)))


def quoted_suppliers(ctx: TransitionContext) -> list[VendorEngagement]:
    """The engaged suppliers whose quote is in."""
    return [e for e in open_suppliers(ctx) if quoted_amount(e) is not None]


def job_of(ctx: TransitionContext, name: str | None, field: str = "supplier"
           ) -> VendorEngagement:
    """The open engagement of the supplier ``name`` (None: the only one, or the latest one
    still waiting to quote); ValidationFailed naming ``field`` otherwise."""
    jobs = open_suppliers(ctx)
    if name:
        found = [e for e in jobs if e.vendor.name == name]
        if not found:
            raise ValidationFailed({field: [str(_("This supplier was not asked for a quote."))]})
        return found[-1]
    waiting = [e for e in jobs if quoted_amount(e) is None]
    if len(waiting) > 1:
        raise ValidationFailed({field: [str(_(
            "Several suppliers were asked: say whose quote this is."))]})
    if waiting:
        return waiting[0]
    if not jobs:
        raise ValidationFailed({field: [str(_("No supplier was asked for a quote."))]})
    return jobs[-1]


def quoted_amount(eng: VendorEngagement | None) -> Decimal | None:
    """The amount the engaged supplier quoted, once the quote is in."""
    return to_amount(eng.details.get("quoted_amount")) if eng is not None else None


def amount_to_approve(ctx: TransitionContext) -> Decimal:
    """What an approval now commits: the supplier's quote once in, else the estimate."""
    quoted = quoted_amount(supplier_engagement(ctx))
    if quoted is not None:
        return quoted
    return estimated_total(ctx.request.details.get("items"))


def approval(details: dict[str, Any]) -> dict[str, Any]:
    """The latest approval decision kept on the request (empty if none)."""
    found = details.get("approval")
    return found if isinstance(found, dict) else {}


def check(ctx: TransitionContext) -> list[str]:
    """Reasons to refuse ``ctx.transition`` on a procurement request (empty: allowed)."""
    check_fields(ctx)
    step = _STEP_RULES.get(ctx.transition.name)
    return step(ctx) if step else []


def _approve(ctx: TransitionContext) -> list[str]:
    """Up to the threshold the lead approves; above it the budget holder (the configured
    person, else the requester's department head, else the IT manager)."""
    reasons = []
    if ctx.actor.id == ctx.request.requester_id:
        reasons.append(str(_("Nobody may approve their own purchase request.")))
    amount = amount_to_approve(ctx)
    limit = threshold(ctx)
    has_permission = svc.host_of(ctx.session).has_permission
    values = {"limit": format_cny(limit), "amount": format_cny(amount)}
    if amount > limit:
        holder = budget_holder(ctx)
        if holder is not None and holder.id != ctx.request.requester_id:
            if ctx.actor.id != holder.id and ctx.actor.role != "admin":
                reasons.append(str(_(
                    "Purchases above %(limit)s need the budget holder's approval (%(who)s); "
                    "this one is %(amount)s.")) % {**values, "who": holder.full_name})
        elif not has_permission(ctx.actor, PERM_APPROVE):
            reasons.append(str(_(
                "Purchases above %(limit)s need the IT manager's approval; this one is "
                "%(amount)s.")) % values)
    elif not (has_permission(ctx.actor, PERM_APPROVE_STANDARD)
              or has_permission(ctx.actor, PERM_APPROVE)
              or getattr(budget_holder(ctx), "id", None) == ctx.actor.id):
        reasons.append(str(_("Purchases up to %(limit)s are approved by the help desk lead."))
                       % values)
    return reasons


def _needs_approval(ctx: TransitionContext) -> list[str]:
    if approval(ctx.request.details).get("status") != "approved":
        return [str(_("The purchase has not been approved (or was changed since): submit it "
                      "for approval first."))]
    return []


def _place_order(ctx: TransitionContext) -> list[str]:
    reasons = _needs_approval(ctx)
    if len(quoted_suppliers(ctx)) > 1:
        reasons.append(str(_("Several quotes are in: compare them and choose one first.")))
        return reasons
    quoted = quoted_amount(supplier_engagement(ctx))
    if quoted is None:
        reasons.append(str(_("No order without a supplier's quote: request a quote and record "
                             "it first.")))
    approved = to_amount(approval(ctx.request.details).get("amount"))
    if not reasons and quoted is not None and approved is not None and needs_reapproval(
        quoted, approved
    ):
        reasons.append(str(_(
            "The quote (%(quoted)s) is more than %(tol)s%% above the approved amount "
            "(%(approved)s) and needs approval again: submit it for approval."
        )) % {"quoted": format_cny(quoted), "approved": format_cny(approved),
              "tol": int(QUOTE_TOLERANCE * 100)})
    return reasons


def _needs_supplier(ctx: TransitionContext) -> list[str]:
    if supplier_engagement(ctx) is None:
        return [str(_("No supplier is engaged on this purchase: request a quote first."))]
    return []


def _resolve(ctx: TransitionContext) -> list[str]:
    if ctx.request.status in ("delivered", "delivery_problem"):
        return [str(_("Check the delivery first: confirm the receipt or return it to the "
                      "supplier."))]
    return []


def _cancel(ctx: TransitionContext) -> list[str]:
    if not ctx.actor.is_staff and supplier_engagement(ctx) is not None:
        return [str(_("A supplier is already working on this purchase; ask IT to cancel it so "
                      "the quote or order is withdrawn with the supplier."))]
    return []


def _wait_requester(ctx: TransitionContext) -> list[str]:
    if ctx.request.status in PURCHASE_STATES:
        return [str(_("While the purchase is under way, ask the requester with a comment: "
                      "this step would take the request out of the purchasing steps."))]
    return []


_STEP_RULES = {
    "approve": _approve,
    "request_quote": _needs_approval,
    "record_quote": _needs_supplier,
    "choose_quote": _needs_supplier,
    "place_order": _place_order,
    "record_delivery": _needs_supplier,
    "return_to_supplier": _needs_supplier,
    "resolve": _resolve,
    "cancel": _cancel,
    "wait_requester": _wait_requester,
}


def check_fields(ctx: TransitionContext) -> None:
    """Check the step's fields that depend on the request; raise one error naming them all."""
    errors: dict[str, list[str]] = {}
    name, data = ctx.transition.name, ctx.data
    if name == "request_quote":
        try:
            vendor = svc.find_vendor(ctx.session, data["supplier"], "supplier")
        except ValidationFailed as exc:
            errors.update(exc.errors)
        else:
            if VENDOR_KIND not in (vendor.kinds or []):
                errors["supplier"] = [str(_("This vendor is not registered as a supplier."))]
    elif name == "record_quote":
        try:
            job_of(ctx, data.get("supplier") or None)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    elif name == "choose_quote":
        quoted = {e.vendor.name for e in quoted_suppliers(ctx)}
        if data["supplier"] not in quoted:
            errors["supplier"] = [str(_("Choose one of the suppliers that quoted: %(s)s.")) % {
                "s": ", ".join(sorted(quoted)) or "-"}]
    elif name == "confirm_receipt" and data.get("received_items"):
        errors.update(check_received(ctx, data["received_items"]))
    elif name == "record_delivery":
        eng = supplier_engagement(ctx)
        ordered = _date(eng.details.get("ordered_at")) if eng is not None else None
        if ordered is not None and data["delivered_on"] < ordered:
            errors["delivered_on"] = [str(_("The goods cannot arrive before the order date "
                                            "(%(d)s).")) % {"d": ordered.isoformat()}]
    elif name == "return_to_supplier" and ctx.request.status != "delivery_problem":
        # Nobody reported the problem before: IT states it with this step.
        if not data.get("problem_type"):
            errors["problem_type"] = [str(_("Choose what is wrong."))]
        if not data.get("description"):
            errors["description"] = [str(_("Describe the problem."))]
    if errors:
        raise ValidationFailed(errors)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def check_received(ctx: TransitionContext, rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The devices listed at receipt: only IT lists them, no more of a type than ordered."""
    if not ctx.actor.is_staff:
        return {"received_items": [str(_("Only IT records the devices received."))]}
    ordered: dict[str, int] = {}
    for item in ctx.request.details.get("items") or []:
        if isinstance(item, dict) and isinstance(item.get("quantity"), int):
            key = ASSET_TYPES.get(str(item.get("item_type")))
            if key:
                ordered[key] = ordered.get(key, 0) + item["quantity"]
    counted: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for n, row in enumerate(rows):
        key = ASSET_TYPES[row["item_type"]]
        counted[key] = counted.get(key, 0) + 1
        if counted[key] > ordered.get(key, 0):
            errors[f"received_items.{n}.item_type"] = [str(_(
                "More devices of this type than were ordered (%(n)d).")) % {
                "n": ordered.get(key, 0)}]
    return errors
