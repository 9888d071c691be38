"""Automatic assignment's pages: the switch and rules per category, and each group's policy.

A rule's conditions are built from the category's fields: a field with a fixed set of values
offers them as boxes to tick. Choosing a field re-draws the form (the "Show the values" button,
pressed by a line of script when a field is chosen), so the page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from hdcore import Group, NotFound, ValidationFailed
from hdcore import services as svc
from hdcore.models import RoutingRule
from hdcore.queries.resources import all_skills
from hdcore.routing import OPERATORS, POLICIES, describe, fields_by_name, rule_fields, rules_of
from hdcore.routing.conditions import LIST_OPERATORS, MAX_CONDITIONS
from hdcore.routing.engine import setting_of
from hdcore.services.resources import GROUP_KINDS
from hdcore.services.routing import rule_counts
from web.admin.blueprint import bp
from web.admin.common import flash_reasons, form_failed
from web.context import db, host

#: Empty condition rows offered below the filled ones.
SPARE_ROWS = 1


def _category_or_404(name: str) -> Any:
    try:
        return host().category(name)
    except NotFound:
        abort(404)


def _groups() -> list[Group]:
    return list(db().scalars(select(Group).options(selectinload(Group.members))
                             .order_by(Group.name)))


@bp.route("/routing")
def routing() -> str:
    """Every category with its switch and rule count; every group's policy."""
    counts = rule_counts(db())
    rows = [(cat, setting_of(db(), cat.name), counts.get(cat.name, 0))
            for cat in host().categories()]
    return render_template("admin/routing.html", rows=rows, groups=_groups(),
                           policies=POLICIES, kinds=GROUP_KINDS)


@bp.route("/routing/groups/<int:group_id>", methods=["POST"])
def group_policy(group_id: int) -> Response:
    """Set a group's assignment policy and kind."""
    group = db().get(Group, group_id)
    if group is None:
        abort(404)
    try:
        svc.set_group_routing(db(), current_user, group,
                              policy=request.form.get("policy", ""),
                              kind=request.form.get("kind", ""))
    except ValidationFailed as exc:
        flash_reasons(exc)
    else:
        flash(_("The group %(g)s was saved.", g=group.name), "success")
    return redirect(url_for("admin.routing") + f"#group-{group.id}")


@bp.route("/routing/<category>")
def routing_category(category: str) -> str:
    """A category's rules in the order they are tried, and its switch."""
    spec = _category_or_404(category)
    fields = fields_by_name(db(), category)
    rules = rules_of(db(), category)
    return render_template(
        "admin/routing_category.html", category=spec, setting=setting_of(db(), category),
        rules=rules, described={r.id: [describe(fields, c) for c in r.conditions or []]
                                for r in rules},
        policies=POLICIES, suggests=_suggests(category),
    )


def _suggests(category: str) -> bool:
    """Whether the category's plugin suggests routes (its hook is implemented)."""
    spec = host().category(category)
    plugin = next((p for p in host().plugins() if p.name == spec.plugin), None)
    return plugin is not None and hasattr(plugin, "hd_suggest_route")


@bp.route("/routing/<category>/switch", methods=["POST"])
def routing_switch(category: str) -> Response:
    """Switch automatic assignment of the category on or off."""
    _category_or_404(category)
    enabled = request.form.get("enabled") == "1"
    svc.set_routing(db(), current_user, category, enabled=enabled,
                    use_suggestion=request.form.get("use_suggestion") == "1")
    flash(_("Automatic assignment is on for new requests of this category.") if enabled
          else _("Automatic assignment is off: new requests wait in the intake."), "success")
    return redirect(url_for("admin.routing_category", category=category))


# -- the rule form -----------------------------------------------------------------------------


def _posted_rows() -> list[dict[str, Any]]:
    """The condition rows as typed; rows without a field, or ticked for removal, dropped."""
    try:
        count = min(int(request.form.get("cond-count", "0")), MAX_CONDITIONS + SPARE_ROWS + 5)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        name = request.form.get(f"cond-{i}-field", "").strip()
        if not name or request.form.get(f"cond-{i}-remove"):
            continue
        ticked = request.form.getlist(f"cond-{i}-values")
        rows.append({"field": name, "op": request.form.get(f"cond-{i}-op", "").strip(),
                     "value": ticked if ticked else request.form.get(f"cond-{i}-value", "")})
    return rows


def _posted() -> dict[str, Any]:
    return {"name": request.form.get("name", "").strip(),
            "group": request.form.get("group", ""), "skill": request.form.get("skill", ""),
            "enabled": request.form.get("enabled") == "1", "conditions": _posted_rows()}


def _row_view(row: dict[str, Any], fields: dict[str, Any], errors: dict[str, list[str]],
              index: int) -> dict[str, Any]:
    spec = fields.get(row.get("field", ""))
    value = row.get("value")
    values = [str(v) for v in value] if isinstance(value, list) else (
        [str(value)] if value not in (None, "") else [])
    op = row.get("op") or (spec.operators[0] if spec else "eq")
    return {"field": row.get("field", ""), "op": op, "spec": spec, "chosen": values,
            "text": ", ".join(values) if not (spec and spec.choices) else "",
            "errors": {part: errors.get(f"conditions.{index}.{part}", [])
                       for part in ("field", "op", "value")}}


def _rule_form(category: str, rule: RoutingRule | None, values: dict[str, Any],
               errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    spec = _category_or_404(category)
    fields = fields_by_name(db(), category)
    rows = [_row_view(r, fields, errors, i) for i, r in enumerate(values["conditions"])]
    rows += [_row_view({}, fields, {}, len(rows) + i) for i in range(SPARE_ROWS)]
    return render_template(
        "admin/routing_rule.html", category=spec, rule=rule, values=values, errors=errors,
        rows=rows, fields=rule_fields(db(), category), operators=OPERATORS,
        list_operators=LIST_OPERATORS, groups=_groups(), skills=all_skills(db()),
        policies=POLICIES,
    ), status


def _save(category: str, rule: RoutingRule | None) -> tuple[str, int] | Response:
    values = _posted()
    if request.form.get("action") == "refresh":
        return _rule_form(category, rule, values, {})
    kwargs = {k: values[k] for k in ("name", "group", "skill", "enabled", "conditions")}
    try:
        if rule is None:
            rule = svc.create_rule(db(), current_user, category=category, **kwargs)
            flash(_("The rule %(r)s was added.", r=rule.name), "success")
        else:
            svc.update_rule(db(), current_user, rule.id, **kwargs)
            flash(_("The rule %(r)s was saved.", r=rule.name), "success")
    except ValidationFailed as exc:
        return _rule_form(category, rule, values, form_failed(exc))
    return redirect(url_for("admin.routing_category", category=category) + f"#rule-{rule.id}")


@bp.route("/routing/<category>/new", methods=["GET", "POST"])
def new_rule(category: str) -> tuple[str, int] | Response:
    """Add a rule to the category (it is tried last)."""
    _category_or_404(category)
    if request.method == "GET":
        return _rule_form(category, None, {"name": "", "group": "", "skill": "",
                                           "enabled": True, "conditions": []}, {})
    return _save(category, None)


def _rule_or_404(rule_id: int) -> RoutingRule:
    rule = db().get(RoutingRule, rule_id)
    if rule is None:
        abort(404)
    return rule


@bp.route("/routing/rules/<int:rule_id>", methods=["GET", "POST"])
def edit_rule(rule_id: int) -> tuple[str, int] | Response:
    """Change a rule's name, conditions, group, skill, or switch it off."""
    rule = _rule_or_404(rule_id)
    if request.method == "GET":
        return _rule_form(rule.category, rule, {
            "name": rule.name, "group": str(rule.group_id),
            "skill": str(rule.skill_id or ""), "enabled": rule.enabled,
            "conditions": list(rule.conditions or [])}, {})
    return _save(rule.category, rule)


@bp.route("/routing/rules/<int:rule_id>/move", methods=["POST"])
def move_rule(rule_id: int) -> Response:
    """Try a rule one place earlier (``up``) or later (``down``)."""
    rule = _rule_or_404(rule_id)
    step = -1 if request.form.get("direction") == "up" else 1
    svc.move_rule(db(), current_user, rule.id, by=step)
    return redirect(url_for("admin.routing_category", category=rule.category)
                    + f"#rule-{rule.id}")


@bp.route("/routing/rules/<int:rule_id>/delete", methods=["POST"])
def delete_rule(rule_id: int) -> Response:
    """Remove a rule."""
    rule = _rule_or_404(rule_id)
    category, name = rule.category, rule.name
    svc.delete_rule(db(), current_user, rule.id)
    flash(_("The rule %(r)s was deleted.", r=name), "success")
    return redirect(url_for("admin.routing_category", category=category))
