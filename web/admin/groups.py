"""IT groups: the list with members and open work, adding, editing members, deleting."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from hdcore import Group, User, ValidationFailed
from hdcore import services as svc
from hdcore.models import STAFF_ROLES
from web.admin.blueprint import bp
from web.admin.common import flash_reasons, form_failed, open_work
from web.context import db


def _get(group_id: int) -> Group:
    group = db().get(Group, group_id)
    if group is None:
        abort(404)
    return group


def _posted() -> dict[str, Any]:
    values: dict[str, Any] = {k: request.form.get(k, "").strip()
                              for k in ("name", "description", "email")}
    values["members"] = [int(m) for m in request.form.getlist("members") if m.isdigit()]
    return values


def _form(group: Group | None, values: dict[str, Any], errors: dict[str, list[str]]) -> str:
    """The group form: every active member of IT staff can be ticked (and current members)."""
    staff = list(db().scalars(select(User).where(User.role.in_(STAFF_ROLES),
                                                 User.is_active.is_(True))
                              .options(selectinload(User.groups)).order_by(User.full_name)))
    current = [u for u in (group.members if group else []) if u not in staff]
    return render_template(
        "admin/group_form.html", group=group, values=values, errors=errors,
        people=sorted(staff + current, key=lambda u: u.full_name),
        usage=svc.group_usage(db(), group) if group else None,
    )


@bp.route("/groups")
def groups() -> str:
    """Every IT group, with its members and the open work assigned to it."""
    rows = list(db().scalars(select(Group).options(selectinload(Group.members))
                             .order_by(Group.name)))
    requests, tasks = open_work("group_id")
    return render_template("admin/groups.html", groups=rows, open_requests=requests,
                           open_tasks=tasks)


@bp.route("/groups/new", methods=["GET", "POST"])
def new_group() -> str | Response:
    """Add an IT group and tick its members."""
    if request.method == "GET":
        return _form(None, {"members": []}, {})
    values = _posted()
    try:
        group = svc.create_group(db(), current_user, name=values["name"],
                                 description=values["description"], email=values["email"],
                                 members=values["members"])
    except ValidationFailed as exc:
        return _form(None, values, form_failed(exc))
    flash(_("The group %(g)s was added.", g=group.name), "success")
    return redirect(url_for("admin.groups"))


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
def edit_group(group_id: int) -> str | Response:
    """Rename a group, change its description, e-mail and members."""
    group = _get(group_id)
    if request.method == "GET":
        return _form(group, {"name": group.name, "description": group.description or "",
                             "email": group.email or "",
                             "members": [u.id for u in group.members]}, {})
    values = _posted()
    try:
        svc.update_group(db(), current_user, group, name=values["name"],
                         description=values["description"], email=values["email"],
                         members=values["members"])
    except ValidationFailed as exc:
        return _form(group, values, form_failed(exc))
    flash(_("The group %(g)s was saved.", g=group.name), "success")
    return redirect(url_for("admin.groups"))


@bp.route("/groups/<int:group_id>/delete", methods=["POST"])
def delete_group(group_id: int) -> Response:
    """Remove a group nothing is assigned to."""
    group = _get(group_id)
    name = group.name
    try:
        svc.delete_group(db(), current_user, group)
    except ValidationFailed as exc:
        flash(_("The group %(g)s cannot be deleted.", g=name), "error")
        flash_reasons(exc)
        return redirect(url_for("admin.edit_group", group_id=group_id))
    flash(_("The group %(g)s was deleted.", g=name), "success")
    return redirect(url_for("admin.groups"))
