"""Importing people and departments from CSV files: the staff list and the HR system's export.

**Users** (:func:`import_users`): one row per person. A row is matched to an account by its
user name, or, without one (an HR export), by its employee number; a match is updated, anything
else is created, so importing the same file twice changes nothing the second time. In an
update an empty cell keeps the value the account has, and ``-`` clears it. Columns: user name,
name, e-mail, phone, employee number, role, department (a code or a name; with a "department
name" column an unknown code creates the department), IT groups, skills (``name:level``,
separated by ``;``) and capacity. An HR export without user names gets them from the e-mail
address, else from the employee number.

**Departments** (:func:`~hdcore.services.import_departments.import_departments`, in its own
module): code, name, cost centre and head (employee number or user name), matched by code.

Rows are written in batches of :data:`BATCH_SIZE`, each batch one transaction and each row in
it a savepoint: a bad row rolls back alone and is reported with its line and every bad field,
the good rows are kept; a batch holds the database's write lock only briefly (the desk keeps
working during a large import), and an import cut short keeps the batches already written,
which is safe because a second run of the file updates instead of duplicating.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import HelpdeskError, ValidationFailed
from hdcore.i18n import _, use_locale
from hdcore.models import (
    ROLE_LABELS,
    Department,
    Group,
    Role,
    Skill,
    StaffCapacity,
    User,
    UserSkill,
)
from hdcore.services.base import service
from hdcore.services.csv_input import CsvRow, CsvTable, normalise_header
from hdcore.services.directory import KEEP, USERNAME_RE, create_user, update_user
from hdcore.services.organisation import create_department
from hdcore.services.resources import (
    find_skill,
    require_resource_manager,
    set_capacity,
    set_skills,
)
from hdcore.tabular import read_records

BATCH_SIZE = 100
#: A cell holding only this clears the value in an update.
CLEAR = "-"
_LIST_SPLIT = re.compile(r"[;,，；、|\n]+")
_SKILL_LEVEL = re.compile(r"^(.*?)\s*(?:[:：=]\s*(\S*)|[(（]\s*(\S*?)\s*[)）])$")

USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("username", "user name", "user", "login", "account", "用户名", "账号", "帐号",
                 "登录名"),
    "full_name": ("name", "full name", "姓名", "名字", "员工姓名"),
    "email": ("email", "e-mail", "mail", "e-mail address", "邮箱", "电子邮件", "电子邮箱",
              "邮件地址"),
    "phone": ("phone", "telephone", "tel", "mobile", "电话", "手机", "联系电话", "办公电话"),
    "employee_no": ("employee number", "employee no", "employee no.", "employee id", "emp no",
                    "staff number", "number", "工号", "员工编号", "员工号", "职工号"),
    "role": ("role", "角色"),
    "department": ("department", "department code", "dept", "dept code", "部门", "部门代码",
                   "部门编码", "部门编号"),
    "department_name": ("department name", "dept name", "部门名称"),
    "groups": ("groups", "group", "it groups", "it group", "组", "it组", "小组", "所属组"),
    "skills": ("skills", "skill", "技能"),
    "capacity": ("capacity", "容量", "最大工作量", "工作容量"),
}
Progress = Callable[[int], Any]


@dataclass
class RejectedRow:
    """A row that was not imported: its line in the file, its key, and every bad field."""

    line: int
    key: str
    #: The column (as headed in the file) -> the reasons.
    errors: dict[str, list[str]]


@dataclass
class ImportReport:
    """What an import did."""

    kind: str
    encoding: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    departments_created: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """Rows that went in (created, updated or already as in the file)."""
        return self.created + self.updated + self.unchanged


class _Rejected(Exception):
    """A row is refused; ``errors`` are keyed by field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("row rejected")
        self.errors = errors


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, [])
    if message not in errors[key]:
        errors[key].append(message)


def _merge(errors: dict[str, list[str]], exc: ValidationFailed,
           rename: Mapping[str, str] | None = None) -> None:
    for key, reasons in exc.errors.items():
        target = (rename or {}).get(key, key.split(".")[0])
        for reason in reasons:
            _add(errors, target, reason)


def _split(cell: str) -> list[str]:
    return [p.strip() for p in _LIST_SPLIT.split(cell) if p.strip()]


def _role_words() -> dict[str, str]:
    """Role values, and their names in English and Chinese, -> role value."""
    words: dict[str, str] = {}
    for role in Role:
        words[normalise_header(role.value)] = role.value
        for locale in ("en", "zh_Hans_CN"):
            with use_locale(locale):
                words[normalise_header(str(ROLE_LABELS[role]))] = role.value
    words.update({normalise_header(k): v for k, v in {
        "lead": "lead", "manager": "manager", "admin": "admin", "员工": "employee",
        "业务用户": "employee", "技术人员": "technician", "客户代表": "technician",
        "技术员": "technician", "负责人": "lead", "经理": "manager", "管理员": "admin",
        "系统管理员": "admin"}.items()})
    return words


# -- running an import -------------------------------------------------------------------------


RowHandler = Callable[[Session, "User | None", CsvRow, CsvTable, ImportReport], str]


@service
def _batch(session: Session, actor: User | None, rows: list[CsvRow], table: CsvTable,
           report: ImportReport, handler: RowHandler, key: Callable[[CsvRow], str],
           progress: Progress | None) -> None:
    """One batch: one transaction, a savepoint per row."""
    for row in rows:
        try:
            with session.begin_nested():
                if row.extra:
                    raise _Rejected({"_row": [str(_(
                        "The row has %(n)d cell(s) more than the header.")) % {"n": row.extra}]})
                outcome = handler(session, actor, row, table, report)
        except _Rejected as exc:
            report.rejected.append(RejectedRow(row.line, key(row), {
                table.label(k): v for k, v in exc.errors.items()}))
        except HelpdeskError as exc:  # a clash found by the database (a unique value)
            report.rejected.append(RejectedRow(row.line, key(row), {"_row": [str(exc)]}))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress(1)


def _run(session: Session, actor: User | None, table: CsvTable, kind: str,
         handler: RowHandler, key: Callable[[CsvRow], str],
         progress: Progress | None) -> ImportReport:
    report = ImportReport(kind=kind, encoding=table.encoding, rows=len(table.rows),
                          ignored_columns=list(table.ignored))
    for start in range(0, len(table.rows), BATCH_SIZE):
        _batch(session, actor, table.rows[start:start + BATCH_SIZE], table, report, handler,
               key, progress)
    return report


def read_users(data: bytes, encoding: str = "auto") -> CsvTable:
    """Read a users file; refused when it has neither a user name nor an employee number
    column, or no name column."""
    table = read_records(data, USER_COLUMNS, encoding=encoding)
    problems = []
    if "username" not in table.columns and "employee_no" not in table.columns:
        problems.append(str(_("The file needs a column of user names or of employee numbers "
                              "(like “username” or “工号”).")))
    if "full_name" not in table.columns:
        problems.append(str(_("The file needs a column of names (like “name” or “姓名”).")))
    if problems:
        raise ValidationFailed({"file": problems})
    return table


def import_users(session: Session, actor: User | None, table: CsvTable, *,
                 progress: Progress | None = None) -> ImportReport:
    """Create or update the accounts of a users file (see the module's description)."""
    require_resource_manager(actor)
    words = _role_words()

    def handle(s: Session, a: User | None, row: CsvRow, t: CsvTable, r: ImportReport) -> str:
        return _user_row(s, a, row, t, r, words)

    return _run(session, actor, table, "users", handle,
                lambda row: row.values.get("username") or row.values.get("employee_no", ""),
                progress)


# -- one user row ------------------------------------------------------------------------------


def _snapshot(session: Session, user: User) -> tuple[Any, ...]:
    skills = sorted(session.execute(select(UserSkill.skill_id, UserSkill.level)
                                    .where(UserSkill.user_id == user.id)).all())
    capacity = session.get(StaffCapacity, user.id)
    return (user.full_name, user.email, user.phone, user.employee_no, user.role,
            user.department_id, sorted(g.id for g in user.groups), [tuple(s) for s in skills],
            capacity.capacity if capacity is not None else None)


def _new_username(session: Session, email: str, number: str) -> str:
    """A free user name for an HR row: the e-mail's local part, else ``e`` + the number."""
    bases = []
    local = email.split("@")[0].strip().lower() if "@" in email else ""
    if local and USERNAME_RE.match(local):
        bases.append(local)
    digits = re.sub(r"[^a-z0-9._-]", "", number.lower())
    if digits:
        bases.append(digits if USERNAME_RE.match(digits) and not digits.isdigit()
                     else f"e{digits}")
    for base in bases or ["user"]:
        for n in range(0, 100):
            name = base if n == 0 else f"{base}{n + 1}"
            taken = session.scalar(select(func.count()).where(User.username == name))
            if USERNAME_RE.match(name) and not taken:
                return name
    return bases[0] if bases else "user"


def _department(session: Session, actor: User | None, row: CsvRow, errors: dict[str, list[str]],
                created: list[str]) -> Department | object | None:
    """The row's department (KEEP when its cell is empty, None to clear); may create it."""
    code = row.values.get("department", "")
    name = row.values.get("department_name", "")
    if code == CLEAR:
        return None
    if not code and not name:
        return KEEP
    if code:
        dept = (session.scalar(select(Department).where(Department.code == code))
                or session.scalar(select(Department).where(
                    func.upper(Department.code) == code.upper()))
                or session.scalar(select(Department).where(Department.name == code)))
    else:
        dept = session.scalar(select(Department).where(Department.name == name))
    if dept is not None:
        return dept
    if code and name:
        try:
            dept = create_department(session, actor, code=code, name=name)
        except ValidationFailed as exc:
            _merge(errors, exc, {"code": "department", "name": "department_name",
                                 "cost_centre": "department"})
            return KEEP
        created.append(code)
        return dept
    if code:
        _add(errors, "department", str(_("Unknown department %(d)s.")) % {"d": code})
    else:
        _add(errors, "department_name", str(_("Unknown department %(d)s; give its code to "
                                               "create it.")) % {"d": name})
    return KEEP


def _groups(session: Session, cell: str, errors: dict[str, list[str]]) -> list[Group] | object:
    if not cell:
        return KEEP
    if cell == CLEAR:
        return []
    found, unknown = [], []
    for name in _split(cell):
        group = session.scalar(select(Group).where(Group.name == name))
        if group is None:
            unknown.append(name)
        elif group not in found:
            found.append(group)
    if unknown:
        _add(errors, "groups", str(_("Unknown IT group(s): %(g)s.")) % {"g": ", ".join(unknown)})
    return found


def _skill_part(part: str) -> tuple[str, str]:
    """``SQL:2``, ``SQL：2``, ``SQL=2`` or ``SQL(2)`` -> ``("SQL", "2")``; ``SQL`` alone:
    ``("SQL", "")``."""
    match = _SKILL_LEVEL.match(part.strip())
    if match is None:
        return part.strip(), ""
    return match.group(1).strip(), (match.group(2) or match.group(3) or "").strip()


def _skills(session: Session, cell: str, errors: dict[str, list[str]]
            ) -> dict[Skill, int] | object:
    if not cell:
        return KEEP
    if cell == CLEAR:
        return {}
    levels: dict[Skill, int] = {}
    unknown, bad = [], []
    for part in _split(cell):
        name, level_text = _skill_part(part)
        try:
            skill = find_skill(session, name)
        except HelpdeskError:
            unknown.append(name)
            continue
        if not level_text:
            levels[skill] = 1
        elif level_text.isdigit() and 1 <= int(level_text) <= 3:
            levels[skill] = int(level_text)
        else:
            bad.append(part)
    if unknown:
        _add(errors, "skills", str(_("Unknown skill(s): %(s)s.")) % {"s": ", ".join(unknown)})
    if bad:
        _add(errors, "skills", str(_("A skill's level is 1, 2 or 3 (like “SQL:2”): %(s)s."))
             % {"s": ", ".join(bad)})
    return levels


def _capacity(cell: str, errors: dict[str, list[str]]) -> int | object | None:
    if not cell:
        return KEEP
    if cell == CLEAR:
        return None
    if not cell.isdigit() or int(cell) > 999:
        _add(errors, "capacity", str(_("A whole number from 0 to %(n)d.")) % {"n": 999})
        return KEEP
    return int(cell)


def _text(cell: str) -> str | object | None:
    """A plain text cell in an update: empty keeps, ``-`` clears."""
    if not cell:
        return KEEP
    return None if cell == CLEAR else cell


def _user_row(session: Session, actor: User | None, row: CsvRow, table: CsvTable,
              report: ImportReport, words: Mapping[str, str]) -> str:
    v = row.values
    errors: dict[str, list[str]] = {}
    username = v.get("username", "").lower()
    number = v.get("employee_no", "")
    existing: User | None = None
    if username:
        existing = session.scalar(select(User).where(User.username == username))
    elif number:
        existing = session.scalar(select(User).where(User.employee_no == number))
    else:
        key = "username" if "username" in table.columns else "employee_no"
        _add(errors, key, str(_("This field is required.")))
    role: str | object = KEEP
    if v.get("role"):
        role = words.get(normalise_header(v["role"]), "")
        if not role:
            _add(errors, "role", str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Role)})
            role = KEEP
    created_departments: list[str] = []
    dept = _department(session, actor, row, errors, created_departments)
    groups = _groups(session, v.get("groups", ""), errors)
    skills = _skills(session, v.get("skills", ""), errors)
    capacity = _capacity(v.get("capacity", ""), errors)
    final_role = role if role is not KEEP else (existing.role if existing else "employee")
    if isinstance(skills, dict) and skills and final_role == Role.EMPLOYEE.value:
        _add(errors, "skills", str(_("Only IT staff have skills.")))
    before = _snapshot(session, existing) if existing is not None else None
    user = _write_account(session, actor, existing, row, table, errors, username=username,
                          role=role, dept=dept, groups=groups)
    if user is not None and not errors:
        try:
            if isinstance(skills, dict):
                set_skills(session, actor, user, skills)
            if capacity is not KEEP:
                set_capacity(session, actor, user, capacity)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _merge(errors, exc)
    if errors:
        raise _Rejected(errors)
    assert user is not None
    report.departments_created.extend(created_departments)
    if before is None:
        return "created"
    session.flush()
    session.refresh(user)
    return "unchanged" if _snapshot(session, user) == before else "updated"


def _write_account(session: Session, actor: User | None, existing: User | None, row: CsvRow,
                   table: CsvTable, errors: dict[str, list[str]], *, username: str,
                   role: str | object, dept: Any, groups: Any) -> User | None:
    """Create or update the account itself; its errors are merged into ``errors``."""
    v = row.values
    try:
        if existing is None:
            return create_user(
                session, actor,
                username=username or _new_username(session, v.get("email", ""),
                                                   v.get("employee_no", "")),
                full_name=v.get("full_name", ""),
                role=role if isinstance(role, str) else Role.EMPLOYEE.value,
                email=v.get("email") or None, phone=v.get("phone") or None,
                employee_no=v.get("employee_no") or None,
                department=dept if isinstance(dept, Department) else None,
                groups=groups if isinstance(groups, list) else (),
            )
        changes: dict[str, Any] = {}
        for name in ("full_name", "email", "phone", "employee_no"):
            value = _text(v.get(name, ""))
            if value is not KEEP:
                changes[name] = value
        if changes.get("full_name", "") is None:
            _add(errors, "full_name", str(_("This field is required.")))
            changes.pop("full_name")
        if role is not KEEP:
            changes["role"] = role
        if dept is not KEEP:
            changes["department"] = dept
        if groups is not KEEP:
            changes["groups"] = groups
        return update_user(session, actor, existing, **changes)
    except ValidationFailed as exc:
        _merge(errors, exc)
        return None
