"""The organisation: business departments and IT groups (their heads, cost centres, members).

Managed by the administrator and, for IT groups, the help desk lead; ``actor`` None is the
operator's command line. The checks shared with the accounts (who may act, how a text is
cleaned, how people are named) are the directory's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Department, Group, Role, ServiceRequest, Task, User
from hdcore.services.base import host_of, service
from hdcore.services.directory import (
    EMAIL_RE,
    KEEP,
    _check_length,
    _clean,
    _find_department,
    _find_users,
    _Keep,
    _pick,
    _require_admin,
)


@service
def create_department(session: Session, actor: User | None, *, code: str, name: str,
                      cost_centre: str | None = None) -> Department:
    """Add a business department."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    if not (code or "").strip():
        errors["code"] = [str(_("This field is required."))]
    elif session.scalar(select(func.count()).where(Department.code == code.strip())):
        errors["code"] = [str(_("This code is taken."))]
    else:
        _check_length(errors, "code", code.strip(), 32)
    if not (name or "").strip():
        errors["name"] = [str(_("This field is required."))]
    _check_length(errors, "name", _clean(name), 120)
    _check_length(errors, "cost_centre", _clean(cost_centre), 32)
    if errors:
        raise ValidationFailed(errors)
    dept = Department(code=code.strip(), name=name.strip(), cost_centre=_clean(cost_centre))
    session.add(dept)
    session.flush()
    return dept


@service
def update_department(session: Session, actor: User | None, department: Department | int | str,
                      *, name: str | _Keep = KEEP, cost_centre: str | _Keep | None = KEEP,
                      head: User | int | str | _Keep | None = KEEP) -> Department:
    """Rename a department, change its cost centre or its head (an active account)."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    dept = _find_department(session, department, errors)
    if dept is None:
        raise NotFound(f"no department {department}")
    new_name = _clean(_pick(name, dept.name))
    new_cc = _clean(_pick(cost_centre, dept.cost_centre))
    if not new_name:
        errors["name"] = [str(_("This field is required."))]
    _check_length(errors, "name", new_name, 120)
    _check_length(errors, "cost_centre", new_cc, 32)
    new_head = dept.head
    if head is not KEEP:
        new_head = None
        if head not in (None, ""):
            found = _find_users(session, [head], "head", errors)
            if found and not found[0].is_active:
                errors["head"] = [str(_("This account is deactivated."))]
            new_head = found[0] if found else None
    if errors:
        raise ValidationFailed(errors)
    dept.name, dept.cost_centre, dept.head = new_name or "", new_cc, new_head
    return dept


def _check_group(session: Session, errors: dict[str, list[str]], group_id: int | None, *,
                 name: str | None, description: str | None, email: str | None,
                 members: list[User]) -> None:
    if not name:
        errors["name"] = [str(_("This field is required."))]
    else:
        clash = select(func.count()).where(Group.name == name)
        if group_id is not None:
            clash = clash.where(Group.id != group_id)
        if session.scalar(clash):
            errors["name"] = [str(_("This name is taken."))]
    _check_length(errors, "name", name, 120)
    _check_length(errors, "description", description, 500)
    if email and not EMAIL_RE.match(email):
        errors["email"] = [str(_("Not a valid e-mail address."))]
    _check_length(errors, "email", email, 254)
    outsiders = [u.full_name for u in members if u.role == Role.EMPLOYEE]
    if outsiders:
        errors.setdefault("members", []).append(
            str(_("Only IT staff can be members of an IT group: %(names)s.")) % {
                "names": ", ".join(outsiders)})


@service
def create_group(session: Session, actor: User | None, *, name: str, description: str = "",
                 members: Iterable[User | int | str] = (), email: str | None = None) -> Group:
    """Add an IT group with its members (IT staff)."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    found = _find_users(session, members, "members", errors)
    name, description, email = _clean(name), _clean(description), _clean(email)
    _check_group(session, errors, None, name=name, description=description, email=email,
                 members=found)
    if errors:
        raise ValidationFailed(errors)
    group = Group(name=name, description=description, email=email, members=found)
    session.add(group)
    session.flush()
    return group


def _get_group(session: Session, group: Group | int | str) -> Group:
    found = group if isinstance(group, Group) else (
        session.get(Group, group) if isinstance(group, int)
        else session.scalar(select(Group).where(Group.name == group)))
    if found is None:
        raise NotFound(f"no group {group}")
    return found


@service
def update_group(session: Session, actor: User | None, group: Group | int | str, *,
                 name: str | _Keep = KEEP, description: str | _Keep | None = KEEP,
                 email: str | _Keep | None = KEEP,
                 members: Iterable[User | int | str] | _Keep = KEEP) -> Group:
    """Rename an IT group, change its description, e-mail or members (IT staff)."""
    _require_admin(actor)
    target = _get_group(session, group)
    errors: dict[str, list[str]] = {}
    new_members = (list(target.members) if members is KEEP
                   else _find_users(session, members, "members", errors))
    new_name = _clean(_pick(name, target.name))
    new_description = _clean(_pick(description, target.description))
    new_email = _clean(_pick(email, target.email))
    _check_group(session, errors, target.id, name=new_name, description=new_description,
                 email=new_email, members=new_members)
    if errors:
        raise ValidationFailed(errors)
    target.name, target.description, target.email = new_name or "", new_description, new_email
    target.members = new_members
    return target


def group_usage(session: Session, group: Group) -> dict[str, Any]:
    """What refers to ``group``: its requests and tasks, and categories whose steps name it."""
    requests = session.scalar(select(func.count()).where(ServiceRequest.group_id == group.id))
    tasks = session.scalar(select(func.count()).where(Task.group_id == group.id))
    host = host_of(session)
    named_by = sorted({
        str(cat.label)
        for cat in host.categories()
        for t in host.workflow(cat.name).transitions.values()
        for tpl in t.tasks if tpl.group == group.name
    })
    return {"requests": requests or 0, "tasks": tasks or 0, "categories": named_by}


@service
def delete_group(session: Session, actor: User | None, group: Group | int | str) -> None:
    """Remove an IT group nothing is assigned to (its memberships go with it)."""
    _require_admin(actor)
    target = _get_group(session, group)
    usage = group_usage(session, target)
    reasons = []
    if usage["requests"] or usage["tasks"]:
        reasons.append(str(_("Assigned to this group: %(r)d request(s) and %(t)d task(s). "
                             "Reassign them first.")) % {"r": usage["requests"],
                                                         "t": usage["tasks"]})
    if usage["categories"]:
        reasons.append(str(_("The steps of %(c)s create tasks for this group.")) % {
            "c": ", ".join(usage["categories"])})
    if reasons:
        raise ValidationFailed({"group": reasons})
    session.delete(target)
