"""The people and the organisation: accounts, departments, IT groups, sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Department, Group, Role, User
from hdcore.security import hash_password, needs_rehash, verify_password
from hdcore.services.base import service

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 4


def _require_admin(actor: User | None) -> None:
    """Accounts and the organisation are the administrator's (``None``: the operator's CLI)."""
    if actor is not None and actor.role not in (Role.ADMIN, Role.LEAD):
        raise PermissionDenied(str(_("Only an administrator can manage accounts.")))


@service
def create_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    full_name: str,
    role: str = Role.EMPLOYEE.value,
    password: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    employee_no: str | None = None,
    department: str | Department | None = None,
    groups: Iterable[str] = (),
    locale: str | None = None,
) -> User:
    """Create an account; every bad field is reported at once."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        errors["username"] = [str(_("2-64 lower-case letters, digits, dots, dashes or "
                                    "underscores."))]
    elif session.scalar(select(func.count()).where(User.username == username)):
        errors["username"] = [str(_("This user name is taken."))]
    if not (full_name or "").strip():
        errors["full_name"] = [str(_("This field is required."))]
    if role not in {r.value for r in Role}:
        errors["role"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Role)}]
    if actor is not None and actor.role != Role.ADMIN and role in (Role.ADMIN, Role.MANAGER):
        errors["role"] = [str(_("Only an administrator can create this role."))]
    if email and not EMAIL_RE.match(email):
        errors["email"] = [str(_("Not a valid e-mail address."))]
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = [str(_("At least %(n)d characters.")) % {"n": MIN_PASSWORD}]
    dept = None
    if isinstance(department, Department):
        dept = department
    elif department:
        dept = session.scalar(select(Department).where(Department.code == department))
        if dept is None:
            errors["department"] = [str(_("Unknown department."))]
    found_groups = []
    for name in groups:
        g = session.scalar(select(Group).where(Group.name == name))
        if g is None:
            errors["groups"] = [str(_("Unknown group %(g)s.")) % {"g": name}]
        else:
            found_groups.append(g)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username, full_name=full_name.strip(), role=role, email=email or None,
        phone=phone or None, employee_no=employee_no or None, department=dept,
        password_hash=hash_password(password) if password else None, locale=locale,
        groups=found_groups,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same work for unknown names)."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


@service
def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    """Set ``user``'s password (themselves, or an administrator)."""
    if actor is not None and actor.id != user.id:
        _require_admin(actor)
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": [str(_("At least %(n)d characters.")) % {
            "n": MIN_PASSWORD}]})
    user.password_hash = hash_password(password)


@service
def create_department(session: Session, actor: User | None, *, code: str, name: str,
                      cost_centre: str | None = None) -> Department:
    """Add a business department."""
    _require_admin(actor)
    errors = {}
    if not (code or "").strip():
        errors["code"] = [str(_("This field is required."))]
    elif session.scalar(select(func.count()).where(Department.code == code.strip())):
        errors["code"] = [str(_("This code is taken."))]
    if not (name or "").strip():
        errors["name"] = [str(_("This field is required."))]
    if errors:
        raise ValidationFailed(errors)
    dept = Department(code=code.strip(), name=name.strip(), cost_centre=cost_centre)
    session.add(dept)
    session.flush()
    return dept


@service
def create_group(session: Session, actor: User | None, *, name: str, description: str = "",
                 members: Iterable[User] = ()) -> Group:
    """Add an IT group with its members."""
    _require_admin(actor)
    if not (name or "").strip():
        raise ValidationFailed({"name": [str(_("This field is required."))]})
    if session.scalar(select(func.count()).where(Group.name == name.strip())):
        raise ValidationFailed({"name": [str(_("This name is taken."))]})
    group = Group(name=name.strip(), description=description or None, members=list(members))
    session.add(group)
    session.flush()
    return group
