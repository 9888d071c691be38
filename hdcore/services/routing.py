"""Managing automatic assignment: the switch per category, routing rules, group policies.

Managed by the administrator and the help desk lead (``actor`` None: the operator's command
line). Rules are tried by position; positions of a category are kept 1, 2, 3, ... so that
moving a rule is swapping two numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Group, RoutingRule, RoutingSetting, Skill, User, utcnow
from hdcore.routing.conditions import check_conditions, fields_by_name
from hdcore.routing.engine import rules_of
from hdcore.routing.policies import POLICIES
from hdcore.services.base import host_of, service
from hdcore.services.resources import GROUP_KINDS, find_skill, require_resource_manager

NAME_MAX = 120


def _category(session: Session, category: str, errors: dict[str, list[str]]) -> None:
    if category not in {c.name for c in host_of(session).categories()}:
        errors["category"] = [str(_("Unknown service category."))]


def _group(session: Session, ref: Group | int | str | None,
           errors: dict[str, list[str]]) -> Group | None:
    """A group by object, id (also as digits from a form) or name; errors name "group"."""
    if ref is None or ref == "":
        errors["group"] = [str(_("Choose the group the requests go to."))]
        return None
    if isinstance(ref, Group):
        return ref
    group = None
    if isinstance(ref, int) or ref.strip().isdigit():
        group = session.get(Group, int(ref))
    if group is None and isinstance(ref, str):
        group = session.scalar(select(Group).where(Group.name == ref.strip()))
    if group is None:
        errors["group"] = [str(_("Unknown group %(g)s.")) % {"g": ref}]
    return group


def _skill(session: Session, ref: Skill | int | str | None,
           errors: dict[str, list[str]]) -> Skill | None:
    if ref is None or ref == "":
        return None
    try:
        return find_skill(session, int(ref) if isinstance(ref, str) and ref.isdigit() else ref)
    except NotFound:
        errors["skill"] = [str(_("Unknown skill %(s)s.")) % {"s": ref}]
        return None


def _check_rule(session: Session, category: str, name: str | None,
                conditions: Sequence[Mapping[str, Any]], group: Any, skill: Any
                ) -> tuple[list[dict[str, Any]], Group | None, Skill | None,
                           dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [str(_("This field is required."))]
    elif len(name) > NAME_MAX:
        errors["name"] = [str(_("At most %(n)d characters.")) % {"n": NAME_MAX}]
    clean, condition_errors = check_conditions(fields_by_name(session, category),
                                               list(conditions or []))
    errors.update(condition_errors)
    return clean, _group(session, group, errors), _skill(session, skill, errors), errors


def get_rule(session: Session, rule_id: int) -> RoutingRule:
    """The rule by id; NotFound otherwise."""
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"no routing rule {rule_id}")
    return rule


def _renumber(session: Session, category: str) -> list[RoutingRule]:
    rules = rules_of(session, category)
    for i, rule in enumerate(rules, start=1):
        if rule.position != i:
            rule.position = i
    return rules


@service
def create_rule(session: Session, actor: User | None, *, category: str, name: str,
                group: Group | int | str | None, conditions: Sequence[Mapping[str, Any]] = (),
                skill: Skill | int | str | None = None, enabled: bool = True,
                position: int | None = None) -> RoutingRule:
    """Add a rule to a category, last (or at ``position``, 1 being tried first).

    ``conditions`` as :func:`hdcore.routing.conditions.check_conditions` takes them; none at
    all makes a rule every request meets (a catch-all, best kept last).
    """
    require_resource_manager(actor)
    errors: dict[str, list[str]] = {}
    _category(session, category, errors)
    if errors:
        raise ValidationFailed(errors)
    clean_name = (name or "").strip()
    clean, grp, sk, errors = _check_rule(session, category, clean_name, conditions, group,
                                         skill)
    if errors:
        raise ValidationFailed(errors)
    rules = _renumber(session, category)
    rule = RoutingRule(category=category, name=clean_name, conditions=clean, group=grp,
                       skill=sk, enabled=bool(enabled), position=len(rules) + 1)
    session.add(rule)
    session.flush()
    if position is not None and 1 <= int(position) <= len(rules):
        _place(session, rule, int(position))
    return rule


@service
def update_rule(session: Session, actor: User | None, rule_id: int, *, name: str,
                group: Group | int | str | None, conditions: Sequence[Mapping[str, Any]] = (),
                skill: Skill | int | str | None = None, enabled: bool = True) -> RoutingRule:
    """Change a rule's name, conditions, group, skill or whether it is used."""
    require_resource_manager(actor)
    rule = get_rule(session, rule_id)
    clean_name = (name or "").strip()
    clean, grp, sk, errors = _check_rule(session, rule.category, clean_name, conditions,
                                         group, skill)
    if errors:
        raise ValidationFailed(errors)
    rule.name, rule.conditions, rule.group, rule.skill = clean_name, clean, grp, sk
    rule.enabled = bool(enabled)
    rule.updated_at = utcnow()
    return rule


@service
def delete_rule(session: Session, actor: User | None, rule_id: int) -> None:
    """Remove a rule; the ones after it move up."""
    require_resource_manager(actor)
    rule = get_rule(session, rule_id)
    category = rule.category
    session.delete(rule)
    session.flush()
    _renumber(session, category)


def _place(session: Session, rule: RoutingRule, position: int) -> None:
    rules = [r for r in _renumber(session, rule.category) if r.id != rule.id]
    position = max(1, min(position, len(rules) + 1))
    rules.insert(position - 1, rule)
    for i, r in enumerate(rules, start=1):
        r.position = i
    session.flush()


@service
def move_rule(session: Session, actor: User | None, rule_id: int, *,
              to: int | None = None, by: int | None = None) -> RoutingRule:
    """Move a rule to position ``to`` (1 is tried first), or ``by`` places (-1: up one)."""
    require_resource_manager(actor)
    rule = get_rule(session, rule_id)
    _renumber(session, rule.category)
    target = to if to is not None else rule.position + int(by or 0)
    _place(session, rule, int(target))
    return rule


@service
def set_routing(session: Session, actor: User | None, category: str, *, enabled: bool,
                use_suggestion: bool = True) -> RoutingSetting:
    """Switch automatic assignment of a category's new requests on or off.

    ``use_suggestion``: when no rule matches, follow the category plugin's suggestion.
    """
    require_resource_manager(actor)
    errors: dict[str, list[str]] = {}
    _category(session, category, errors)
    if errors:
        raise ValidationFailed(errors)
    setting = session.get(RoutingSetting, category)
    if setting is None:
        setting = RoutingSetting(category=category)
        session.add(setting)
    setting.enabled, setting.use_suggestion = bool(enabled), bool(use_suggestion)
    setting.changed_at = utcnow()
    setting.changed_by = actor.username if actor is not None else "cli"
    session.flush()
    return setting


@service
def set_group_routing(session: Session, actor: User | None, group: Group | int | str, *,
                      policy: str, kind: str | None = None) -> Group:
    """Set how automatic assignment picks a person in a group, and what the group stands for
    (``team``, ``skill``, ``site`` or None)."""
    require_resource_manager(actor)
    errors: dict[str, list[str]] = {}
    grp = _group(session, group, errors)
    if policy not in POLICIES:
        errors["policy"] = [str(_("Choose one of: %(c)s.")) % {
            "c": ", ".join(str(v) for v in POLICIES.values())}]
    clean_kind = (kind or "").strip() or None
    if clean_kind is not None and clean_kind not in GROUP_KINDS:
        errors["kind"] = [str(_("Choose one of: %(c)s.")) % {
            "c": ", ".join(str(v) for v in GROUP_KINDS.values())}]
    if errors:
        raise ValidationFailed(errors)
    assert grp is not None
    grp.assignment_policy, grp.kind = policy, clean_kind
    return grp


def rule_counts(session: Session) -> dict[str, int]:
    """How many rules each category has."""
    return {cat: int(n) for cat, n in session.execute(
        select(RoutingRule.category, func.count()).group_by(RoutingRule.category))}


def rules_of_group(session: Session, group: Group) -> list[RoutingRule]:
    """The rules that send requests to ``group``."""
    return list(session.scalars(select(RoutingRule).where(RoutingRule.group_id == group.id)
                                .order_by(RoutingRule.category, RoutingRule.position)))
