"""SLA and reminder policies for the administrator: targets, escalation ladder, reminder marks.

A category without its own policy for a priority follows the default (category ``*``); saving
one for the category gives it its own, resetting takes it back to the default. Open requests
of the category are then recomputed by the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, ValidationFailed
from hdcore.i18n import _
from hdcore.models import ANY_CATEGORY, Priority, SlaCalendar, SlaPolicy, SlaReminderPolicy, User
from hdcore.services.base import host_of, service
from hdcore.services.sla_calendars import recompute_open_requests, require_manager
from hdcore.sla.policy import ACTIONS, TARGETS, Level

#: The longest target and delay accepted: a year of round-the-clock minutes.
MAX_MINUTES = 525_600
MAX_LEVELS = 12
MAX_DAYS = 365


@dataclass(frozen=True)
class PolicyRow:
    """What applies to one category and priority: its own policy or the default."""

    category: str
    priority: str
    policy: SlaPolicy | None
    own: bool


def _category(session: Session, category: Any) -> str:
    if category == ANY_CATEGORY:
        return ANY_CATEGORY
    if category not in {c.name for c in host_of(session).categories()}:
        raise ValidationFailed({"category": [str(_("Unknown service category."))]})
    return str(category)


def _minutes(value: Any, field: str, errors: dict[str, list[str]], *, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_MINUTES:
        errors[field] = [str(_("Give a whole number of minutes from %(a)d to %(b)d.")) % {
            "a": low, "b": MAX_MINUTES}]
        return 0
    return value


def check_levels(raw: Any) -> tuple[list[Level], dict[str, list[str]]]:
    """Validate ladder levels (dicts of target, percent, after_minutes, action); errors are
    named ``levels.<n>.<field>``."""
    errors: dict[str, list[str]] = {}
    levels: list[Level] = []
    items = list(raw or [])
    if len(items) > MAX_LEVELS:
        errors["levels"] = [str(_("At most %(n)d levels.")) % {"n": MAX_LEVELS}]
    seen: set[str] = set()
    for i, item in enumerate(items[:MAX_LEVELS]):
        where = f"levels.{i}"
        target, action = item.get("target"), item.get("action")
        percent, after = item.get("percent"), item.get("after_minutes", 0)
        if target not in TARGETS:
            errors[f"{where}.target"] = [str(_("Choose first response or resolution."))]
        if action not in ACTIONS:
            errors[f"{where}.action"] = [str(_("Choose what happens."))]
        if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 1000:
            errors[f"{where}.percent"] = [str(_("Give a share from 1 to 1000 percent."))]
        after = _minutes(after, f"{where}.after_minutes", errors, low=0)
        if any(k.startswith(where + ".") for k in errors):
            continue
        level = Level(str(target), int(percent), after, str(action))
        if level.key in seen:
            errors[f"{where}.percent"] = [str(_("The same level is listed twice."))]
            continue
        seen.add(level.key)
        levels.append(level)
    return levels, errors


@service
def save_policy(session: Session, actor: User | None, *, category: str, priority: str,
                response_minutes: int, resolution_minutes: int, calendar_id: int,
                vendor_pauses: bool, levels: list[dict[str, Any]]) -> SlaPolicy:
    """Set the targets (business minutes), calendar, vendor rule and escalation ladder of one
    category and priority (``*``: the default for categories without their own)."""
    require_manager(session, actor)
    errors: dict[str, list[str]] = {}
    try:
        category = _category(session, category)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if priority not in {p.value for p in Priority}:
        errors["priority"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Priority)}]
    response = _minutes(response_minutes, "response_minutes", errors)
    resolution = _minutes(resolution_minutes, "resolution_minutes", errors)
    if not errors.get("response_minutes") and not errors.get("resolution_minutes") \
            and response > resolution:
        errors["resolution_minutes"] = [str(_("The resolution target cannot be shorter than "
                                              "the first-response target."))]
    if not isinstance(calendar_id, int) or session.get(SlaCalendar, calendar_id) is None:
        errors["calendar_id"] = [str(_("Choose a calendar."))]
    ladder, ladder_errors = check_levels(levels)
    errors.update(ladder_errors)
    if errors:
        raise ValidationFailed(errors)
    row = session.scalar(select(SlaPolicy).where(SlaPolicy.category == category,
                                                 SlaPolicy.priority == priority))
    if row is None:
        row = SlaPolicy(category=category, priority=priority)
        session.add(row)
    row.response_minutes, row.resolution_minutes = response, resolution
    row.calendar_id, row.vendor_pauses = calendar_id, bool(vendor_pauses)
    row.escalation = [lv.as_json() for lv in ladder]
    session.flush()
    recompute_open_requests(session, None if category == ANY_CATEGORY else category)
    return row


@service
def reset_policy(session: Session, actor: User | None, *, category: str, priority: str) -> None:
    """Let the category follow the default policy for ``priority`` again."""
    require_manager(session, actor)
    if category == ANY_CATEGORY:
        raise ValidationFailed({"category": [str(_("The default policy cannot be removed."))]})
    row = session.scalar(select(SlaPolicy).where(SlaPolicy.category == category,
                                                 SlaPolicy.priority == priority))
    if row is None:
        raise NotFound(f"no own policy of {category}/{priority}")
    session.delete(row)
    session.flush()
    recompute_open_requests(session, category)


@service
def save_reminder_policy(session: Session, actor: User | None, *, category: str,
                         reminder_days: list[int], close_after_days: int | None,
                         reopen_days: int) -> SlaReminderPolicy:
    """Set when a resolved request's requester is reminded (business days after the
    resolution, ascending), when it closes itself (None: never) and for how many calendar
    days its requester may reopen it then."""
    require_manager(session, actor)
    errors: dict[str, list[str]] = {}
    try:
        category = _category(session, category)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    days = list(reminder_days or [])
    if any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= MAX_DAYS
           for d in days) or days != sorted(set(days)):
        errors["reminder_days"] = [str(_("Give increasing whole numbers of business days, "
                                         "like 2, 4."))]
    if close_after_days is not None:
        bad = (isinstance(close_after_days, bool) or not isinstance(close_after_days, int)
               or not 1 <= close_after_days <= MAX_DAYS)
        if bad or (days and not errors.get("reminder_days") and close_after_days <= days[-1]):
            errors["close_after_days"] = [str(_("Give a number of business days after the "
                                                "last reminder."))]
    if isinstance(reopen_days, bool) or not isinstance(reopen_days, int) \
            or not 0 <= reopen_days <= MAX_DAYS:
        errors["reopen_days"] = [str(_("Give a number of days from 0 to %(n)d.")) % {
            "n": MAX_DAYS}]
    if errors:
        raise ValidationFailed(errors)
    row = session.scalar(select(SlaReminderPolicy).where(SlaReminderPolicy.category == category))
    if row is None:
        row = SlaReminderPolicy(category=category)
        session.add(row)
    row.reminder_days, row.close_after_days, row.reopen_days = days, close_after_days, reopen_days
    session.flush()
    recompute_open_requests(session, None if category == ANY_CATEGORY else category)
    return row


@service
def reset_reminder_policy(session: Session, actor: User | None, *, category: str) -> None:
    """Let the category follow the default reminder ladder again."""
    require_manager(session, actor)
    if category == ANY_CATEGORY:
        raise ValidationFailed({"category": [str(_("The default policy cannot be removed."))]})
    row = session.scalar(select(SlaReminderPolicy).where(SlaReminderPolicy.category == category))
    if row is None:
        raise NotFound(f"no own reminder policy of {category}")
    session.delete(row)
    session.flush()
    recompute_open_requests(session, category)


def policy_rows(session: Session) -> list[PolicyRow]:
    """Every category (the default first) with each priority's policy, own or inherited."""
    rows = {(p.category, p.priority): p for p in session.scalars(select(SlaPolicy))}
    categories = [ANY_CATEGORY, *sorted(c.name for c in host_of(session).categories())]
    out = []
    for cat in categories:
        for prio in Priority:
            own = rows.get((cat, prio.value))
            out.append(PolicyRow(cat, prio.value, own or rows.get((ANY_CATEGORY, prio.value)),
                                 own is not None))
    return out


def reminder_policy(session: Session, category: str) -> tuple[SlaReminderPolicy | None, bool]:
    """The reminder ladder that applies to ``category``, and whether it is the category's own."""
    rows = {p.category: p for p in session.scalars(select(SlaReminderPolicy).where(
        SlaReminderPolicy.category.in_([category, ANY_CATEGORY])))}
    own = rows.get(category)
    return own or rows.get(ANY_CATEGORY), own is not None and category != ANY_CATEGORY
