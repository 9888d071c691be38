"""Accounts: the searchable list, creating and editing one, (de)activating, resetting passwords."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from hdcore import Group, PermissionDenied, Role, User, ValidationFailed
from hdcore import services as svc
from web.admin.blueprint import bp
from web.admin.common import (
    department_choices,
    flash_reasons,
    form_failed,
    is_me,
    locale_choices,
    open_work,
    role_choices,
    timezone_choices,
)
from web.context import db, helpdesk
from web.views_common import paginate

#: The inputs of the account form, besides the groups (a list).
TEXT_FIELDS = ("full_name", "email", "phone", "employee_no", "role", "department", "locale",
               "timezone")


def _get_user(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _posted() -> dict[str, Any]:
    """The account form as typed."""
    values: dict[str, Any] = {k: request.form.get(k, "").strip() for k in TEXT_FIELDS}
    values["groups"] = [int(g) for g in request.form.getlist("groups") if g.isdigit()]
    return values


def _form(template_values: dict[str, Any], errors: dict[str, list[str]], user: User | None,
          status: int = 200) -> tuple[str, int]:
    groups = list(db().scalars(select(Group).order_by(Group.name)))
    context: dict[str, Any] = {}
    if user is not None:
        requests, tasks = open_work("assignee_id")
        context = {"open_requests": requests[user.id], "open_tasks": tasks[user.id],
                   "myself": is_me(user)}
    return render_template(
        "admin/user_form.html", user=user, values=template_values, errors=errors,
        roles=role_choices(), departments=[(d.code, d.name) for d in department_choices()],
        groups=groups, locales=locale_choices(),
        timezones=[(z, z) for z in timezone_choices()], **context,
    ), status


@bp.route("/users")
def users() -> str:
    """Every account, searchable by name, user name, number or department; by role and status."""
    filters = {k: request.args.get(k, "").strip() for k in ("q", "department", "role", "status")}
    query = svc.user_query(text=filters["q"], department=filters["department"],
                           role=filters["role"], status=filters["status"]).options(
        selectinload(User.groups), selectinload(User.department))
    page = paginate(db(), query)
    return render_template("admin/users.html", page=page, filters=filters,
                           filtered=any(filters.values()), roles=role_choices(),
                           departments=department_choices())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> str | Response | tuple[str, int]:
    """Open an account."""
    if request.method == "GET":
        default_zone = helpdesk().settings.timezone
        return _form({"role": Role.EMPLOYEE.value, "timezone": default_zone, "groups": []},
                     {}, None)
    values = _posted()
    values["username"] = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        user = svc.create_user(
            db(), current_user, username=values["username"], full_name=values["full_name"],
            role=values["role"], password=password or None, email=values["email"],
            phone=values["phone"], employee_no=values["employee_no"],
            department=values["department"] or None, groups=values["groups"],
            locale=values["locale"] or None, timezone=values["timezone"],
            confirm=request.form.get("confirm", ""),
        )
    except ValidationFailed as exc:
        return _form(values, form_failed(exc), None)
    flash(_("The account %(u)s was created.", u=user.username), "success")
    return redirect(url_for("admin.users", q=user.username))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    """Change an account's details, role, department, groups, language and time zone."""
    user = _get_user(user_id)
    if request.method == "GET":
        values = {"full_name": user.full_name, "email": user.email or "",
                  "phone": user.phone or "", "employee_no": user.employee_no or "",
                  "role": user.role, "department": user.department.code if user.department
                  else "", "groups": [g.id for g in user.groups], "locale": user.locale or "",
                  "timezone": user.timezone}
        return _form(values, {}, user)
    values = _posted()
    try:
        svc.update_user(db(), current_user, user, full_name=values["full_name"],
                        email=values["email"], phone=values["phone"],
                        employee_no=values["employee_no"], role=values["role"],
                        department=values["department"] or None, groups=values["groups"],
                        locale=values["locale"] or None, timezone=values["timezone"])
    except ValidationFailed as exc:
        return _form(values, form_failed(exc), user)
    except PermissionDenied as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    flash(_("The account %(u)s was saved.", u=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int) -> Response:
    """Deactivate an account (it can no longer sign in) or activate it again."""
    user = _get_user(user_id)
    active = request.form.get("active") == "1"
    try:
        svc.update_user(db(), current_user, user, active=active)
    except ValidationFailed as exc:
        flash_reasons(exc)
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=user.full_name), "success")
        else:
            flash(_("%(name)s is deactivated and can no longer sign in.", name=user.full_name),
                  "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int) -> Response | tuple[str, int]:
    """Give an account a new password (to be passed on to its owner)."""
    user = _get_user(user_id)
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        flash(_("The two passwords differ."), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id) + "#reset-password")
    try:
        svc.set_password(db(), current_user, user, password)
    except ValidationFailed as exc:
        flash_reasons(exc)
        return redirect(url_for("admin.edit_user", user_id=user.id) + "#reset-password")
    flash(_("The password of %(u)s was changed.", u=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
