"""The plugins page: every installed plugin, what it provides, its switch and its settings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema
from marshmallow import fields as mfields
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from hdcore import HelpdeskPlugin, PermissionDenied, Role, ServiceRequest, ValidationFailed
from hdcore import services as svc
from hdcore.models import PluginState
from hdcore.workflow import ASSIGNEE, DEPARTMENT_HEAD, REQUESTER, StateKind
from web.admin.blueprint import bp
from web.admin.common import flash_reasons, form_failed
from web.admin.plugin_doctor import page_extras
from web.admin.sections import open_to
from web.context import db, host
from web.schema_forms import FieldView, form_fields, parse_form


@dataclass
class CategoryView:
    """A category a plugin provides, with its workflow and how many requests it has."""

    name: str
    label: str
    description: str
    states: list[dict[str, Any]]
    transitions: list[dict[str, Any]]
    total: int
    open: int


@dataclass
class PluginView:
    """One plugin as the page shows it."""

    plugin: HelpdeskPlugin
    enabled: bool
    state: PluginState | None
    categories: list[CategoryView] = field(default_factory=list)
    vendor_kinds: list[Any] = field(default_factory=list)
    permissions: list[Any] = field(default_factory=list)
    shared: list[dict[str, Any]] = field(default_factory=list)
    settings: list[FieldView] | None = None


#: The order people read "who may take it" in: the requester's side first, then IT by rank.
WHO_ORDER = (REQUESTER, DEPARTMENT_HEAD, ASSIGNEE, *(r.value for r in Role))


def who_labels(roles: Iterable[str]) -> list[str]:
    """The labels of ``roles``, in :data:`WHO_ORDER` (permissions last)."""
    def rank(role: str) -> tuple[int, str]:
        return (WHO_ORDER.index(role) if role in WHO_ORDER else len(WHO_ORDER), role)

    return [who_label(r) for r in sorted(roles, key=rank)]


def who_label(role: str) -> str:
    """Who may take a step: an account role, a pseudo-role or a permission, for people."""
    pseudo = {REQUESTER: _("Requester"), DEPARTMENT_HEAD: _("Head of the requester's department"),
              ASSIGNEE: _("Assigned technician or group")}
    if role in pseudo:
        return pseudo[role]
    if role.startswith("perm:"):
        perm = next((p for p in host().permissions() if p.name == role[5:]), None)
        return _('Holders of "%(p)s"', p=str(perm.label) if perm else role[5:])
    try:
        return Role(role).label
    except ValueError:
        return role


def _describe(category: str, counts: Counter[tuple[str, str]]) -> CategoryView:
    wf = host().workflow(category)
    spec = host().category(category)
    desc = wf.describe()
    labels = {s["name"]: s["label"] for s in desc["states"]}
    for t in desc["transitions"]:
        t["from_labels"] = [labels.get(s, s) for s in t["from"]]
        t["to_label"] = labels.get(t["to"], t["to"])
        t["who"] = who_labels(t["roles"])
    final = set(wf.states_of_kind(StateKind.FINAL))
    total = sum(n for (cat, _status), n in counts.items() if cat == category)
    open_ = sum(n for (cat, status), n in counts.items() if cat == category and status not in final)
    return CategoryView(category, str(spec.label), str(spec.description), desc["states"],
                        desc["transitions"], total, open_)


def _shared(plugin: str) -> list[dict[str, Any]]:
    """Steps ``plugin`` adds to categories it does not provide (the core's lifecycle)."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, Any]] = {}
    for cat in host().categories():
        if cat.plugin == plugin:
            continue
        wf = host().workflow(cat.name)
        states = [s for s in wf.states.values() if s.origin == plugin]
        steps = [t for t in wf.transitions.values() if t.origin == plugin]
        if not states and not steps:
            continue
        key = (tuple(s.name for s in states), tuple(t.name for t in steps))
        entry = groups.setdefault(key, {"categories": [], "states": [
            {"name": s.name, "label": str(s.label), "kind": s.kind.value} for s in states],
            "transitions": [{"label": str(t.label), "to_label": str(wf.state(t.target).label),
                             "who": who_labels(t.roles)} for t in steps]})
        entry["categories"].append(str(cat.label))
    others = sum(1 for cat in host().categories() if cat.plugin != plugin)
    for entry in groups.values():
        entry["every"] = len(entry["categories"]) == others
    return list(groups.values())


def settings_fields(plugin: HelpdeskPlugin, values: dict[str, Any] | None = None,
                    errors: dict[str, list[str]] | None = None) -> list[FieldView] | None:
    """The inputs of the plugin's settings form (None if it has no settings)."""
    schema = plugin.settings_schema
    if schema is None:
        return None
    if values is None:
        values = host().plugin_settings(db(), plugin.name)
    views = form_fields(schema, values, errors, session=db())
    simple_lists = {n for n, f in schema().fields.items()
                    if isinstance(f, mfields.List) and not isinstance(f.inner, mfields.Nested)}
    for v in views:
        # A list of plain values is typed one per line.
        if v.name in simple_lists:
            v.widget = "textarea" if v.widget == "rows" else v.widget
            if isinstance(v.value, list | tuple):
                v.value = "\n".join(str(x) for x in v.value)
    return views


def _views(edited: str | None = None, values: dict[str, Any] | None = None,
           errors: dict[str, list[str]] | None = None) -> list[PluginView]:
    disabled = host().disabled_plugins(db())
    states = {s.name: s for s in db().scalars(select(PluginState))}
    counts: Counter[tuple[str, str]] = Counter({
        (cat, status): n for cat, status, n in db().execute(
            select(ServiceRequest.category, ServiceRequest.status, func.count())
            .group_by(ServiceRequest.category, ServiceRequest.status))})
    out = []
    for p in host().plugins():
        view = PluginView(p, p.name not in disabled, states.get(p.name))
        view.categories = [_describe(c.name, counts) for c in host().categories()
                           if c.plugin == p.name]
        view.vendor_kinds = [k for k in host().vendor_kinds() if k.plugin == p.name]
        view.permissions = [
            {"name": perm.name, "label": str(perm.label),
             "roles": who_labels(perm.roles)}
            for perm in host().permissions() if perm.plugin == p.name]
        view.shared = _shared(p.name)
        if p.name == edited:
            view.settings = settings_fields(p, values, errors)
        else:
            view.settings = settings_fields(p)
        out.append(view)
    return out


@bp.route("/")
def index() -> Response:
    """The area opens on its first section the signed-in person may open (the plugins page
    for administrators)."""
    return redirect(url_for(open_to(current_user)[0].endpoint))


@bp.route("/plugins")
def plugins() -> str:
    """Every installed plugin: what it provides, on or off, and its settings."""
    return render_template("admin/plugins.html", plugins=_views(), **page_extras())


def _back(name: str) -> Response:
    return redirect(url_for("admin.plugins", _anchor=f"plugin-{name}"))


@bp.route("/plugins/<name>/switch", methods=["POST"])
def switch_plugin(name: str) -> Response:
    """Enable or disable a plugin for everyone, at once."""
    plugin = host().plugin(name)  # 404 for an unknown name
    enabled = request.form.get("enabled") == "1"
    try:
        svc.set_plugin_enabled(db(), current_user, name, enabled)
    except (ValidationFailed, PermissionDenied) as exc:
        if isinstance(exc, ValidationFailed):
            flash_reasons(exc)
        else:
            flash(str(exc), "error")
        return _back(name)
    if enabled:
        flash(_("%(p)s is enabled: its categories are offered again.", p=str(plugin.title)),
              "success")
    else:
        flash(_("%(p)s is disabled: its categories are no longer offered for new requests; "
                "existing requests stay readable and can be closed.", p=str(plugin.title)),
              "success")
    return _back(name)


@bp.route("/plugins/<name>/settings", methods=["POST"])
def plugin_settings(name: str) -> str | Response | tuple[str, int]:
    """Save a plugin's settings; bad values are shown next to their fields."""
    plugin = host().plugin(name)
    schema: type[Schema] | None = plugin.settings_schema
    if schema is None:
        flash(_("This plugin has no settings."), "error")
        return _back(name)
    values = parse_form(schema, request.form, prefix="settings.")
    try:
        svc.set_plugin_settings(db(), current_user, name, values)
    except ValidationFailed as exc:
        errors = form_failed(exc)
        return render_template("admin/plugins.html", edited=name,
                               plugins=_views(name, values, errors), **page_extras())
    flash(_("The settings of %(p)s were saved.", p=str(plugin.title)), "success")
    return _back(name)
