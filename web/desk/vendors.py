"""Vendor work on the request page: handing a request or a task to a vendor, and recording
the vendor's reference, response, completion and cost."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hdcore import ServiceRequest, ValidationFailed, Vendor, VendorEngagement
from hdcore import services as svc
from hdcore.services.vendor_register import parse_money
from web.context import db
from web.desk.actions import Page, attempt
from web.desk.blueprint import bp
from web.desk.forms import form_int, local_datetime, local_input_value
from web.views_common import load_visible

STATUSES = ("open", "done", "cancelled")


@bp.app_template_global("vendor_work")
def vendor_work(req: ServiceRequest) -> dict[str, Any]:
    """What the request page's vendor forms offer: active vendors, open tasks, open jobs."""
    vendors = list(db().scalars(select(Vendor).where(Vendor.active.is_(True))
                                .order_by(Vendor.name)))
    open_jobs = list(db().scalars(select(VendorEngagement).where(
        VendorEngagement.request_id == req.id, VendorEngagement.status == "open")
        .order_by(VendorEngagement.id)))
    return {"vendors": vendors, "tasks": [t for t in req.tasks if t.is_open],
            "open_jobs": open_jobs, "input_time": local_input_value}


def _cost(raw: str | None) -> int | None:
    errors: dict[str, list[str]] = {}
    cents = parse_money(raw, "cost", errors)
    if errors:
        raise ValidationFailed(errors)
    return cents


@bp.route("/r/<number>/vendors", methods=["POST"])
def hand_to_vendor(number: str) -> Page:
    """Hand the request (or one of its tasks) to a vendor: their clock starts."""
    req = load_visible(db(), current_user, number)
    values = {k: request.form.get(k, "").strip() for k in (
        "vendor", "task", "reference", "promised_response_at", "promised_completion_at",
        "cost")}

    def action() -> Any:
        vendor = form_int("vendor")
        errors: dict[str, list[str]] = {}
        if vendor is None:
            errors["vendor"] = [_("Choose a vendor.")]
        times = {}
        for name in ("promised_response_at", "promised_completion_at"):
            try:
                times[name] = local_datetime(values[name], name)
            except ValidationFailed as exc:
                errors.update(exc.errors)
        try:
            cost = _cost(values["cost"])
        except ValidationFailed as exc:
            errors.update(exc.errors)
        if errors:
            raise ValidationFailed(errors)
        assert vendor is not None
        return svc.engage_vendor(db(), current_user, req.id, vendor=vendor,
                                 task=form_int("task"), reference=values["reference"] or None,
                                 cost_cents=cost, **times)

    vendor_id = form_int("vendor")
    name = db().get(Vendor, vendor_id).name if vendor_id and db().get(Vendor, vendor_id) else ""
    return attempt(req, "vendor:new", values, action,
                   _("Handed to %(v)s: the vendor's clock is running.", v=name), "vendors")


@bp.route("/r/<number>/vendors/<int:engagement_id>", methods=["POST"])
def record_vendor_progress(number: str, engagement_id: int) -> Page:
    """Record the vendor's reference, response, completion, cost, or close the job."""
    req = load_visible(db(), current_user, number)
    eng = db().get(VendorEngagement, engagement_id)
    if eng is None or eng.request_id != req.id:
        abort(404)
    values = {k: request.form.get(k, "").strip() for k in (
        "reference", "responded_at", "completed_at", "status", "cost")}

    def action() -> Any:
        errors: dict[str, list[str]] = {}
        changes: dict[str, Any] = {"reference": values["reference"] or None}
        for name in ("responded_at", "completed_at"):
            try:
                changes[name] = local_datetime(values[name], name)
            except ValidationFailed as exc:
                errors.update(exc.errors)
        try:
            changes["cost_cents"] = _cost(values["cost"])
        except ValidationFailed as exc:
            errors.update(exc.errors)
        if values["status"] not in STATUSES:
            errors["status"] = [_("Choose open, done or cancelled.")]
        if errors:
            raise ValidationFailed(errors)
        changes["status"] = values["status"]
        return svc.update_engagement(db(), current_user, eng.id, **changes)

    return attempt(req, f"vendor:{eng.id}", values, action,
                   _("The vendor's progress was recorded."), "vendors")
