"""The installed base on the desk: the asset list, an asset's page and forms, request links."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from hdcore import (
    Conflict,
    Department,
    NotFound,
    PermissionDenied,
    ServiceRequest,
    User,
    ValidationFailed,
    Vendor,
    now,
)
from hdcore import services as svc
from hdcore.models import Asset, AssetStatus, AssetType
from hdcore.queries.assets import AssetFilter, asset_query, history_of, problem_counts
from hdcore.services.assets import may_manage_assets
from hdcore.services.assets_fields import FIELDS
from hdcore.services.assets_io import export_assets
from hdcore.services.counter_rules import firings_of
from hdcore.services.counters import counter_states, readings_of, record_reading
from web.context import db
from web.desk.actions import attempt
from web.desk.blueprint import bp
from web.desk.forms import local_datetime, local_input_value
from web.views_common import flash_refusal, load_visible, paginate

#: Labels of the asset's fields (the form, the history's "what changed").
FIELD_LABELS = {
    "tag": _l("Asset tag"), "type": _l("Type"), "model": _l("Model"),
    "serial": _l("Serial number"), "status": _l("Status"), "department": _l("Department"),
    "user": _l("User"), "location": _l("Location"), "purchased_on": _l("Purchased on"),
    "warranty_end": _l("Warranty ends"), "supplier": _l("Supplier"),
    "maintainer": _l("Maintenance vendor"), "notes": _l("Notes"),
}
#: What a request link's role says on the pages.
LINK_LABELS = {"reported": _l("Reported problem"), "received": _l("Purchase received"),
               "repair": _l("Repair"), "threshold": _l("Opened by a counter rule")}


def _asset_or_404(asset_id: int) -> Asset:
    try:
        return svc.view_asset(db(), current_user, asset_id)
    except NotFound:
        abort(404)


def choices() -> dict[str, Any]:
    """What the asset forms and filters offer."""
    session = db()
    return {
        "types": [(t.value, t.label) for t in AssetType],
        "statuses": [(s.value, s.label) for s in AssetStatus],
        "departments": list(session.scalars(select(Department).order_by(Department.name))),
        "vendors": list(session.scalars(select(Vendor).where(Vendor.active.is_(True))
                                        .order_by(Vendor.name))),
    }


@bp.app_template_global("asset_field_label")
def asset_field_label(name: str) -> str:
    """The translated label of an asset field."""
    return str(FIELD_LABELS.get(name, name))


@bp.app_template_global("asset_link_label")
def asset_link_label(role: str) -> str:
    """What a request's link to an asset means, translated."""
    return str(LINK_LABELS.get(role, role))


@bp.app_template_global("request_assets")
def request_assets(req: ServiceRequest) -> list[tuple[Asset, Any]]:
    """The assets a request names that the signed-in user may see (request pages)."""
    return svc.assets_of_request(db(), current_user, req)


# -- the list ----------------------------------------------------------------------------------


@bp.route("/assets")
def assets() -> str:
    """Every asset, filtered by type, status, department and a search of tag, serial, model,
    location and user."""
    flt = AssetFilter.from_args(request.args)
    page = paginate(db(), asset_query(current_user, flt))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("desk/assets.html", page=page, flt=flt, args=args,
                           counts=problem_counts(db(), [a.id for a in page.items]),
                           can_manage=may_manage_assets(current_user), **choices())


@bp.route("/assets/export.<fmt>")
def export(fmt: str) -> Response:
    """The filtered list as CSV or XLSX (Excel)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    flt = AssetFilter.from_args(request.args)
    data, mimetype = export_assets(db(), current_user, fmt,
                                   query=asset_query(current_user, flt))
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=assets.{fmt}"})


# -- one asset ---------------------------------------------------------------------------------


def _page(asset: Asset, *, form: dict[str, Any] | None = None,
          errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    session = db()
    return render_template(
        "desk/asset.html", asset=asset, counters=counter_states(session, asset),
        readings=readings_of(session, asset, limit=20),
        requests=svc.requests_of_asset(session, current_user, asset),
        history=history_of(session, asset), firings=firings_of(session, asset=asset, limit=20),
        can_manage=may_manage_assets(current_user), form=form or {}, errors=errors or {},
        input_time=local_input_value, statuses=[(s.value, s.label) for s in AssetStatus],
        today=now().astimezone(svc.company_timezone(session)).date(),
    ), status


@bp.route("/assets/<int:asset_id>")
def asset(asset_id: int) -> tuple[str, int]:
    """An asset: its details, counters and readings, the requests that named it, its history."""
    return _page(_asset_or_404(asset_id))


def _form_values() -> dict[str, Any]:
    return {name: request.form.get(name, "").strip() for name in FIELDS}


def _form_page(asset: Asset | None, values: dict[str, Any], errors: dict[str, list[str]],
               status: int = 200) -> tuple[str, int]:
    offered = choices()
    vendors = list(offered["vendors"])
    for current in (asset.supplier, asset.maintainer) if asset else ():
        if current is not None and current not in vendors:
            vendors.append(current)  # a vendor since retired stays on the asset
    return render_template(
        "desk/asset_form.html", asset=asset, values=values, errors=errors, **offered,
        department_choices=[(d.id, d.name) for d in offered["departments"]],
        vendor_choices=[(v.id, v.name) for v in vendors]), status


@bp.route("/assets/new", methods=["GET", "POST"])
def new_asset() -> tuple[str, int] | Response:
    """Register an asset (technicians, the lead, administrators)."""
    if not may_manage_assets(current_user):
        abort(403)
    if request.method == "GET":
        return _form_page(None, {"status": "in_stock", "type": request.args.get("type", "")}, {})
    values = _form_values()
    try:
        created = svc.create_asset(db(), current_user, **{
            k: (v or None) for k, v in values.items() if k not in ("type", "model")},
            type=values["type"], model=values["model"])
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _form_page(None, values, exc.errors, 400)
    flash(_("Asset %(tag)s registered.", tag=created.tag), "success")
    return redirect(url_for("desk.asset", asset_id=created.id))


def _current(asset: Asset) -> dict[str, Any]:
    def ref(obj: Any, attr: str) -> str:
        return str(getattr(obj, attr)) if obj is not None else ""

    return {"tag": asset.tag, "type": asset.type, "model": asset.model,
            "serial": asset.serial or "", "status": asset.status,
            "department": ref(asset.department, "id"), "user": ref(asset.user, "username"),
            "location": asset.location or "",
            "purchased_on": asset.purchased_on.isoformat() if asset.purchased_on else "",
            "warranty_end": asset.warranty_end.isoformat() if asset.warranty_end else "",
            "supplier": ref(asset.supplier, "id"), "maintainer": ref(asset.maintainer, "id"),
            "notes": asset.notes or "", "version": asset.version}


@bp.route("/assets/<int:asset_id>/edit", methods=["GET", "POST"])
def edit_asset(asset_id: int) -> tuple[str, int] | Response:
    """Change an asset's details (its status has its own form on the asset page)."""
    asset = _asset_or_404(asset_id)
    if not may_manage_assets(current_user):
        abort(403)
    if request.method == "GET":
        return _form_page(asset, _current(asset), {})
    values = _form_values()
    values.pop("status", None)
    version = request.form.get("version", "")
    try:
        svc.update_asset(db(), current_user, asset, expected_version=int(version)
                         if version.isdigit() else None, **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _form_page(asset, {**values, "version": version}, exc.errors, 400)
    except Conflict:
        db().expire_all()
        flash(_("Someone else changed this asset meanwhile. Its current details are shown "
                "below your changes; check them and save again."), "error")
        return _form_page(asset, {**values, "version": asset.version}, {}, 409)
    flash(_("Asset %(tag)s saved.", tag=asset.tag), "success")
    return redirect(url_for("desk.asset", asset_id=asset.id))


@bp.route("/assets/<int:asset_id>/status", methods=["POST"])
def asset_status(asset_id: int) -> tuple[str, int] | Response:
    """Put the asset in stock, in use, under repair, or retire it, with a note."""
    asset = _asset_or_404(asset_id)
    if not may_manage_assets(current_user):
        abort(403)
    form = {"status": request.form.get("status", ""), "note": request.form.get("note", "")}
    try:
        svc.set_asset_status(db(), current_user, asset, form["status"],
                             note=form["note"].strip() or None)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _page(asset, form={"status": form}, errors=exc.errors, status=400)
    except PermissionDenied as exc:
        flash_refusal(exc)
        return redirect(url_for("desk.asset", asset_id=asset.id))
    flash(_("The status is now: %(s)s.", s=asset.status_label), "success")
    return redirect(url_for("desk.asset", asset_id=asset.id))


@bp.route("/assets/<int:asset_id>/readings", methods=["POST"])
def enter_reading(asset_id: int) -> tuple[str, int] | Response:
    """Enter a counter reading (or record a reset) for the asset."""
    asset = _asset_or_404(asset_id)
    if not may_manage_assets(current_user):
        abort(403)
    form = {k: request.form.get(k, "").strip() for k in ("counter", "value", "read_at", "note")}
    form["reset"] = "1" if request.form.get("reset") else ""
    try:
        read_at = local_datetime(form["read_at"], "read_at")
        reading = record_reading(db(), current_user, asset, form["counter"],
                                 value=form["value"], read_at=read_at,
                                 reset=bool(form["reset"]), note=form["note"] or None)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _page(asset, form={"reading": form}, errors=exc.errors, status=400)
    except PermissionDenied as exc:
        flash_refusal(exc)
        return redirect(url_for("desk.asset", asset_id=asset.id, _anchor="counters"))
    opened = firings_of(db(), asset=asset, limit=5)
    fresh = [f for f in opened if f.fired_at >= reading.entered_at and f.request is not None]
    if fresh:
        flash(_("Reading saved. It crossed a threshold: request %(n)s was opened.",
                n=", ".join(f.request.number for f in fresh)), "success")
    else:
        flash(_("Reading saved."), "success")
    return redirect(url_for("desk.asset", asset_id=asset.id, _anchor="counters"))


# -- on the request page -----------------------------------------------------------------------


@bp.route("/r/<number>/assets", methods=["POST"])
def link_asset(number: str) -> Any:
    """Name an asset (by tag or serial number) on the request."""
    req = load_visible(db(), current_user, number)
    ref = request.form.get("asset", "").strip()
    values = {"asset": ref}

    def action() -> Any:
        if not ref:
            raise ValidationFailed({"asset": [_("Give the asset's tag or serial number.")]})
        found = db().scalar(select(Asset).where(Asset.serial == ref)) if ref else None
        try:
            return svc.link_asset(db(), current_user, req, found or ref)
        except ValidationFailed as exc:
            raise ValidationFailed({"asset": [m for msgs in exc.errors.values()
                                              for m in msgs]}) from None

    return attempt(req, "assets", values, action, _("Asset %(a)s named on the request.", a=ref),
                   "assets")


@bp.route("/r/<number>/assets/<int:asset_id>/unlink", methods=["POST"])
def unlink_asset(number: str, asset_id: int) -> Any:
    """Take an asset off the request."""
    req = load_visible(db(), current_user, number)
    asset = _asset_or_404(asset_id)
    return attempt(req, "assets", {}, lambda: svc.unlink_asset(db(), current_user, req, asset),
                   _("Asset %(a)s taken off the request.", a=asset.tag), "assets")


@bp.app_template_global("asset_people")
def asset_people() -> list[User]:
    """Active accounts for the asset form's user list, by name."""
    return list(db().scalars(select(User).where(User.is_active.is_(True))
                             .order_by(User.full_name)))
