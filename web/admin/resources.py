"""The resource manager's pages: IT staff with skills, capacity and leave; skills; role defaults."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hdcore import NotFound, Role, User, ValidationFailed
from hdcore import services as svc
from hdcore.models import SKILL_LEVELS, RoleCapacity, Skill
from hdcore.queries.resources import (
    DEFAULT_CAPACITY,
    all_skills,
    leaves_of,
    role_capacities,
    skill_holder_counts,
    staff_resources,
    today,
)
from hdcore.routing import POLICIES
from hdcore.services.resources import GROUP_KINDS, SKILL_LEVEL_LABELS
from web.admin.blueprint import bp
from web.admin.common import flash_reasons, form_failed
from web.context import db

#: Roles whose default capacity the administrator sets (employees take no IT work).
STAFF_ROLES = tuple(r for r in Role if r is not Role.EMPLOYEE)


@bp.context_processor
def _resource_helpers() -> dict[str, Any]:
    """Lets the account page show a person's resources (a small card, staff only)."""

    def resource_summary(user: User | None) -> Any:
        if user is None or not user.is_staff:
            return None
        return staff_resources(db(), [user])[0]

    return {"resource_summary": resource_summary, "skill_level_labels": SKILL_LEVEL_LABELS}


def _person(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _overview(errors: dict[str, list[str]] | None = None,
              values: dict[str, str] | None = None) -> str:
    # The form shows what the administrator set; the built-in default is the placeholder.
    own = {row.role: str(row.capacity) for row in db().scalars(select(RoleCapacity))}
    return render_template(
        "admin/resources.html", rows=staff_resources(db()), today=today(db()),
        roles=STAFF_ROLES, capacities=values or own,
        defaults=DEFAULT_CAPACITY, skills=all_skills(db()),
        holders=skill_holder_counts(db()), errors=errors or {},
    )


@bp.route("/resources")
def resources() -> str:
    """IT staff: capacity, open work, skills and leave at a glance; the roles' defaults."""
    return _overview()


@bp.route("/resources/capacities", methods=["POST"])
def role_capacities_form() -> str | Response:
    """Set the default capacity of each staff role (empty: the built-in default)."""
    values = {r.value: request.form.get(f"capacity-{r.value}", "").strip() for r in STAFF_ROLES}
    try:
        svc.set_role_capacities(db(), current_user, values)
    except ValidationFailed as exc:
        return _overview(form_failed(exc), values)
    flash(_("The default capacities were saved."), "success")
    return redirect(url_for("admin.resources"))


def _person_page(user: User, forms: dict[str, dict[str, Any]] | None = None) -> str:
    summary = staff_resources(db(), [user])[0]
    held = {skill.id: level for skill, level in summary.skills}
    return render_template(
        "admin/resources_person.html", person=user, summary=summary, skills=all_skills(db()),
        held=held, levels=SKILL_LEVELS, level_labels=SKILL_LEVEL_LABELS,
        leaves=leaves_of(db(), user.id, since=today(db())),
        past=[lv for lv in leaves_of(db(), user.id) if lv.ends_on < today(db())][-5:],
        role_default=role_capacities(db()).get(user.role, 0), today=today(db()),
        policies=POLICIES, kinds=GROUP_KINDS, forms=forms or {},
    )


@bp.route("/resources/<int:user_id>")
def person_resources(user_id: int) -> str:
    """One person's skills, capacity and leave."""
    return _person_page(_person(user_id))


@bp.route("/resources/<int:user_id>/skills", methods=["POST"])
def person_skills(user_id: int) -> str | Response:
    """Set the person's skill levels (none, 1, 2 or 3 per skill)."""
    user = _person(user_id)
    levels = {skill.id: request.form.get(f"skill-{skill.id}", "") for skill in all_skills(db())}
    try:
        svc.set_skills(db(), current_user, user, levels)
    except ValidationFailed as exc:
        return _person_page(user, {"skills": {"errors": form_failed(exc), "values": levels}})
    flash(_("The skills of %(name)s were saved.", name=user.full_name), "success")
    return redirect(url_for("admin.person_resources", user_id=user.id))


@bp.route("/resources/<int:user_id>/capacity", methods=["POST"])
def person_capacity(user_id: int) -> str | Response:
    """Set how many open items the person takes (empty: their role's default)."""
    user = _person(user_id)
    value = request.form.get("capacity", "").strip()
    try:
        svc.set_capacity(db(), current_user, user, value or None)
    except ValidationFailed as exc:
        return _person_page(user, {"capacity": {"errors": form_failed(exc),
                                                "values": {"capacity": value}}})
    flash(_("The capacity of %(name)s was saved.", name=user.full_name), "success")
    return redirect(url_for("admin.person_resources", user_id=user.id))


@bp.route("/resources/<int:user_id>/leave", methods=["POST"])
def add_leave(user_id: int) -> str | Response:
    """Record a leave period (first and last day included)."""
    user = _person(user_id)
    values = {k: request.form.get(k, "").strip() for k in ("starts_on", "ends_on", "note")}
    try:
        svc.add_leave(db(), current_user, user, **values)
    except ValidationFailed as exc:
        return _person_page(user, {"leave": {"errors": form_failed(exc), "values": values}})
    flash(_("The leave of %(name)s was recorded.", name=user.full_name), "success")
    return redirect(url_for("admin.person_resources", user_id=user.id))


@bp.route("/resources/<int:user_id>/leave/<int:leave_id>/delete", methods=["POST"])
def delete_leave(user_id: int, leave_id: int) -> Response:
    """Remove a leave period of the person."""
    user = _person(user_id)
    leaves = {lv.id for lv in leaves_of(db(), user.id)}
    if leave_id not in leaves:
        abort(404)
    svc.delete_leave(db(), current_user, leave_id)
    flash(_("The leave was removed."), "success")
    return redirect(url_for("admin.person_resources", user_id=user.id))


# -- skills ------------------------------------------------------------------------------------


def _skills_page(values: dict[str, str] | None = None,
                 errors: dict[str, list[str]] | None = None) -> str:
    return render_template("admin/resources_skills.html", skills=all_skills(db()),
                           holders=skill_holder_counts(db()), values=values or {},
                           errors=errors or {})


@bp.route("/skills", methods=["GET", "POST"])
def skills() -> str | Response:
    """Every skill with how many people have it; adding one."""
    if request.method == "GET":
        return _skills_page()
    values = {k: request.form.get(k, "").strip() for k in ("name", "description")}
    try:
        skill = svc.create_skill(db(), current_user, **values)
    except ValidationFailed as exc:
        return _skills_page(values, form_failed(exc))
    flash(_("The skill %(s)s was added.", s=skill.name), "success")
    return redirect(url_for("admin.skills"))


def _skill(skill_id: int) -> Skill:
    skill = db().get(Skill, skill_id)
    if skill is None:
        abort(404)
    return skill


@bp.route("/skills/<int:skill_id>", methods=["GET", "POST"])
def edit_skill(skill_id: int) -> str | Response:
    """Rename a skill or change its description; see who has it."""
    skill = _skill(skill_id)
    values = {"name": skill.name, "description": skill.description or ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("name", "description")}
        try:
            svc.update_skill(db(), current_user, skill, **values)
        except ValidationFailed as exc:
            errors = form_failed(exc)
        else:
            flash(_("The skill %(s)s was saved.", s=skill.name), "success")
            return redirect(url_for("admin.skills"))
    holders = sorted(((h.user, h.level) for h in skill.holders),
                     key=lambda p: (-p[1], p[0].full_name))
    return render_template("admin/resources_skill.html", skill=skill, values=values,
                           errors=errors, holders=holders, usage=svc.skill_usage(db(), skill),
                           level_labels=SKILL_LEVEL_LABELS)


@bp.route("/skills/<int:skill_id>/delete", methods=["POST"])
def delete_skill(skill_id: int) -> Response:
    """Remove a skill no routing rule looks for."""
    skill = _skill(skill_id)
    name = skill.name
    try:
        svc.delete_skill(db(), current_user, skill)
    except ValidationFailed as exc:
        flash(_("The skill %(s)s cannot be deleted.", s=name), "error")
        flash_reasons(exc)
        return redirect(url_for("admin.edit_skill", skill_id=skill_id))
    except NotFound:
        abort(404)
    flash(_("The skill %(s)s was deleted.", s=name), "success")
    return redirect(url_for("admin.skills"))
