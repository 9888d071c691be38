"""Reading the desk's posted forms, and what a refused form shows again (typed text, errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import request
from flask_babel import gettext as _

from hdcore import ValidationFailed
from web.i18n import select_timezone


def user_zone() -> ZoneInfo:
    """The signed-in user's time zone (Shanghai when theirs is unknown)."""
    try:
        return ZoneInfo(select_timezone())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Shanghai")


@dataclass
class FormState:
    """A form drawn again after a refused post: what was typed, the errors, a stale notice."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: The request changed since the form was loaded (the notice replaces field errors).
    conflict: bool = False

    def error_list(self, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Errors that belong to no drawn field (shown at the top of the form)."""
        return [m for k, msgs in self.errors.items() if k.split(".")[0] not in known
                for m in msgs]


def form_int(name: str) -> int | None:
    """A posted whole number (a select's id), or None when empty or not a number."""
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


def form_ints(name: str) -> list[int]:
    """Every posted whole number of a multi-value input (checkboxes, multi-selects)."""
    return [int(v) for v in request.form.getlist(name) if v.strip().isdigit()]


def form_version() -> int | None:
    """The version of the request the form was drawn with (hidden ``version`` input)."""
    return form_int("version")


def local_datetime(raw: str | None, field_name: str) -> datetime | None:
    """A ``datetime-local`` input read in the user's zone; ValidationFailed naming the field."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            naive = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=user_zone())
    raise ValidationFailed({field_name: [_("Give a date and time like 2026-03-01 14:30.")]})


def local_input_value(value: datetime | None) -> str:
    """A stored time as a ``datetime-local`` input value in the user's zone."""
    if value is None:
        return ""
    return value.astimezone(user_zone()).strftime("%Y-%m-%dT%H:%M")
