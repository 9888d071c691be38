"""Counters of assets: their definitions per asset type, and the readings people enter.

A reading is checked before it is kept: it belongs to a counter of the asset's type, it is a
whole number within the counter's limit, it is dated after the counter's last reading and not
in the future, and a cumulative counter (a printer's page count) never goes down unless the
reading is marked as a reset (a new counter board: the lifetime total keeps growing from the
value before the reset). An age counter (a UPS battery's months) is computed from the asset's
purchase date or its last reset, and only resets are entered for it. Every reading is checked
against the threshold rules of its counter in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import clock
from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    Asset,
    AssetType,
    CounterDefinition,
    CounterKind,
    CounterReading,
    Role,
    User,
)
from hdcore.services.assets import get_asset, record_asset, require_asset_manager
from hdcore.services.assets_fields import as_id
from hdcore.services.base import company_timezone, service

#: Who defines counters and threshold rules.
COUNTER_ADMINS = frozenset({Role.LEAD.value, Role.ADMIN.value})
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Readings from a clock a few minutes ahead of the server's are still accepted.
CLOCK_SKEW = timedelta(minutes=5)
SOURCES = ("web", "api", "csv", "system")
MAX_VALUE = 10**15


def can_define_counters(actor: User) -> bool:
    """Whether ``actor`` defines counters and threshold rules (the lead, administrators)."""
    return actor.is_active and actor.role in COUNTER_ADMINS


def require_counter_admin(actor: User | None) -> None:
    """Only the lead and administrators define counters and threshold rules."""
    if actor is None or getattr(actor, "is_system", False):
        return
    if not can_define_counters(actor):
        raise PermissionDenied(str(_("Only the help desk lead and administrators can define "
                                     "counters and threshold rules.")))


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def parse_whole(value: Any, errors: dict[str, list[str]], name: str, *,
                minimum: int = 0, maximum: int = MAX_VALUE, required: bool = True) -> int | None:
    """A whole number from an int or a text like ``20 000`` / ``20,000``; an error otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _add(errors, name, str(_("This field is required.")))
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s,_，]", "", value)
        if re.fullmatch(r"[+-]?\d+", text):
            number = int(text)
    if number is None:
        _add(errors, name, str(_("Enter a whole number.")))
        return None
    if number < minimum or number > maximum:
        _add(errors, name, str(_("Enter a number from %(a)d to %(b)d.")) % {
            "a": minimum, "b": maximum})
        return None
    return number


def parse_time(session: Session, value: Any, errors: dict[str, list[str]],
               name: str) -> datetime | None:
    """A time from an aware datetime, a date (its start), or ISO text read in the company's
    zone when it has none; an error naming ``name`` otherwise."""
    zone = company_timezone(session)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    if isinstance(value, str):
        text = value.strip().replace("/", "-")
        try:
            parsed = datetime.fromisoformat(text.replace("T", " "))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    _add(errors, name, str(_("Not a valid date and time (use YYYY-MM-DD HH:MM).")))
    return None


# -- definitions -------------------------------------------------------------------------------


def get_counter(session: Session, counter: int | str | CounterDefinition,
                asset_type: str | None = None) -> CounterDefinition:
    """A counter by object, id, or code (within ``asset_type``); NotFound otherwise."""
    if isinstance(counter, CounterDefinition):
        return counter
    found = None
    ident = as_id(counter)
    if ident is not None:
        found = session.get(CounterDefinition, ident)
    elif isinstance(counter, str) and asset_type is not None:
        found = session.scalar(select(CounterDefinition).where(
            CounterDefinition.asset_type == asset_type,
            func.lower(CounterDefinition.code) == counter.strip().lower()))
    if found is None:
        raise NotFound(f"no counter {counter}")
    return found


def counters_for_type(session: Session, asset_type: str, *,
                      active_only: bool = True) -> list[CounterDefinition]:
    """The counters kept for assets of ``asset_type``, by name."""
    query = select(CounterDefinition).where(CounterDefinition.asset_type == asset_type)
    if active_only:
        query = query.where(CounterDefinition.active.is_(True))
    return list(session.scalars(query.order_by(CounterDefinition.name)))


def all_counters(session: Session) -> list[CounterDefinition]:
    """Every counter definition, by asset type and name."""
    return list(session.scalars(select(CounterDefinition).order_by(
        CounterDefinition.asset_type, CounterDefinition.name)))


def _check_counter(session: Session, values: dict[str, Any],
                   counter: CounterDefinition | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "asset_type" in values and values["asset_type"] not in {t.value for t in AssetType}:
        _add(errors, "asset_type", str(_("Choose one of: %(c)s.")) % {
            "c": ", ".join(AssetType)})
    if "code" in values and not CODE_RE.match(str(values["code"] or "")):
        _add(errors, "code", str(_("Lower-case letters, digits and _ only, starting with a "
                                   "letter (like page_count).")))
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name:
            _add(errors, "name", str(_("This field is required.")))
        elif len(name) > 120:
            _add(errors, "name", str(_("At most %(n)d characters.")) % {"n": 120})
        values["name"] = name
    if "unit" in values:
        values["unit"] = str(values["unit"] or "").strip()
        if len(values["unit"]) > 20:
            _add(errors, "unit", str(_("At most %(n)d characters.")) % {"n": 20})
    if "kind" in values and values["kind"] not in {k.value for k in CounterKind}:
        _add(errors, "kind", str(_("Choose one of: %(c)s.")) % {"c": ", ".join(CounterKind)})
    if "max_value" in values:
        values["max_value"] = parse_whole(values["max_value"], errors, "max_value", minimum=1,
                                          required=False)
    if not errors and ("code" in values or "asset_type" in values):
        asset_type = values.get("asset_type", counter.asset_type if counter else None)
        code = values.get("code", counter.code if counter else None)
        clash = session.scalar(select(CounterDefinition).where(
            CounterDefinition.asset_type == asset_type, CounterDefinition.code == code))
        if clash is not None and clash is not counter:
            _add(errors, "code", str(_("This asset type already has a counter %(c)s.")) % {
                "c": code})
    if counter is not None and "kind" in values and values["kind"] != counter.kind:
        used = session.scalar(select(func.count()).where(CounterReading.counter_id == counter.id))
        if used:
            _add(errors, "kind", str(_("The counter has readings; its kind cannot change.")))
    return errors


@service
def create_counter(session: Session, actor: User | None, *, asset_type: str, code: str,
                   name: str, unit: str = "", kind: str = CounterKind.CUMULATIVE.value,
                   max_value: int | str | None = None) -> CounterDefinition:
    """Define a counter for every asset of ``asset_type``."""
    require_counter_admin(actor)
    values = {"asset_type": asset_type, "code": (code or "").strip().lower(), "name": name,
              "unit": unit, "kind": kind, "max_value": max_value}
    errors = _check_counter(session, values, None)
    if errors:
        raise ValidationFailed(errors)
    counter = CounterDefinition(**values)
    session.add(counter)
    session.flush()
    return counter


@service
def update_counter(session: Session, actor: User | None,
                   counter: int | CounterDefinition, **values: Any) -> CounterDefinition:
    """Change a counter's name, unit, limit, kind (while it has no readings) or switch it
    off (``active=False``: no new readings, its rules stop)."""
    require_counter_admin(actor)
    counter = get_counter(session, counter)
    unknown = set(values) - {"code", "name", "unit", "kind", "max_value", "active"}
    if unknown:
        raise ValidationFailed({k: [str(_("Unknown field."))] for k in sorted(unknown)})
    if "code" in values:
        values["code"] = str(values["code"] or "").strip().lower()
    errors = _check_counter(session, values, counter)
    if errors:
        raise ValidationFailed(errors)
    for key, value in values.items():
        setattr(counter, key, bool(value) if key == "active" else value)
    session.flush()
    return counter


# -- state of an asset's counters --------------------------------------------------------------


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def latest_reading(session: Session, asset: Asset,
                   counter: CounterDefinition) -> CounterReading | None:
    """The asset's last reading of ``counter`` (by time)."""
    return session.scalar(select(CounterReading).where(
        CounterReading.asset_id == asset.id, CounterReading.counter_id == counter.id)
        .order_by(CounterReading.read_at.desc(), CounterReading.id.desc()).limit(1))


def age_start(session: Session, asset: Asset, counter: CounterDefinition
              ) -> tuple[date | None, int]:
    """Where an age counter counts from, and which run it is (the reset reading's id, or 0):
    the last reset's day, else the purchase date, else the day the asset was registered."""
    zone = company_timezone(session)
    reset = session.scalar(select(CounterReading).where(
        CounterReading.asset_id == asset.id, CounterReading.counter_id == counter.id,
        CounterReading.is_reset.is_(True))
        .order_by(CounterReading.read_at.desc(), CounterReading.id.desc()).limit(1))
    if reset is not None:
        return reset.read_at.astimezone(zone).date(), reset.id
    if asset.purchased_on is not None:
        return asset.purchased_on, 0
    created = asset.created_at
    return (created.astimezone(zone).date() if created else None), 0


@dataclass
class CounterState:
    """One counter of an asset as shown: its value now, lifetime total, last reading."""

    counter: CounterDefinition
    value: int | None
    total: int | None
    last: CounterReading | None
    #: For age counters: the day counted from.
    since: date | None = None


def counter_value(session: Session, asset: Asset, counter: CounterDefinition,
                  now: datetime | None = None) -> CounterState:
    """The counter's current state for ``asset``."""
    last = latest_reading(session, asset, counter)
    if counter.kind == CounterKind.AGE.value:
        start, _run = age_start(session, asset, counter)
        today = (now or clock.now()).astimezone(company_timezone(session)).date()
        months = months_between(start, today) if start else None
        return CounterState(counter, months, months, last, since=start)
    if last is None:
        return CounterState(counter, None, None, None)
    return CounterState(counter, last.value, last.total, last)


def counter_states(session: Session, asset: Asset,
                   now: datetime | None = None) -> list[CounterState]:
    """Every active counter of the asset's type, with its current value."""
    return [counter_value(session, asset, c, now)
            for c in counters_for_type(session, asset.type)]


def readings_of(session: Session, asset: Asset, counter: CounterDefinition | None = None,
                limit: int = 100) -> list[CounterReading]:
    """The asset's readings (of one counter, or all), newest first."""
    query = select(CounterReading).where(CounterReading.asset_id == asset.id)
    if counter is not None:
        query = query.where(CounterReading.counter_id == counter.id)
    return list(session.scalars(query.order_by(CounterReading.read_at.desc(),
                                               CounterReading.id.desc()).limit(limit)))


# -- entering a reading ------------------------------------------------------------------------


def _when(session: Session, stamp: datetime) -> str:
    return stamp.astimezone(company_timezone(session)).strftime("%Y-%m-%d %H:%M")


@service
def record_reading(session: Session, actor: User | None, asset: int | str | Asset,
                   counter: int | str | CounterDefinition, *, value: Any = None,
                   read_at: Any = None, reset: bool = False, note: str | None = None,
                   source: str = "web") -> CounterReading:
    """Keep a reading of ``counter`` for ``asset`` after checking it (see the module), then
    open the requests its threshold rules call for. ``read_at`` defaults to now.

    A reset: the counter was set back (or, for an age counter, the part was replaced on
    ``read_at``); ``value`` is what the counter shows after it (0 if not given).
    """
    require_asset_manager(actor)
    asset = get_asset(session, asset)
    errors: dict[str, list[str]] = {}
    try:
        found = get_counter(session, counter, asset.type)
    except NotFound:
        raise ValidationFailed({"counter": [str(_("Unknown counter."))]}) from None
    if found.asset_type != asset.type:
        _add(errors, "counter", str(_("This counter is not kept for this type of asset.")))
    elif not found.active:
        _add(errors, "counter", str(_("This counter is switched off.")))
    if source not in SOURCES:
        _add(errors, "source", str(_("Choose one of: %(c)s.")) % {"c": ", ".join(SOURCES)})
    now = clock.now()
    when = parse_time(session, read_at, errors, "read_at") if read_at not in (None, "") else now
    if when is not None and when > now + CLOCK_SKEW:
        _add(errors, "read_at", str(_("A reading cannot be dated in the future.")))
    if note is not None and len(note) > 500:
        _add(errors, "note", str(_("At most %(n)d characters.")) % {"n": 500})
    is_age = found.kind == CounterKind.AGE.value
    if is_age and not reset:
        _add(errors, "value", str(_("This counter counts by itself; record only a reset (the "
                                    "part was replaced).")))
    number = 0 if (is_age or (reset and value in (None, ""))) else parse_whole(
        value, errors, "value", maximum=found.max_value or MAX_VALUE)
    last = latest_reading(session, asset, found) if not errors else None
    if last is not None and when is not None and when <= last.read_at:
        _add(errors, "read_at", str(_("The last reading is dated %(when)s; a new one must be "
                                      "later.")) % {"when": _when(session, last.read_at)})
    if (last is not None and number is not None and not reset
            and found.kind == CounterKind.CUMULATIVE.value and number < last.value):
        _add(errors, "value", str(_(
            "The counter cannot go down: it read %(last)s on %(when)s. If it was reset, record "
            "the reading as a reset.")) % {"last": f"{last.value:,}",
                                           "when": _when(session, last.read_at)})
    if when is not None and asset.purchased_on is not None and \
            when.astimezone(company_timezone(session)).date() < asset.purchased_on:
        _add(errors, "read_at", str(_("The asset was bought on %(d)s, after this date.")) % {
            "d": asset.purchased_on.isoformat()})
    if errors:
        raise ValidationFailed(errors)
    assert number is not None and when is not None
    if found.kind == CounterKind.CUMULATIVE.value and last is not None:
        total = last.total + (number if reset else number - last.value)
    else:
        total = number
    reading = CounterReading(asset_id=asset.id, counter_id=found.id, value=number, total=total,
                             is_reset=bool(reset), read_at=when, entered_at=now,
                             entered_by_id=getattr(actor, "id", None), source=source,
                             note=(note or "").strip() or None)
    session.add(reading)
    session.flush()
    if reset:
        record_asset(session, asset, actor, "counter_reset", data={
            "counter": found.name, "value": number, "before": last.value if last else None,
            "at": when.isoformat()})
    from hdcore.services.counter_rules import check_asset

    check_asset(session, asset, counter=found, now=now)
    return reading
