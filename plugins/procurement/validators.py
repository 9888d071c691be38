"""Field types and checks the procurement forms share: trimmed text, money, company dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from hdcore import lazy_gettext as _
from hdcore import now
from plugins.procurement.money import CENT, MAX_AMOUNT

#: The company's zone. China keeps one offset all year (no daylight saving), so a fixed
#: offset gives the same calendar days as Asia/Shanghai without needing a zone database.
COMPANY_TZ = timezone(timedelta(hours=8), "CST")


def company_today() -> date:
    """Today's date at the company (China Standard Time)."""
    return now().astimezone(COMPANY_TZ).date()


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` at the company, in UTC (a promise 'by that day' ends then)."""
    return datetime.combine(day, time.max, COMPANY_TZ).astimezone(UTC)


def moment_of(day: date) -> datetime:
    """When something that happened on ``day`` is recorded: now if today, else midday that day.

    Only the date is asked for; a past day's hour is unknown, and midday keeps the moment
    inside that calendar day.
    """
    if day == company_today():
        return now()
    return datetime.combine(day, time(12), COMPANY_TZ).astimezone(UTC)


def not_in_past(value: date | None) -> None:
    """Refuse a date before today."""
    if value is not None and value < company_today():
        raise ValidationError(_("The date cannot be in the past."))


def not_in_future(value: date | None) -> None:
    """Refuse a date after today."""
    if value is not None and value > company_today():
        raise ValidationError(_("The date cannot be in the future."))


class Text(fields.String):
    """A string with surrounding white space removed (so blanks count as empty)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Code(Text):
    """A code people may type in lower case (``cc-100``), kept in upper case."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).upper()


class OptionalDate(fields.Date):
    """A date that may be left empty; an empty form field means no date."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_none=True, load_default=None, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class WholeNumber(fields.Integer):
    """An integer, also from a form's text; ``2.5`` is refused instead of cut to ``2``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, float | Decimal):
            try:
                whole = value == int(value)
            except (ArithmeticError, ValueError):  # infinity, NaN
                whole = False
            if not whole:
                raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class Money(fields.Decimal):
    """An amount in CNY from 0 up, at most two decimals, kept as an exact string in JSON.

    Numbers and strings are both accepted (``1299``, ``"1299.5"``); more than two decimals
    are refused rather than rounded, so nobody's figure is silently changed.
    """

    default_error_messages = {
        "invalid": _("Give an amount in yuan, e.g. 1299.00."),
        "special": _("Give an amount in yuan, e.g. 1299.00."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, str):
            value = value.strip().replace(",", "").lstrip("¥￥")
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
            raise ValidationError(_("At most two decimals (fen)."))
        if amount < 0:
            raise ValidationError(_("The amount cannot be negative."))
        if amount > MAX_AMOUNT:
            raise ValidationError(_("The amount is too large."))
        return amount.quantize(CENT)
