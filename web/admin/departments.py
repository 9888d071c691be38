"""Business departments: the list, adding one, and editing its name, cost centre and head."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from hdcore import Department, User, ValidationFailed
from hdcore import services as svc
from web.admin.blueprint import bp
from web.admin.common import form_failed
from web.context import db


def _get(dept_id: int) -> Department:
    dept = db().get(Department, dept_id)
    if dept is None:
        abort(404)
    return dept


@bp.route("/departments")
def departments() -> str:
    """Every department with its head and how many people it has."""
    sizes = dict(db().execute(select(User.department_id, func.count()).where(
        User.is_active.is_(True)).group_by(User.department_id)).all())
    rows = list(db().scalars(select(Department).order_by(Department.name)))
    return render_template("admin/departments.html", departments=rows, sizes=sizes)


@bp.route("/departments/new", methods=["GET", "POST"])
def new_department() -> str | Response:
    """Add a department (its head is chosen once it has people)."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("code", "name", "cost_centre")}
        try:
            dept = svc.create_department(db(), current_user, code=values["code"],
                                         name=values["name"],
                                         cost_centre=values["cost_centre"] or None)
        except ValidationFailed as exc:
            errors = form_failed(exc)
        else:
            flash(_("The department %(d)s was added.", d=dept.name), "success")
            return redirect(url_for("admin.edit_department", dept_id=dept.id))
    return render_template("admin/department_form.html", dept=None, values=values,
                           errors=errors)


@bp.route("/departments/<int:dept_id>", methods=["GET", "POST"])
def edit_department(dept_id: int) -> str | Response:
    """Rename a department, change its cost centre or its head."""
    dept = _get(dept_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("name", "cost_centre", "head")}
        head = int(values["head"]) if values["head"].isdigit() else None
        try:
            svc.update_department(db(), current_user, dept, name=values["name"],
                                  cost_centre=values["cost_centre"] or None, head=head)
        except ValidationFailed as exc:
            errors = form_failed(exc)
        else:
            flash(_("The department %(d)s was saved.", d=dept.name), "success")
            return redirect(url_for("admin.departments"))
    else:
        values = {"name": dept.name, "cost_centre": dept.cost_centre or "",
                  "head": str(dept.head_id or "")}
    members = list(db().scalars(select(User).where(User.department_id == dept.id,
                                                   User.is_active.is_(True))
                                .order_by(User.full_name)))
    others = list(db().scalars(select(User).where(User.is_active.is_(True),
                                                  (User.department_id != dept.id)
                                                  | User.department_id.is_(None))
                               .order_by(User.full_name)))
    return render_template("admin/department_form.html", dept=dept, values=values,
                           errors=errors, members=members, others=others)
