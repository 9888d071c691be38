"""The people: accounts, sign-in, passwords and preferences (departments and IT groups are in
:mod:`hdcore.services.organisation`).

Accounts and the organisation are managed by the administrator and the help desk lead (the
lead runs the desk's staff and groups); only an administrator touches administrators' and
managers' accounts or grants those roles. ``actor`` None is the operator's command line.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import re
from collections.abc import Iterable
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from hdcore.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import LOCALES, _
from hdcore.models import Department, Group, Role, User
from hdcore.security import hash_password, needs_rehash, verify_password
from hdcore.services.base import service

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 4
#: Roles only an administrator may grant, and whose accounts only an administrator may change.
PRIVILEGED = frozenset({Role.ADMIN, Role.MANAGER})
T = TypeVar("T")


class _Keep(enum.Enum):
    """Marks an argument left out of an update: the value stays as it is."""

    KEEP = "keep"


KEEP = _Keep.KEEP


def _require_admin(actor: User | None) -> None:
    """Accounts and the organisation are the administrator's (``None``: the operator's CLI)."""
    if actor is not None and actor.role not in (Role.ADMIN, Role.LEAD):
        raise PermissionDenied(str(_("Only an administrator can manage accounts.")))


def _require_may_change(actor: User | None, user: User) -> None:
    """Administrators' and managers' accounts are changed by an administrator only."""
    _require_admin(actor)
    if actor is not None and actor.role != Role.ADMIN and user.role in PRIVILEGED:
        raise PermissionDenied(str(_("Only an administrator can change this account.")))


def _pick(given: T | _Keep, current: T) -> T:
    return current if given is KEEP else given


def _clean(value: str | None) -> str | None:
    """Stripped text, or None when empty."""
    value = (value or "").strip()
    return value or None


def _check_length(errors: dict[str, list[str]], field: str, value: str | None,
                  limit: int) -> None:
    if value is not None and len(value) > limit:
        errors.setdefault(field, []).append(str(_("At most %(n)d characters.")) % {"n": limit})


@functools.cache
def timezone_names() -> tuple[str, ...]:
    """The IANA time zones people can choose, sorted (the machine-local aliases left out)."""
    return tuple(sorted(available_timezones() - {"localtime", "posixrules", "Factory"}))


def valid_timezone(name: str | None) -> bool:
    """Whether ``name`` is an IANA time zone (``Asia/Shanghai``, ``UTC``, ...)."""
    try:
        ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    names = timezone_names()
    return not names or name in names


def _check_preferences(errors: dict[str, list[str]], locale: str | None,
                       timezone: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        errors["locale"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(LOCALES)}]
    if not valid_timezone(timezone):
        errors["timezone"] = [str(_("Not a known time zone (like Asia/Shanghai)."))]


def _check_contact(session: Session, errors: dict[str, list[str]], user_id: int | None, *,
                   full_name: str | None, email: str | None, phone: str | None,
                   employee_no: str | None) -> None:
    """Name, e-mail, phone and employee number of an account (new: ``user_id`` None)."""
    if not full_name:
        errors["full_name"] = [str(_("This field is required."))]
    _check_length(errors, "full_name", full_name, 120)
    if email and not EMAIL_RE.match(email):
        errors["email"] = [str(_("Not a valid e-mail address."))]
    _check_length(errors, "email", email, 254)
    _check_length(errors, "phone", phone, 40)
    _check_length(errors, "employee_no", employee_no, 32)
    if employee_no and "employee_no" not in errors:
        clash = select(func.count()).where(User.employee_no == employee_no)
        if user_id is not None:
            clash = clash.where(User.id != user_id)
        if session.scalar(clash):
            errors["employee_no"] = [str(_("Another account has this employee number."))]


def _find_department(session: Session, ref: str | int | Department | None,
                     errors: dict[str, list[str]]) -> Department | None:
    """A department by object, id or code; None for none; an error if unknown."""
    if isinstance(ref, Department) or ref is None or ref == "":
        return ref or None
    dept = (session.get(Department, ref) if isinstance(ref, int)
            else session.scalar(select(Department).where(Department.code == ref)))
    if dept is None:
        errors["department"] = [str(_("Unknown department."))]
    return dept


def _find_groups(session: Session, refs: Iterable[str | int | Group],
                 errors: dict[str, list[str]]) -> list[Group]:
    """Groups by object, id or name, in order and without repeats; unknown ones reported."""
    found: list[Group] = []
    for ref in refs:
        g = ref if isinstance(ref, Group) else (
            session.get(Group, ref) if isinstance(ref, int)
            else session.scalar(select(Group).where(Group.name == ref)))
        if g is None:
            errors["groups"] = [str(_("Unknown group %(g)s.")) % {"g": ref}]
        elif g not in found:
            found.append(g)
    return found


def _find_user(session: Session, ref: str | int | User) -> User:
    """An account by object, id or user name (active or not); NotFound otherwise."""
    if isinstance(ref, User):
        return ref
    user = (session.get(User, ref) if isinstance(ref, int)
            else session.scalar(select(User).where(User.username == ref)))
    if user is None:
        raise NotFound(f"no user {ref}")
    return user


def _find_users(session: Session, refs: Iterable[str | int | User], field: str,
                errors: dict[str, list[str]]) -> list[User]:
    found: list[User] = []
    for ref in refs:
        try:
            user = _find_user(session, ref)
        except NotFound:
            errors.setdefault(field, []).append(str(_("Unknown user %(u)s.")) % {"u": ref})
            continue
        if user not in found:
            found.append(user)
    return found


def _staff_only(errors: dict[str, list[str]], field: str, role: str,
                groups: list[Group]) -> None:
    """IT groups are where work is assigned: their members are IT staff."""
    if groups and role == Role.EMPLOYEE:
        errors[field] = [str(_("Employees cannot be members of IT groups."))]


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
    timezone: str | None = None,
    confirm: str | None = None,
) -> User:
    """Create an account; every bad field is reported at once.

    ``timezone`` defaults to the help desk's; ``locale`` None follows the browser; ``confirm``,
    when given, must repeat the password (as typed twice in a form).
    """
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        errors["username"] = [str(_("2-64 lower-case letters, digits, dots, dashes or "
                                    "underscores."))]
    elif session.scalar(select(func.count()).where(User.username == username)):
        errors["username"] = [str(_("This user name is taken."))]
    full_name, email, phone, employee_no = (_clean(full_name), _clean(email), _clean(phone),
                                            _clean(employee_no))
    _check_contact(session, errors, None, full_name=full_name, email=email, phone=phone,
                   employee_no=employee_no)
    if role not in {r.value for r in Role}:
        errors["role"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Role)}]
    if actor is not None and actor.role != Role.ADMIN and role in PRIVILEGED:
        errors["role"] = [str(_("Only an administrator can create this role."))]
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = [str(_("At least %(n)d characters.")) % {"n": MIN_PASSWORD}]
    elif confirm is not None and confirm != (password or ""):
        errors["confirm"] = [str(_("The two passwords differ."))]
    dept = _find_department(session, department, errors)
    found_groups = _find_groups(session, groups, errors)
    _staff_only(errors, "groups", role, found_groups)
    timezone = _clean(timezone) or getattr(session.info.get("settings"), "timezone",
                                           None) or "Asia/Shanghai"
    _check_preferences(errors, _clean(locale), timezone)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username, full_name=full_name, role=role, email=email, phone=phone,
        employee_no=employee_no, department=dept,
        password_hash=hash_password(password) if password else None, locale=_clean(locale),
        timezone=timezone, groups=found_groups,
    )
    session.add(user)
    session.flush()
    return user


@service
def update_user(
    session: Session,
    actor: User | None,
    user: User | int | str,
    *,
    full_name: str | _Keep = KEEP,
    email: str | _Keep | None = KEEP,
    phone: str | _Keep | None = KEEP,
    employee_no: str | _Keep | None = KEEP,
    role: str | _Keep = KEEP,
    department: str | int | Department | _Keep | None = KEEP,
    groups: Iterable[str | int | Group] | _Keep = KEEP,
    locale: str | _Keep | None = KEEP,
    timezone: str | _Keep = KEEP,
    active: bool | _Keep = KEEP,
) -> User:
    """Change an account (arguments left out stay as they are); every bad field at once.

    Nobody changes their own role or deactivates themselves, at least one active
    administrator always remains, and only an administrator grants the administrator and
    manager roles (or changes such accounts).
    """
    _require_admin(actor)
    target = _find_user(session, user)
    _require_may_change(actor, target)
    errors: dict[str, list[str]] = {}
    new_name = _clean(_pick(full_name, target.full_name))
    new_email = _clean(_pick(email, target.email))
    new_phone = _clean(_pick(phone, target.phone))
    new_number = _clean(_pick(employee_no, target.employee_no))
    _check_contact(session, errors, target.id, full_name=new_name, email=new_email,
                   phone=new_phone, employee_no=new_number)
    new_role = str(_pick(role, target.role))
    new_active = bool(_pick(active, target.is_active))
    if new_role not in {r.value for r in Role}:
        errors["role"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Role)}]
    elif actor is not None and actor.role != Role.ADMIN and new_role in PRIVILEGED:
        errors["role"] = [str(_("Only an administrator can grant this role."))]
    elif actor is not None and actor.id == target.id and new_role != target.role:
        errors["role"] = [str(_("You cannot change your own role."))]
    if actor is not None and actor.id == target.id and not new_active:
        errors["active"] = [str(_("You cannot deactivate your own account."))]
    if target.role == Role.ADMIN and target.is_active and (
            new_role != Role.ADMIN or not new_active):
        others = session.scalar(select(func.count()).where(
            User.role == Role.ADMIN.value, User.is_active.is_(True), User.id != target.id))
        if not others:
            field = "role" if new_role != Role.ADMIN else "active"
            errors.setdefault(field, [str(_("At least one active administrator must "
                                            "remain."))])
    dept = (target.department if department is KEEP
            else _find_department(session, department, errors))
    new_groups = (list(target.groups) if groups is KEEP
                  else _find_groups(session, groups, errors))
    _staff_only(errors, "groups", new_role, new_groups)
    new_locale = _clean(_pick(locale, target.locale))
    new_zone = _clean(_pick(timezone, target.timezone))
    _check_preferences(errors, new_locale, new_zone)
    if errors:
        raise ValidationFailed(errors)
    target.full_name, target.email, target.phone = new_name or "", new_email, new_phone
    target.employee_no, target.role, target.is_active = new_number, new_role, new_active
    target.department, target.groups = dept, new_groups
    target.locale, target.timezone = new_locale, new_zone or "Asia/Shanghai"
    return target


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same work for unknown names)."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        # the account changed meanwhile (a conflict): the next sign-in redoes the hash
        with contextlib.suppress(Conflict):
            _store_rehash(session, user, hash_password(password))
    return user


@service
def _store_rehash(session: Session, user: User, new_hash: str) -> None:
    # its own write transaction (see begin_for_writing): the check before it only read
    user.password_hash = new_hash


@service
def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    """Set ``user``'s password (themselves, or an administrator)."""
    if actor is not None and actor.id != user.id:
        _require_may_change(actor, user)
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": [str(_("At least %(n)d characters.")) % {
            "n": MIN_PASSWORD}]})
    user.password_hash = hash_password(password)
    # Every session signed in with the old password ends (see User.session_version).
    user.session_version = (user.session_version or 1) + 1


@service
def change_password(session: Session, actor: User, current: str, new: str,
                    confirm: str) -> None:
    """The signed-in user changes their own password, proving they know the current one."""
    me = session.get(User, actor.id)
    if me is None or not me.is_active:
        raise PermissionDenied(str(_("Only an active account can do this.")))
    errors: dict[str, list[str]] = {}
    if not verify_password(me.password_hash, current or ""):
        errors["current_password"] = [str(_("This is not your current password."))]
    if not new or len(new) < MIN_PASSWORD:
        errors["password"] = [str(_("At least %(n)d characters.")) % {"n": MIN_PASSWORD}]
    elif new != confirm:
        errors["confirm"] = [str(_("The two passwords differ."))]
    if errors:
        raise ValidationFailed(errors)
    me.password_hash = hash_password(new)
    # Every session signed in with the old password ends (see User.session_version).
    me.session_version = (me.session_version or 1) + 1


@service
def set_preferences(session: Session, actor: User, locale: str | _Keep | None = KEEP,
                    timezone: str | _Keep = KEEP) -> User:
    """The signed-in user's own language (None: the browser's) and time zone."""
    me = session.get(User, actor.id)
    if me is None or not me.is_active:
        raise PermissionDenied(str(_("Only an active account can do this.")))
    new_locale = _clean(_pick(locale, me.locale))
    new_zone = _clean(_pick(timezone, me.timezone))
    errors: dict[str, list[str]] = {}
    # Only what changes is checked: switching the language never trips over an old zone.
    _check_preferences(errors, new_locale if locale is not KEEP else None,
                       new_zone if timezone is not KEEP else "UTC")
    if errors:
        raise ValidationFailed(errors)
    me.locale, me.timezone = new_locale, new_zone or "Asia/Shanghai"
    return me


def user_query(*, text: str = "", department: str = "", role: str = "",
               status: str = "") -> Select[tuple[User]]:
    """Accounts matching a search, by user name; filter further or page it.

    User names are the people's names in letters (pinyin for Chinese names), so their order
    is the alphabetical one people expect, which characters' code points are not.

    ``text`` is looked for in the name, user name, employee number, e-mail and department;
    ``department`` is a code, ``role`` a role value, ``status`` ``active`` or ``inactive``.
    """
    q = select(User).outerjoin(Department, User.department_id == Department.id)
    needle = (text or "").strip().lower()
    if needle:
        q = q.where(or_(*(func.lower(col).contains(needle, autoescape=True) for col in (
            User.full_name, User.username, User.employee_no, User.email, Department.name,
            Department.code))))
    if department:
        q = q.where(Department.code == department)
    if role:
        q = q.where(User.role == role)
    if status in ("active", "inactive"):
        q = q.where(User.is_active.is_(status == "active"))
    return q.order_by(User.username)
