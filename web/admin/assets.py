"""Administration of the installed base: counter definitions, threshold rules, import/export."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hdcore import NotFound, Priority, ValidationFailed
from hdcore.models import AssetType, CounterKind, ThresholdMode
from hdcore.services.assets_io import (
    ASSET_COLUMNS,
    READING_COLUMNS,
    import_assets,
    import_readings,
    read_assets,
    read_readings,
)
from hdcore.services.counter_rules import (
    PLACEHOLDERS,
    all_rules,
    create_threshold_rule,
    delete_threshold_rule,
    firings_of,
    get_rule,
    update_threshold_rule,
)
from hdcore.services.counters import all_counters, create_counter, get_counter, update_counter
from hdcore.services.csv_input import ENCODINGS
from hdcore.services.imports import ImportReport
from web.admin.blueprint import bp
from web.admin.import_results import announce, rejected_file, rejected_json
from web.context import db, host

COUNTER_FIELDS = ("asset_type", "code", "name", "unit", "kind", "max_value")
RULE_FIELDS = ("name", "counter", "mode", "amount", "category", "title", "description",
               "priority", "requester", "details")
IMPORTS = {"assets": (read_assets, import_assets), "readings": (read_readings, import_readings)}


def _type_choices() -> list[tuple[str, str]]:
    return [(t.value, t.label) for t in AssetType]


# -- counters ----------------------------------------------------------------------------------


def _counters_page(values: dict[str, Any], errors: dict[str, list[str]],
                   status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/assets_counters.html", counters=all_counters(db()), values=values,
        errors=errors, types=_type_choices(),
        kinds=[(k.value, k.label) for k in CounterKind]), status


@bp.route("/assets/counters", methods=["GET", "POST"])
def asset_counters() -> tuple[str, int] | Response:
    """The counters kept per asset type, and the form to define one."""
    if request.method == "GET":
        return _counters_page({"kind": "cumulative"}, {})
    values = {k: request.form.get(k, "").strip() for k in COUNTER_FIELDS}
    try:
        counter = create_counter(db(), current_user, **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _counters_page(values, exc.errors, 400)
    flash(_("Counter %(name)s defined.", name=counter.name), "success")
    return redirect(url_for("admin.asset_counters"))


@bp.route("/assets/counters/<int:counter_id>", methods=["GET", "POST"])
def asset_counter(counter_id: int) -> tuple[str, int] | Response:
    """Edit a counter: its name, unit, limit, kind, or switch it off."""
    try:
        counter = get_counter(db(), counter_id)
    except NotFound:
        abort(404)
    values: dict[str, Any] = {"code": counter.code, "name": counter.name, "unit": counter.unit,
                              "kind": counter.kind, "max_value": counter.max_value or "",
                              "active": counter.active}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("code", "name", "unit", "kind",
                                                                 "max_value")}
        values["active"] = bool(request.form.get("active"))
        try:
            update_counter(db(), current_user, counter, **values)
        except ValidationFailed as exc:
            flash(_("Please correct the marked fields."), "error")
            errors = exc.errors
        else:
            flash(_("Counter %(name)s saved.", name=counter.name), "success")
            return redirect(url_for("admin.asset_counters"))
    return render_template("admin/assets_counter.html", counter=counter, values=values,
                           errors=errors, kinds=[(k.value, k.label) for k in CounterKind]
                           ), 400 if errors else 200


# -- threshold rules ---------------------------------------------------------------------------


@bp.route("/assets/rules")
def asset_rules() -> str:
    """The threshold rules and what they opened lately."""
    return render_template("admin/assets_rules.html", rules=all_rules(db()),
                           firings=firings_of(db(), limit=20))


def _rule_values(rule: Any = None) -> dict[str, Any]:
    if rule is None:
        return {"mode": "every", "priority": "normal", "details": "{}"}
    return {"name": rule.name, "counter": str(rule.counter_id), "mode": rule.mode,
            "amount": str(rule.amount), "category": rule.category, "title": rule.title,
            "description": rule.description, "priority": rule.priority,
            "requester": rule.requester.username,
            "details": json.dumps(rule.details, ensure_ascii=False, indent=2),
            "active": rule.active}


def _rule_page(rule: Any, values: dict[str, Any], errors: dict[str, list[str]],
               status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/assets_rule.html", rule=rule, values=values, errors=errors,
        counters=[(c.id, f"{c.name} · {AssetType(c.asset_type).label}")
                  for c in all_counters(db()) if c.active],
        modes=[(m.value, m.label) for m in ThresholdMode],
        categories=[(c.name, str(c.label)) for c in host().categories()],
        priorities=[(p.value, p.label) for p in Priority],
        placeholders=PLACEHOLDERS,
        detail_errors=[(key[len("details."):] or key, m) for key, msgs in errors.items()
                       if key.startswith("details") for m in msgs]), status


def _posted_rule() -> tuple[dict[str, Any], dict[str, Any], dict[str, list[str]]]:
    """What the rule form posted (as typed), the values for the service, and parse errors."""
    typed = {k: request.form.get(k, "").strip() for k in RULE_FIELDS}
    typed["active"] = bool(request.form.get("active"))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {k: v for k, v in typed.items() if k != "details"}
    values["priority"] = values["priority"] or Priority.NORMAL.value
    try:
        details = json.loads(typed["details"] or "{}")
        if not isinstance(details, dict):
            raise ValueError
        values["details"] = details
    except ValueError:
        errors["details"] = [_("Write the category's fields as a JSON object, like "
                               "{\"cost_centre\": \"CC-100\"}.")]
    return typed, values, errors


@bp.route("/assets/rules/new", methods=["GET", "POST"])
def new_asset_rule() -> tuple[str, int] | Response:
    """Define a threshold rule."""
    if request.method == "GET":
        return _rule_page(None, _rule_values(), {})
    typed, values, errors = _posted_rule()
    if errors:
        return _rule_page(None, typed, errors, 400)
    try:
        rule = create_threshold_rule(db(), current_user, **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _rule_page(None, typed, exc.errors, 400)
    flash(_("Rule %(name)s saved.", name=rule.name), "success")
    return redirect(url_for("admin.asset_rules"))


@bp.route("/assets/rules/<int:threshold_id>", methods=["GET", "POST"])
def asset_rule(threshold_id: int) -> tuple[str, int] | Response:
    """Edit a threshold rule, or switch it off."""
    try:
        rule = get_rule(db(), threshold_id)
    except NotFound:
        abort(404)
    if request.method == "GET":
        return _rule_page(rule, _rule_values(rule), {})
    typed, values, errors = _posted_rule()
    if errors:
        return _rule_page(rule, typed, errors, 400)
    try:
        update_threshold_rule(db(), current_user, rule, **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _rule_page(rule, typed, exc.errors, 400)
    flash(_("Rule %(name)s saved.", name=rule.name), "success")
    return redirect(url_for("admin.asset_rules"))


@bp.route("/assets/rules/<int:threshold_id>/delete", methods=["POST"])
def delete_asset_rule(threshold_id: int) -> Response:
    """Delete a rule (the requests it opened stay)."""
    try:
        rule = get_rule(db(), threshold_id)
    except NotFound:
        abort(404)
    name = rule.name
    delete_threshold_rule(db(), current_user, rule)
    flash(_("Rule %(name)s deleted.", name=name), "success")
    return redirect(url_for("admin.asset_rules"))


# -- import and export -------------------------------------------------------------------------


def _import_page(values: dict[str, str], errors: dict[str, list[str]],
                 report: ImportReport | None = None, rejected_json: str = "",
                 status: int = 200) -> tuple[str, int]:
    return render_template("admin/assets_import.html", values=values, errors=errors,
                           report=report, rejected_json=rejected_json, encodings=ENCODINGS,
                           asset_columns=ASSET_COLUMNS, reading_columns=READING_COLUMNS
                           ), status


@bp.route("/assets/import", methods=["GET", "POST"])
def asset_import() -> tuple[str, int]:
    """Upload an assets file or a readings file (CSV or Excel); show what was done."""
    values = {"kind": request.values.get("kind", "assets"),
              "encoding": request.values.get("encoding", "auto")}
    if values["kind"] not in IMPORTS:
        values["kind"] = "assets"
    if request.method == "GET":
        return _import_page(values, {})
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page(values, {"file": [_("Choose the file to import.")]}, status=400)
    read, run = IMPORTS[values["kind"]]
    try:
        table = read(upload.read(), values["encoding"])
    except ValidationFailed as exc:
        return _import_page(values, exc.errors, status=400)
    report = run(db(), current_user, table)
    announce(report)
    return _import_page(values, {}, report, rejected_json(table, report))


@bp.route("/assets/import/rejected.<fmt>", methods=["POST"])
def asset_import_rejected(fmt: str) -> Response:
    """The rejected rows of the import just shown, as a file to correct and import again."""
    return rejected_file(fmt)
