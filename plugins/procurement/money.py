"""Money in CNY: exact decimal amounts, line-item totals, the approval rules' numbers, display."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
#: Purchases whose amount is above this (CNY) need the IT manager's approval; the help desk
#: lead may approve up to it.
APPROVAL_THRESHOLD = Decimal("50000.00")
#: A quote may exceed the approved amount by this share before it needs approval again.
QUOTE_TOLERANCE = Decimal("0.10")
#: The largest amount a line's unit price or a quote may carry.
MAX_AMOUNT = Decimal("99999999.99")


def to_amount(value: Any) -> Decimal | None:
    """An amount as stored in JSON (a string like ``"1234.50"``) as a Decimal; None if unusable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def estimated_total(items: Iterable[Mapping[str, Any]] | None) -> Decimal:
    """The sum of quantity × estimated unit price over the line items, to the fen."""
    total = Decimal("0")
    for item in items or ():
        if not isinstance(item, Mapping):
            continue
        price = to_amount(item.get("unit_price"))
        qty = item.get("quantity")
        if price is None or isinstance(qty, bool) or not isinstance(qty, int):
            continue
        total += price * qty
    return total.quantize(CENT)


def amount_str(amount: Decimal) -> str:
    """The JSON form of an amount: a plain string with two decimals (exact on a round trip)."""
    return format(amount.quantize(CENT), "f")


def format_cny(amount: Decimal) -> str:
    """An amount for people: ``¥12,345.60``."""
    return f"¥{amount.quantize(CENT):,.2f}"


def needs_reapproval(quoted: Decimal, approved: Decimal) -> bool:
    """Whether a quote exceeds the approved amount by more than the tolerance."""
    return quoted > approved * (1 + QUOTE_TOLERANCE)


def overrun_percent(quoted: Decimal, approved: Decimal) -> Decimal | None:
    """How far the quote is above (or below, negative) the approved amount, in percent."""
    if approved <= 0:
        return None
    return ((quoted - approved) * 100 / approved).quantize(Decimal("0.1"))
