"""Threshold rules: requests the installed base opens by itself, once per crossing.

A rule watches one counter of every asset of the counter's type and, when the counter crosses
its threshold, files a request in the rule's category on the rule's requester's name, linked
to the asset. Two modes:

* **every N** (a toner cartridge every 20 000 pages): fires each time the counter's lifetime
  total reaches another multiple of N. The asset's first reading is the baseline (a printer
  registered at 35 000 pages does not order toner for the 20 000 it printed elsewhere). A
  reading that jumps over several multiples fires once, for the highest. For an age counter
  the multiples count from the last reset (a battery every 36 months since it was fitted).
* **above X** (a battery older than 36 months; seats in use above the licence's): fires when
  the value rises above X, once for as long as it stays above; again after it came back
  down (or the part was replaced) and rose again.

Each firing is a row whose (rule, asset, crossing) is unique, written before the request in
one savepoint: checking twice, or two workers at once, never opens a second request. Rules are
checked when a reading is entered and by the worker's job (age counters grow by themselves).
A firing that fails (the category is switched off, the requester left) is logged and tried
again by the next run.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hdcore import clock
from hdcore.errors import HelpdeskError, NotFound, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    Asset,
    AssetStatus,
    CounterDefinition,
    CounterKind,
    CounterReading,
    Priority,
    ThresholdFiring,
    ThresholdMode,
    ThresholdRule,
    User,
)
from hdcore.services.asset_links import attach
from hdcore.services.assets_fields import as_id, find_person
from hdcore.services.base import company_timezone, host_of, load, record, service, to_json
from hdcore.services.counters import (
    age_start,
    get_counter,
    latest_reading,
    months_between,
    parse_whole,
    require_counter_admin,
)

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

log = logging.getLogger("hdcore.assets")
#: The placeholders a rule's title and description may use.
PLACEHOLDERS = ("tag", "model", "serial", "type", "location", "department", "user",
                "counter", "value", "unit", "amount")
#: How often the worker checks every rule, and how many assets one transaction checks.
JOB_NAME = "asset_thresholds"
JOB_EVERY = timedelta(hours=1)
BATCH = 200


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _check_template(errors: dict[str, list[str]], name: str, text: str) -> None:
    try:
        names = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        _add(errors, name, str(_("Unbalanced { or }; write {{ or }} for a brace.")))
        return
    bad = sorted({n for n in names if n not in PLACEHOLDERS})
    if bad:
        _add(errors, name, str(_("Unknown placeholder(s) %(bad)s; use %(ok)s.")) % {
            "bad": ", ".join("{" + b + "}" for b in bad),
            "ok": ", ".join("{" + p + "}" for p in PLACEHOLDERS)})


def _validate_rule(session: Session, values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    host = host_of(session)
    if "name" in values:
        values["name"] = str(values["name"] or "").strip()
        if not values["name"]:
            _add(errors, "name", str(_("This field is required.")))
        elif len(values["name"]) > 120:
            _add(errors, "name", str(_("At most %(n)d characters.")) % {"n": 120})
    if "counter" in values:
        try:
            values["counter"] = get_counter(session, values["counter"])
        except NotFound:
            _add(errors, "counter", str(_("Unknown counter.")))
    if "mode" in values and values["mode"] not in {m.value for m in ThresholdMode}:
        _add(errors, "mode", str(_("Choose one of: %(c)s.")) % {"c": ", ".join(ThresholdMode)})
    if "amount" in values:
        values["amount"] = parse_whole(values["amount"], errors, "amount", minimum=1)
    if "category" in values:
        try:
            host.category(values["category"])
        except NotFound:
            _add(errors, "category", str(_("Unknown service category.")))
    for name, limit in (("title", 200), ("description", 5000)):
        if name in values:
            text = str(values[name] or "").strip()
            values[name] = text
            if name == "title" and not text:
                _add(errors, name, str(_("This field is required.")))
            elif len(text) > limit:
                _add(errors, name, str(_("At most %(n)d characters.")) % {"n": limit})
            else:
                _check_template(errors, name, text)
    if "priority" in values and values["priority"] not in {p.value for p in Priority}:
        _add(errors, "priority", str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Priority)})
    if "requester" in values:
        values["requester"] = find_person(session, values["requester"], errors, "requester")
        if values["requester"] is None and "requester" not in errors:
            _add(errors, "requester", str(_("This field is required.")))
    if "details" in values and "category" not in errors and values.get("category"):
        loaded, problems = load(host.request_schema(values["category"]),
                                values["details"] or {}, prefix="details")
        errors.update(problems)
        if not problems:
            values["details"] = to_json(host.request_schema(values["category"]), loaded)
    counter = values.get("counter")
    if isinstance(counter, CounterDefinition) and counter.kind == CounterKind.GAUGE.value \
            and values.get("mode") == ThresholdMode.EVERY.value:
        _add(errors, "mode", str(_("A gauge goes up and down; use “above” for it.")))
    return errors


@service
def create_threshold_rule(session: Session, actor: User | None, *, name: str,
                          counter: int | CounterDefinition, mode: str, amount: Any,
                          category: str, title: str, requester: Any,
                          description: str = "", priority: str = Priority.NORMAL.value,
                          details: Mapping[str, Any] | None = None,
                          active: bool = True) -> ThresholdRule:
    """Define a rule (see the module); the category's fields in ``details`` are checked now,
    so the requests it opens later are complete."""
    require_counter_admin(actor)
    values: dict[str, Any] = {
        "name": name, "counter": counter, "mode": mode, "amount": amount,
        "category": category, "title": title, "description": description,
        "priority": priority, "requester": requester, "details": dict(details or {})}
    errors = _validate_rule(session, values)
    if errors:
        raise ValidationFailed(errors)
    rule = ThresholdRule(name=values["name"], counter=values["counter"], mode=mode,
                         amount=values["amount"], category=category, title=values["title"],
                         description=values["description"], priority=priority,
                         details=values["details"], requester=values["requester"],
                         active=bool(active))
    session.add(rule)
    session.flush()
    return rule


@service
def update_threshold_rule(session: Session, actor: User | None, rule: int | ThresholdRule,
                          **values: Any) -> ThresholdRule:
    """Change a rule's fields, or switch it off (``active=False``)."""
    require_counter_admin(actor)
    rule = get_rule(session, rule)
    allowed = {"name", "counter", "mode", "amount", "category", "title", "description",
               "priority", "requester", "details", "active"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed({k: [str(_("Unknown field."))] for k in sorted(unknown)})
    values = dict(values)
    if "details" in values or "category" in values:
        values.setdefault("category", rule.category)
        values.setdefault("details", rule.details)
    values.setdefault("mode", rule.mode)
    values.setdefault("counter", rule.counter)
    errors = _validate_rule(session, values)
    if errors:
        raise ValidationFailed(errors)
    for key, value in values.items():
        setattr(rule, key, bool(value) if key == "active" else value)
    session.flush()
    return rule


@service
def delete_threshold_rule(session: Session, actor: User | None, rule: int | ThresholdRule
                          ) -> None:
    """Remove a rule and its firings (the requests it opened stay)."""
    require_counter_admin(actor)
    session.delete(get_rule(session, rule))
    session.flush()


def get_rule(session: Session, rule: int | str | ThresholdRule) -> ThresholdRule:
    """A rule by id or object; NotFound otherwise."""
    if isinstance(rule, ThresholdRule):
        return rule
    ident = as_id(rule)
    found = session.get(ThresholdRule, ident) if ident is not None else None
    if found is None:
        raise NotFound(f"no threshold rule {rule}")
    return found


def all_rules(session: Session) -> list[ThresholdRule]:
    """Every rule, by name."""
    return list(session.scalars(select(ThresholdRule).order_by(ThresholdRule.name)))


def firings_of(session: Session, *, asset: Asset | None = None,
               rule: ThresholdRule | None = None, limit: int = 100) -> list[ThresholdFiring]:
    """Firings, newest first, of an asset or a rule."""
    query = select(ThresholdFiring)
    if asset is not None:
        query = query.where(ThresholdFiring.asset_id == asset.id)
    if rule is not None:
        query = query.where(ThresholdFiring.rule_id == rule.id)
    return list(session.scalars(query.order_by(ThresholdFiring.fired_at.desc(),
                                               ThresholdFiring.id.desc()).limit(limit)))


# -- deciding and firing -----------------------------------------------------------------------


def crossing(session: Session, rule: ThresholdRule, asset: Asset,
             now: datetime) -> tuple[str, int] | None:
    """The crossing the asset's counter is in for ``rule`` (its key and the value), or None."""
    counter = rule.counter
    if counter.kind == CounterKind.AGE.value:
        start, run = age_start(session, asset, counter)
        if start is None:
            return None
        months = months_between(start, now.astimezone(company_timezone(session)).date())
        if rule.mode == ThresholdMode.EVERY.value:
            level = months // rule.amount
            return (f"e{run}:n{level}", months) if level >= 1 else None
        return (f"e{run}", months) if months > rule.amount else None
    last = latest_reading(session, asset, counter)
    if last is None:
        return None
    readings = select(CounterReading).where(CounterReading.asset_id == asset.id,
                                            CounterReading.counter_id == counter.id)
    if rule.mode == ThresholdMode.EVERY.value:
        first = session.scalar(readings.order_by(CounterReading.read_at,
                                                 CounterReading.id).limit(1))
        assert first is not None
        level = last.total // rule.amount
        return (f"n{level}", last.total) if level > first.total // rule.amount else None
    if last.value <= rule.amount:
        return None
    low = session.scalar(readings.where(CounterReading.value <= rule.amount)
                         .order_by(CounterReading.read_at.desc()).limit(1))
    run = readings.order_by(CounterReading.read_at, CounterReading.id)
    if low is not None:
        run = run.where(CounterReading.read_at > low.read_at)
    start = session.scalar(run.limit(1))
    assert start is not None
    return f"r{start.id}", last.value


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, asset: Asset, rule: ThresholdRule, value: int) -> str:
    fields = _Fields(
        tag=asset.tag, model=asset.model or "", serial=asset.serial or "", type=asset.type_label,
        location=asset.location or "", department=asset.department.name if asset.department
        else "", user=asset.user.full_name if asset.user else "", counter=rule.counter.name,
        value=f"{value:,}", unit=rule.counter.unit or "", amount=f"{rule.amount:,}")
    try:
        return string.Formatter().vformat(text, (), fields)
    except (ValueError, IndexError, KeyError):
        return text


def _fill_details(data: Any, asset: Asset, rule: ThresholdRule, value: int) -> Any:
    """The rule's category fields with the placeholders of their texts filled in."""
    if isinstance(data, str):
        return _fill(data, asset, rule, value)
    if isinstance(data, Mapping):
        return {k: _fill_details(v, asset, rule, value) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill_details(v, asset, rule, value) for v in data]
    return data


def fire(session: Session, rule: ThresholdRule, asset: Asset, key: str, value: int,
         now: datetime) -> ThresholdFiring | None:
    """Open the rule's request for this crossing unless it was opened already (None then)."""
    exists = session.scalar(select(func.count()).where(
        ThresholdFiring.rule_id == rule.id, ThresholdFiring.asset_id == asset.id,
        ThresholdFiring.crossing == key))
    if exists:
        return None
    from hdcore.services.requests import submit_request

    try:
        with session.begin_nested():
            firing = ThresholdFiring(rule_id=rule.id, asset_id=asset.id, crossing=key,
                                     value=value, fired_at=now)
            session.add(firing)
            session.flush()
            title = _fill(rule.title, asset, rule, value)[:200]
            description = _fill(rule.description or "", asset, rule, value)
            req = submit_request(session, rule.requester, category=rule.category, title=title,
                                 description=description, priority=rule.priority,
                                 details=_fill_details(rule.details or {}, asset, rule,
                                                       value),
                                 incomplete_details=True)
            firing.request_id = req.id
            attach(session, None, req, asset, "threshold")
            record(session, req, None, "asset_threshold", data={
                "rule": rule.name, "rule_id": rule.id, "asset": asset.tag,
                "counter": rule.counter.name, "value": value, "crossing": key}, public=False)
            session.flush()
    except IntegrityError:
        return None  # another worker fired it at the same moment
    except HelpdeskError as exc:
        log.warning("threshold rule %s on %s could not open a request: %s", rule.name,
                    asset.tag, exc)
        return None
    return firing


def check_asset(session: Session, asset: Asset, *, counter: CounterDefinition | None = None,
                now: datetime | None = None) -> list[ThresholdFiring]:
    """Check the active rules of the asset's counters (or of one) and fire what is due."""
    if asset.status == AssetStatus.RETIRED.value:
        return []
    now = now or clock.now()
    query = (select(ThresholdRule).join(CounterDefinition,
                                        ThresholdRule.counter_id == CounterDefinition.id)
             .where(ThresholdRule.active.is_(True), CounterDefinition.active.is_(True),
                    CounterDefinition.asset_type == asset.type)
             .order_by(ThresholdRule.id))
    if counter is not None:
        query = query.where(ThresholdRule.counter_id == counter.id)
    fired = []
    for rule in session.scalars(query).all():
        found = crossing(session, rule, asset, now)
        if found is None:
            continue
        firing = fire(session, rule, asset, found[0], found[1], now)
        if firing is not None:
            fired.append(firing)
    return fired


@service
def check_thresholds(session: Session, asset_ids: list[int] | None = None,
                     now: datetime | None = None) -> list[ThresholdFiring]:
    """Check the rules for the given assets (or every asset a rule watches): one transaction."""
    types = select(CounterDefinition.asset_type).join(
        ThresholdRule, ThresholdRule.counter_id == CounterDefinition.id).where(
        ThresholdRule.active.is_(True))
    query = select(Asset).where(Asset.type.in_(types),
                                Asset.status != AssetStatus.RETIRED.value).order_by(Asset.id)
    if asset_ids is not None:
        query = query.where(Asset.id.in_(asset_ids))
    fired: list[ThresholdFiring] = []
    for asset in session.scalars(query).all():
        fired.extend(check_asset(session, asset, now=now))
    return fired


def threshold_job(helpdesk: HelpDesk, now: datetime) -> int:
    """The worker's job: every watched asset, in batches of :data:`BATCH`, one transaction
    each; the number of requests opened."""
    with helpdesk.session_scope() as session:
        types = select(CounterDefinition.asset_type).join(
            ThresholdRule, ThresholdRule.counter_id == CounterDefinition.id).where(
            ThresholdRule.active.is_(True))
        ids = list(session.scalars(select(Asset.id).where(
            Asset.type.in_(types), Asset.status != AssetStatus.RETIRED.value)
            .order_by(Asset.id)))
    opened = 0
    for start in range(0, len(ids), BATCH):
        with helpdesk.session_scope() as session:
            opened += len(check_thresholds(session, ids[start:start + BATCH], now))
    return opened
