"""The resource manager: skills, who has which and how well, capacity, and leave.

Managed by the administrator and the help desk lead (``actor`` None: the operator's command
line). Every write is one transaction; every bad field is named at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    SKILL_LEVELS,
    Leave,
    Role,
    RoleCapacity,
    RoutingRule,
    Skill,
    StaffCapacity,
    User,
    UserSkill,
)
from hdcore.services.base import service

#: What an IT group stands for in the matrix of groups (optional).
GROUP_KINDS = {
    "team": _("Team"),
    "skill": _("Skill"),
    "site": _("Site"),
}
SKILL_LEVEL_LABELS = {
    1: _("Basic"),
    2: _("Works alone"),
    3: _("Expert"),
}
#: The largest capacity that can be set (a sanity limit against typing errors).
MAX_CAPACITY = 999
NOTE_MAX = 200


def can_manage_resources(actor: User) -> bool:
    """Whether ``actor`` manages staff resources and routing (administrators and the lead)."""
    return actor.is_active and actor.role in (Role.ADMIN.value, Role.LEAD.value)


def require_resource_manager(actor: User | None) -> None:
    """Only the administrator and the help desk lead manage resources (None: the CLI)."""
    if actor is not None and not can_manage_resources(actor):
        raise PermissionDenied(str(_("Only an administrator or the help desk lead can manage "
                                     "staff resources.")))


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def find_skill(session: Session, ref: Skill | int | str) -> Skill:
    """A skill by object, id or name; NotFound otherwise."""
    if isinstance(ref, Skill):
        return ref
    skill = (session.get(Skill, ref) if isinstance(ref, int)
             else session.scalar(select(Skill).where(func.lower(Skill.name)
                                                     == str(ref).strip().lower())))
    if skill is None:
        raise NotFound(f"no skill {ref}")
    return skill


def _find_person(session: Session, ref: User | int | str) -> User:
    if isinstance(ref, User):
        return ref
    user = (session.get(User, ref) if isinstance(ref, int)
            else session.scalar(select(User).where(User.username == ref)))
    if user is None:
        raise NotFound(f"no user {ref}")
    return user


def _check_skill(session: Session, skill_id: int | None, name: str | None,
                 description: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [str(_("This field is required."))]
    elif len(name) > 80:
        errors["name"] = [str(_("At most %(n)d characters.")) % {"n": 80}]
    else:
        clash = select(func.count()).where(func.lower(Skill.name) == name.lower())
        if skill_id is not None:
            clash = clash.where(Skill.id != skill_id)
        if session.scalar(clash):
            errors["name"] = [str(_("This name is taken."))]
    if description and len(description) > 500:
        errors["description"] = [str(_("At most %(n)d characters.")) % {"n": 500}]
    return errors


@service
def create_skill(session: Session, actor: User | None, *, name: str,
                 description: str = "") -> Skill:
    """Add a skill (names are unique, whatever their case)."""
    require_resource_manager(actor)
    clean_name, clean_description = _clean(name), _clean(description)
    errors = _check_skill(session, None, clean_name, clean_description)
    if errors:
        raise ValidationFailed(errors)
    skill = Skill(name=clean_name, description=clean_description)
    session.add(skill)
    session.flush()
    return skill


@service
def update_skill(session: Session, actor: User | None, skill: Skill | int | str, *,
                 name: str, description: str = "") -> Skill:
    """Rename a skill or change its description."""
    require_resource_manager(actor)
    target = find_skill(session, skill)
    clean_name, clean_description = _clean(name), _clean(description)
    errors = _check_skill(session, target.id, clean_name, clean_description)
    if errors:
        raise ValidationFailed(errors)
    target.name, target.description = clean_name or "", clean_description
    return target


def skill_usage(session: Session, skill: Skill) -> dict[str, Any]:
    """Who holds ``skill`` and which routing rules look for it."""
    holders = session.scalar(select(func.count()).where(UserSkill.skill_id == skill.id)) or 0
    rules = list(session.scalars(select(RoutingRule).where(RoutingRule.skill_id == skill.id)
                                 .order_by(RoutingRule.category, RoutingRule.position)))
    return {"holders": int(holders), "rules": rules}


@service
def delete_skill(session: Session, actor: User | None, skill: Skill | int | str) -> None:
    """Remove a skill no routing rule looks for (people's levels of it go with it)."""
    require_resource_manager(actor)
    target = find_skill(session, skill)
    rules = skill_usage(session, target)["rules"]
    if rules:
        raise ValidationFailed({"skill": [str(_("Routing rules look for this skill: "
                                                "%(rules)s. Change them first.")) % {
            "rules": ", ".join(r.name for r in rules)}]})
    session.delete(target)


def _level(value: Any) -> int | None:
    """A level from a form or a file: 1-3, or None for "does not have it" (blank, 0)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    level = int(str(value).strip())
    return None if level == 0 else level


@service
def set_skills(session: Session, actor: User | None, user: User | int | str,
               levels: Mapping[Skill | int | str, Any]) -> dict[str, int]:
    """Set a person's skills to exactly ``levels`` (skill -> 1..3; blank or 0 removes it).

    Only IT staff have skills. Returns ``{skill name: level}`` as now held.
    """
    require_resource_manager(actor)
    person = _find_person(session, user)
    errors: dict[str, list[str]] = {}
    wanted: dict[int, int] = {}
    names: dict[int, str] = {}
    for ref, raw in levels.items():
        try:
            skill = find_skill(session, ref)
        except NotFound:
            errors.setdefault("skills", []).append(
                str(_("Unknown skill %(s)s.")) % {"s": ref})
            continue
        try:
            level = _level(raw)
        except ValueError:
            level = -1
        if level is not None and level not in SKILL_LEVELS:
            errors[f"skills.{skill.name}"] = [str(_("A level from 1 to 3."))]
            continue
        if level is not None:
            wanted[skill.id], names[skill.id] = level, skill.name
    if wanted and not person.is_staff:
        errors["skills"] = [str(_("Only IT staff have skills."))]
    if errors:
        raise ValidationFailed(errors)
    current = {row.skill_id: row for row in session.scalars(
        select(UserSkill).where(UserSkill.user_id == person.id))}
    for skill_id, row in current.items():
        if skill_id not in wanted:
            session.delete(row)
    for skill_id, level in wanted.items():
        if skill_id in current:
            current[skill_id].level = level
        else:
            session.add(UserSkill(user_id=person.id, skill_id=skill_id, level=level))
    session.flush()
    return {names[sid]: lvl for sid, lvl in wanted.items()}


def _capacity(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = [str(_("A whole number from 0 to %(n)d.")) % {"n": MAX_CAPACITY}]
        return None
    if not 0 <= number <= MAX_CAPACITY:
        errors[field] = [str(_("A whole number from 0 to %(n)d.")) % {"n": MAX_CAPACITY}]
        return None
    return number


@service
def set_capacity(session: Session, actor: User | None, user: User | int | str,
                 capacity: int | str | None) -> int | None:
    """Set how many open items a person takes (None or blank: their role's default)."""
    require_resource_manager(actor)
    person = _find_person(session, user)
    errors: dict[str, list[str]] = {}
    value = _capacity(capacity, "capacity", errors)
    if errors:
        raise ValidationFailed(errors)
    row = session.get(StaffCapacity, person.id)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(StaffCapacity(user_id=person.id, capacity=value))
    else:
        row.capacity = value
    session.flush()
    return value


@service
def set_role_capacities(session: Session, actor: User | None,
                        values: Mapping[str, int | str | None]) -> None:
    """Set the default capacity of roles (None or blank: back to the built-in default)."""
    require_resource_manager(actor)
    errors: dict[str, list[str]] = {}
    clean: dict[str, int | None] = {}
    for role, raw in values.items():
        if role not in {r.value for r in Role}:
            errors[role] = [str(_("Unknown role."))]
            continue
        clean[role] = _capacity(raw, role, errors)
    if errors:
        raise ValidationFailed(errors)
    for role, value in clean.items():
        row = session.get(RoleCapacity, role)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(RoleCapacity(role=role, capacity=value))
        else:
            row.capacity = value
    session.flush()


def _date(value: date | str | None, field: str, errors: dict[str, list[str]]) -> date | None:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        errors[field] = [str(_("This field is required."))]
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = [str(_("Not a valid date (like 2026-10-08)."))]
        return None


@service
def add_leave(session: Session, actor: User | None, user: User | int | str, *,
              starts_on: date | str, ends_on: date | str, note: str = "") -> Leave:
    """Record a period a person is away (first and last day included).

    Periods of one person may not overlap: extend the existing one instead.
    """
    require_resource_manager(actor)
    person = _find_person(session, user)
    errors: dict[str, list[str]] = {}
    first = _date(starts_on, "starts_on", errors)
    last = _date(ends_on, "ends_on", errors)
    clean_note = _clean(note)
    if clean_note and len(clean_note) > NOTE_MAX:
        errors["note"] = [str(_("At most %(n)d characters.")) % {"n": NOTE_MAX}]
    if first and last and last < first:
        errors["ends_on"] = [str(_("The last day cannot be before the first."))]
    if first and last and "ends_on" not in errors:
        clash = session.scalars(select(Leave).where(
            Leave.user_id == person.id, Leave.starts_on <= last, Leave.ends_on >= first)
            .order_by(Leave.starts_on)).first()
        if clash is not None:
            errors["starts_on"] = [str(_("Overlaps the leave from %(a)s to %(b)s.")) % {
                "a": clash.starts_on.isoformat(), "b": clash.ends_on.isoformat()}]
    if errors:
        raise ValidationFailed(errors)
    assert first is not None and last is not None
    leave = Leave(user_id=person.id, starts_on=first, ends_on=last, note=clean_note,
                  created_by_id=actor.id if actor is not None else None)
    session.add(leave)
    session.flush()
    return leave


@service
def delete_leave(session: Session, actor: User | None, leave_id: int) -> None:
    """Remove a leave period (entered by mistake, or cancelled)."""
    require_resource_manager(actor)
    leave = session.get(Leave, leave_id)
    if leave is None:
        raise NotFound(f"no leave {leave_id}")
    session.delete(leave)

