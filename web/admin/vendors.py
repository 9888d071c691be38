"""The vendor register: vendors, their contacts, and their contracts with service terms."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hdcore import ValidationFailed, Vendor, now
from hdcore import services as svc
from hdcore.models import SlaCalendar, VendorContact, VendorContract
from web.admin.blueprint import bp
from web.admin.common import form_failed
from web.context import db, host

COVERAGE_LABELS = {"warranty": _l("Warranty"), "maintenance": _l("Maintenance contract"),
                   "support": _l("Support contract"), "supply": _l("Supply contract")}
PRICE_BASIS_LABELS = {"per_job": _l("per job"), "per_month": _l("per month"),
                      "per_year": _l("per year"), "fixed": _l("fixed price")}
VENDOR_FIELDS = ("name", "contact_name", "phone", "email", "notes")
CONTACT_FIELDS = ("name", "role", "phone", "email", "notes")
CONTRACT_FIELDS = ("number", "title", "coverage", "response_hours", "repair_hours",
                   "calendar_id", "price", "price_basis", "starts_on", "ends_on", "notes",
                   "asset_types")


def _vendor(vendor_id: int) -> Vendor:
    vendor = db().get(Vendor, vendor_id)
    if vendor is None:
        abort(404)
    return vendor


def _choices() -> dict[str, Any]:
    return {
        "kind_choices": [(k.name, str(k.label)) for k in host().vendor_kinds()],
        "category_choices": [(c.name, str(c.label)) for c in host().categories()],
        "calendars": list(db().scalars(select(SlaCalendar).order_by(SlaCalendar.name))),
        "coverage_labels": COVERAGE_LABELS, "price_basis_labels": PRICE_BASIS_LABELS,
    }


def hours(minutes: int | None) -> str:
    """Business minutes as hours for a form (``240`` -> ``4``, ``90`` -> ``1.5``)."""
    return "" if minutes is None else f"{minutes / 60:g}"


def yuan(cents: int | None) -> str:
    """Fen as yuan with two decimals (empty for none)."""
    return "" if cents is None else f"{cents / 100:,.2f}"


@bp.app_template_filter("yuan")
def _yuan_filter(cents: int | None) -> str:
    return yuan(cents)


@bp.route("/vendors")
def vendors() -> str:
    """Every vendor with its kinds, main contact and contracts."""
    rows = list(db().scalars(select(Vendor).order_by(Vendor.active.desc(), Vendor.name)))
    labels = {k.name: str(k.label) for k in host().vendor_kinds()}
    return render_template("admin/vendors.html", vendors=rows, kind_labels=labels,
                           today=_today(), coverage_labels=COVERAGE_LABELS)


def _today() -> date:
    return now().astimezone(svc.company_timezone(db())).date()


def _vendor_values() -> dict[str, Any]:
    values: dict[str, Any] = {k: request.form.get(k, "").strip() for k in VENDOR_FIELDS}
    values["kinds"] = request.form.getlist("kinds")
    values["active"] = bool(request.form.get("active"))
    return values


@bp.route("/vendors/new", methods=["GET", "POST"])
def new_vendor() -> str | Response:
    """Add a vendor to the register."""
    values: dict[str, Any] = {"kinds": [], "active": True}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _vendor_values()
        try:
            vendor = svc.create_vendor(
                db(), current_user, name=values["name"], kinds=values["kinds"],
                contact_name=values["contact_name"] or None, phone=values["phone"] or None,
                email=values["email"] or None, notes=values["notes"] or None)
        except ValidationFailed as exc:
            errors = form_failed(exc)
        else:
            flash(_("The vendor %(v)s was added.", v=vendor.name), "success")
            return redirect(url_for("admin.edit_vendor", vendor_id=vendor.id))
    return render_template("admin/vendor_form.html", vendor=None, values=values, errors=errors,
                           **_choices())


@bp.route("/vendors/<int:vendor_id>", methods=["GET", "POST"])
def edit_vendor(vendor_id: int) -> str | Response:
    """A vendor: its details, contacts and contracts."""
    vendor = _vendor(vendor_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _vendor_values()
        try:
            svc.update_vendor(db(), current_user, vendor.id, name=values["name"],
                              kinds=values["kinds"], contact_name=values["contact_name"],
                              phone=values["phone"], email=values["email"],
                              notes=values["notes"], active=values["active"])
        except ValidationFailed as exc:
            errors = form_failed(exc)
        else:
            flash(_("The vendor %(v)s was saved.", v=vendor.name), "success")
            return redirect(url_for("admin.edit_vendor", vendor_id=vendor.id))
    else:
        values = {k: getattr(vendor, k) or "" for k in VENDOR_FIELDS}
        values.update(kinds=list(vendor.kinds or []), active=vendor.active)
    return render_template("admin/vendor_form.html", vendor=vendor, values=values,
                           errors=errors, today=_today(), **_choices())


@bp.route("/vendors/<int:vendor_id>/contacts/new", methods=["GET", "POST"],
          defaults={"contact_id": None})
@bp.route("/vendors/<int:vendor_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
def vendor_contact(vendor_id: int, contact_id: int | None) -> str | Response:
    """Add or change one of the vendor's contacts."""
    vendor = _vendor(vendor_id)
    contact = None
    if contact_id is not None:
        contact = db().get(VendorContact, contact_id)
        if contact is None or contact.vendor_id != vendor.id:
            abort(404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values: dict[str, Any] = {k: request.form.get(k, "").strip() for k in CONTACT_FIELDS}
        values["is_primary"] = bool(request.form.get("is_primary"))
        try:
            svc.save_contact(db(), current_user, vendor.id, contact_id=contact_id, **values)
        except ValidationFailed as exc:
            errors = form_failed(exc)
        else:
            flash(_("The contact %(c)s was saved.", c=values["name"]), "success")
            return redirect(url_for("admin.edit_vendor", vendor_id=vendor.id) + "#contacts")
    elif contact is not None:
        values = {k: getattr(contact, k) or "" for k in CONTACT_FIELDS}
        values["is_primary"] = contact.is_primary
    else:
        values = {"is_primary": not vendor.contacts}
    return render_template("admin/vendor_contact.html", vendor=vendor, contact=contact,
                           values=values, errors=errors)


@bp.route("/vendors/<int:vendor_id>/contacts/<int:contact_id>/delete", methods=["POST"])
def delete_vendor_contact(vendor_id: int, contact_id: int) -> Response:
    """Remove a contact."""
    vendor = _vendor(vendor_id)
    contact = db().get(VendorContact, contact_id)
    if contact is None or contact.vendor_id != vendor.id:
        abort(404)
    name = contact.name
    svc.delete_contact(db(), current_user, contact_id)
    flash(_("The contact %(c)s was removed.", c=name), "success")
    return redirect(url_for("admin.edit_vendor", vendor_id=vendor.id) + "#contacts")


@bp.route("/vendors/<int:vendor_id>/contracts/new", methods=["GET", "POST"],
          defaults={"contract_id": None})
@bp.route("/vendors/<int:vendor_id>/contracts/<int:contract_id>", methods=["GET", "POST"])
def vendor_contract(vendor_id: int, contract_id: int | None) -> str | Response:
    """Add or change one of the vendor's contracts and its service terms."""
    vendor = _vendor(vendor_id)
    contract = None
    if contract_id is not None:
        contract = db().get(VendorContract, contract_id)
        if contract is None or contract.vendor_id != vendor.id:
            abort(404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values: dict[str, Any] = {k: request.form.get(k, "").strip() for k in CONTRACT_FIELDS}
        values["categories"] = request.form.getlist("categories")
        values["active"] = bool(request.form.get("active"))
        types = [t.strip() for t in values.pop("asset_types").replace("，", ",").split(",")]
        try:
            svc.save_contract(db(), current_user, vendor.id, contract_id=contract_id,
                              asset_types=[t for t in types if t], **values)
        except ValidationFailed as exc:
            errors = form_failed(exc)
            values["asset_types"] = ", ".join(types)
        else:
            flash(_("The contract %(c)s was saved.", c=values["number"]), "success")
            return redirect(url_for("admin.edit_vendor", vendor_id=vendor.id) + "#contracts")
    elif contract is not None:
        values = {
            "number": contract.number, "title": contract.title, "coverage": contract.coverage,
            "response_hours": hours(contract.response_minutes),
            "repair_hours": hours(contract.repair_minutes),
            "calendar_id": str(contract.calendar_id or ""), "price": yuan(contract.price_cents),
            "price_basis": contract.price_basis, "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat() if contract.ends_on else "",
            "notes": contract.notes or "", "asset_types": ", ".join(contract.asset_types),
            "categories": list(contract.categories), "active": contract.active,
        }
    else:
        values = {"coverage": "maintenance", "price_basis": "per_job", "categories": [],
                  "active": True, "starts_on": _today().isoformat()}
    return render_template("admin/vendor_contract.html", vendor=vendor, contract=contract,
                           values=values, errors=errors, **_choices())
