"""Importing departments from a CSV file (the HR system's export): code, name, cost centre and
head (employee number or user name), matched by code; batches, savepoints and the report as for
people (see :mod:`hdcore.services.imports`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.errors import ValidationFailed
from hdcore.i18n import _
from hdcore.models import Department, User
from hdcore.services.csv_input import CsvRow, CsvTable
from hdcore.services.directory import KEEP
from hdcore.services.imports import (
    CLEAR,
    ImportReport,
    Progress,
    _add,
    _merge,
    _Rejected,
    _run,
)
from hdcore.services.organisation import create_department, update_department
from hdcore.services.resources import require_resource_manager
from hdcore.tabular import read_records

DEPARTMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "department code", "dept code", "部门代码", "部门编码", "部门编号", "代码",
             "编码"),
    "name": ("name", "department name", "department", "部门名称", "名称", "部门"),
    "cost_centre": ("cost centre", "cost center", "cost centre code", "成本中心"),
    "head": ("head", "head employee number", "manager", "负责人", "负责人工号", "部门负责人"),
}


def read_departments(data: bytes, encoding: str = "auto") -> CsvTable:
    """Read a departments file; refused without a code column."""
    table = read_records(data, DEPARTMENT_COLUMNS, encoding=encoding)
    if "code" not in table.columns:
        raise ValidationFailed({"file": [str(_("The file needs a column of department codes "
                                               "(like “code” or “部门代码”)."))]})
    return table


def import_departments(session: Session, actor: User | None, table: CsvTable, *,
                       progress: Progress | None = None) -> ImportReport:
    """Create or update the departments of a departments file, matched by code."""
    require_resource_manager(actor)
    return _run(session, actor, table, "departments", _department_row,
                lambda row: row.values.get("code", ""), progress)


def _department_row(session: Session, actor: User | None, row: CsvRow, table: CsvTable,
                    report: ImportReport) -> str:
    v = row.values
    errors: dict[str, list[str]] = {}
    code = v.get("code", "")
    if not code:
        raise _Rejected({"code": [str(_("This field is required."))]})
    head: Any = KEEP
    if v.get("head"):
        if v["head"] == CLEAR:
            head = None
        else:
            head = (session.scalar(select(User).where(User.employee_no == v["head"]))
                    or session.scalar(select(User).where(User.username == v["head"].lower())))
            if head is None:
                _add(errors, "head", str(_("Unknown person %(p)s (give an employee number or a "
                                           "user name).")) % {"p": v["head"]})
                head = KEEP
    dept = session.scalar(select(Department).where(Department.code == code))
    before = (dept.name, dept.cost_centre, dept.head_id) if dept is not None else None
    try:
        if dept is None:
            dept = create_department(session, actor, code=code, name=v.get("name", ""),
                                     cost_centre=v.get("cost_centre") or None)
        else:
            changes: dict[str, Any] = {}
            if v.get("name") and v["name"] != CLEAR:
                changes["name"] = v["name"]
            if v.get("cost_centre"):
                changes["cost_centre"] = None if v["cost_centre"] == CLEAR else v["cost_centre"]
            update_department(session, actor, dept, **changes)
        if head is not KEEP and not errors:
            update_department(session, actor, dept, head=head)
    except ValidationFailed as exc:
        _merge(errors, exc)
    if errors:
        raise _Rejected(errors)
    assert dept is not None
    if before is None:
        return "created"
    return "unchanged" if (dept.name, dept.cost_centre, dept.head_id) == before else "updated"
