"""The purchase's rules: who may approve what, and which steps the facts do not allow yet.

Called from ``hd_check_transition``: returns the reasons a step is refused; a field that
can only be checked against the request (the supplier, a date against the order's) raises
``ValidationFailed`` naming the field, like the step's own schema would.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hdcore import TransitionContext, ValidationFailed, VendorEngagement
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.procurement.money import (
    APPROVAL_THRESHOLD,
    QUOTE_TOLERANCE,
    estimated_total,
    format_cny,
    needs_reapproval,
    to_amount,
)
from plugins.procurement.schemas import VENDOR_KIND
from plugins.procurement.workflow import PERM_APPROVE, PURCHASE_STATES


def supplier_engagement(ctx: TransitionContext) -> VendorEngagement | None:
    """The supplier currently engaged on the request (quoting, delivering), if any."""
    return svc.current_engagement(ctx.session, ctx.request, VENDOR_KIND)


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
    reasons = []
    if ctx.actor.id == ctx.request.requester_id:
        reasons.append(str(_("Nobody may approve their own purchase request.")))
    amount = amount_to_approve(ctx)
    has_permission = svc.host_of(ctx.session).has_permission
    if amount > APPROVAL_THRESHOLD and not has_permission(ctx.actor, PERM_APPROVE):
        reasons.append(str(_(
            "Purchases above %(limit)s need the IT manager's approval; this one is %(amount)s."
        )) % {"limit": format_cny(APPROVAL_THRESHOLD), "amount": format_cny(amount)})
    return reasons


def _needs_approval(ctx: TransitionContext) -> list[str]:
    if approval(ctx.request.details).get("status") != "approved":
        return [str(_("The purchase has not been approved (or was changed since): submit it "
                      "for approval first."))]
    return []


def _place_order(ctx: TransitionContext) -> list[str]:
    reasons = _needs_approval(ctx)
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
