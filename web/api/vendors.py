"""``/api/v1/vendors`` and ``/api/v1/requests/{id}/vendor-engagements``: the vendor register
(read) and the vendors' jobs on a request (list, hand over, record progress). IT staff only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from hdcore import Vendor, VendorEngagement, now
from hdcore import services as svc
from hdcore.queries.vendors import scorecards
from web.api.auth import current_user
from web.api.blueprint import ApiBlueprint
from web.api.errors import ApiError
from web.api.parsing import object_id, request_ref
from web.api.requests import REQUEST_PARAMETER
from web.api.serialise import utc
from web.context import db

bp = ApiBlueprint("api_vendors", __name__, url_prefix="/api/v1", tag="Vendors",
                  description="The vendor register and vendors' jobs on requests (IT staff).")


class ContactSchema(Schema):
    """A person at a vendor."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    is_primary = fields.Boolean(required=True)


class ContractSchema(Schema):
    """A contract and its service terms (times in business minutes, price in fen)."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    coverage = fields.String(required=True)
    response_minutes = fields.Integer(allow_none=True, required=True)
    repair_minutes = fields.Integer(allow_none=True, required=True)
    calendar_id = fields.Integer(allow_none=True, required=True)
    price_cents = fields.Integer(allow_none=True, required=True)
    price_basis = fields.String(required=True)
    asset_types = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, required=True)
    active = fields.Boolean(required=True)


class VendorSchema(Schema):
    """A vendor of the register."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kinds = fields.List(fields.String(), required=True)
    contact_name = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    contacts = fields.List(fields.Nested(ContactSchema))
    contracts = fields.List(fields.Nested(ContractSchema))


class VendorQuerySchema(Schema):
    """Filters of the vendor list."""

    kind = fields.String(metadata={"description": "Only vendors of this kind."})
    active = fields.Boolean(load_default=True, metadata={
        "description": "Active vendors (default) or retired ones."})


class EngagementSchema(Schema):
    """A vendor's job on a request: both sides of the clock."""

    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    vendor = fields.Dict(required=True)
    kind = fields.String(required=True)
    contract = fields.String(allow_none=True, required=True)
    task_id = fields.Integer(allow_none=True, required=True)
    reference = fields.String(allow_none=True, required=True)
    status = fields.String(required=True)
    engaged_at = fields.DateTime(required=True)
    promised_response_at = fields.DateTime(allow_none=True, required=True)
    responded_at = fields.DateTime(allow_none=True, required=True)
    promised_completion_at = fields.DateTime(allow_none=True, required=True)
    completed_at = fields.DateTime(allow_none=True, required=True)
    response_late = fields.Boolean(allow_none=True, required=True)
    completion_late = fields.Boolean(allow_none=True, required=True)
    cost_cents = fields.Integer(allow_none=True, required=True)
    reopen_count = fields.Integer(required=True)


class EngagementListSchema(Schema):
    """The vendors' jobs on a request, oldest first."""

    items = fields.List(fields.Nested(EngagementSchema), required=True)


class EngagementCreateSchema(Schema):
    """Hand a request (or one task) to a vendor; promised times not given follow the contract."""

    vendor = fields.Raw(load_default=None, metadata={
        "description": "The vendor's id or name (required)."})
    kind = fields.String(load_default=None)
    contract_id = fields.Integer(load_default=None)
    task_id = fields.Integer(load_default=None)
    reference = fields.String(load_default=None, validate=validate.Length(max=120))
    engaged_at = fields.AwareDateTime(load_default=None)
    promised_response_at = fields.AwareDateTime(load_default=None)
    promised_completion_at = fields.AwareDateTime(load_default=None)
    cost_cents = fields.Integer(load_default=None)


class EngagementPatchSchema(Schema):
    """Record the vendor's progress (only the fields given change)."""

    reference = fields.String(allow_none=True, validate=validate.Length(max=120))
    responded_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    promised_response_at = fields.AwareDateTime(allow_none=True)
    promised_completion_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(validate=validate.OneOf(["open", "done", "cancelled"]))
    cost_cents = fields.Integer(allow_none=True)


class ScorecardQuerySchema(Schema):
    """The period of the scorecards (instants with their zone; default: the last 30 days)."""

    start = fields.AwareDateTime(load_default=None)
    end = fields.AwareDateTime(load_default=None)


class ScorecardSchema(Schema):
    """One vendor's figures for the period."""

    vendor_id = fields.Integer(required=True)
    vendor = fields.String(required=True)
    jobs = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    open = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    judged = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    late = fields.Integer(required=True)
    on_time_rate = fields.Float(allow_none=True, required=True)
    avg_response_hours = fields.Float(allow_none=True, required=True)
    avg_repair_hours = fields.Float(allow_none=True, required=True)
    reopened = fields.Integer(required=True)
    reopen_rate = fields.Float(allow_none=True, required=True)
    cost_cents = fields.Integer(required=True)


def _staff() -> Any:
    me = current_user()
    if not me.is_staff:  # the register and vendors' jobs are IT's own business
        raise ApiError(404)
    return me


def engagement(e: VendorEngagement) -> dict[str, Any]:
    """A job as the API shows it."""
    return {
        "id": e.id, "request_id": e.request_id,
        "vendor": {"id": e.vendor_id, "name": e.vendor.name}, "kind": e.kind,
        "contract": e.contract.number if e.contract else None, "task_id": e.task_id,
        "reference": e.reference, "status": e.status, "engaged_at": utc(e.engaged_at),
        "promised_response_at": utc(e.promised_response_at),
        "responded_at": utc(e.responded_at),
        "promised_completion_at": utc(e.promised_completion_at),
        "completed_at": utc(e.completed_at), "response_late": e.response_late,
        "completion_late": e.completion_late, "cost_cents": e.cost_cents,
        "reopen_count": e.reopen_count,
    }


@bp.route("/vendors", methods=["GET"])
@bp.arguments(VendorQuerySchema, location="query")
@bp.response(200, VendorSchema(many=True))
@bp.fails(401, 404, 422)
def list_vendors(args: dict[str, Any]) -> list[Vendor]:
    """The vendor register, by name: `kind` filters by vendor kind, `active=false` lists the
    retired vendors."""
    _staff()
    rows = db().scalars(select(Vendor).where(Vendor.active.is_(args["active"]))
                        .order_by(Vendor.name))
    return [v for v in rows if not args.get("kind") or args["kind"] in (v.kinds or [])]


@bp.route("/vendors/<int:vendor_id>", methods=["GET"])
@bp.response(200, VendorSchema)
@bp.fails(401, 404)
def get_vendor(vendor_id: int) -> Vendor:
    """One vendor with its contacts and contracts."""
    _staff()
    return svc.get_vendor(db(), object_id(vendor_id))


@bp.route("/vendor-scorecards", methods=["GET"])
@bp.arguments(ScorecardQuerySchema, location="query")
@bp.response(200, ScorecardSchema(many=True))
@bp.fails(401, 403, 404, 422)
def vendor_scorecards(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Every vendor's scorecard for the jobs handed over in `[start, end)` (lead, manager)."""
    me = _staff()
    if not me.is_supervisor:
        raise ApiError(403)
    end = args["end"] or now()
    start = args["start"] or end - timedelta(days=30)
    out = []
    for c in scorecards(db(), start, end, now=now()):
        out.append({**c.__dict__, "on_time_rate": c.on_time_rate, "reopen_rate": c.reopen_rate})
    return out


@bp.route("/requests/<request_id>/vendor-engagements", methods=["GET"],
          parameters=[REQUEST_PARAMETER])
@bp.response(200, EngagementListSchema)
@bp.fails(401, 404)
def list_engagements(request_id: str) -> dict[str, Any]:
    """The vendors' jobs on the request, oldest first."""
    me = _staff()
    req = svc.get_request(db(), request_ref(request_id))
    svc.require_view(me, req)
    rows = db().scalars(select(VendorEngagement).where(VendorEngagement.request_id == req.id)
                        .order_by(VendorEngagement.engaged_at, VendorEngagement.id))
    return {"items": [engagement(e) for e in rows]}


@bp.route("/requests/<request_id>/vendor-engagements", methods=["POST"],
          parameters=[REQUEST_PARAMETER])
@bp.arguments(EngagementCreateSchema)
@bp.response(201, EngagementSchema)
@bp.fails(400, 401, 404, 409, 422)
def create_engagement(args: dict[str, Any], request_id: str) -> tuple[dict[str, Any], int]:
    """Hand the request (or `task_id`) to a vendor: the vendor's clock starts; promised times
    not given follow the vendor's contract in force (or `contract_id`)."""
    me = _staff()
    req = svc.get_request(db(), request_ref(request_id))
    svc.require_view(me, req)  # a request the caller may not see is not there
    vendor = args.pop("vendor")
    if isinstance(vendor, str) and vendor.isdigit():
        vendor = int(vendor)
    if vendor in (None, "") or not isinstance(vendor, int | str) or isinstance(vendor, bool):
        raise ApiError(422, fields={"vendor": ["Give the vendor's id or name."]})
    eng = svc.engage_vendor(db(), me, req, vendor=vendor,
                            kind=args["kind"], contract=args["contract_id"],
                            task=args["task_id"], reference=args["reference"],
                            engaged_at=args["engaged_at"],
                            promised_response_at=args["promised_response_at"],
                            promised_completion_at=args["promised_completion_at"],
                            cost_cents=args["cost_cents"])
    return engagement(eng), 201


@bp.route("/requests/<request_id>/vendor-engagements/<int:engagement_id>", methods=["PATCH"],
          parameters=[REQUEST_PARAMETER])
@bp.arguments(EngagementPatchSchema)
@bp.response(200, EngagementSchema)
@bp.fails(400, 401, 404, 409, 422)
def patch_engagement(args: dict[str, Any], request_id: str,
                     engagement_id: int) -> dict[str, Any]:
    """Record the vendor's reference, response, completion, cost, or close the job."""
    me = _staff()
    req = svc.get_request(db(), request_ref(request_id))
    svc.require_view(me, req)
    eng = db().get(VendorEngagement, object_id(engagement_id))
    if eng is None or eng.request_id != req.id:
        raise ApiError(404)
    return engagement(svc.update_engagement(db(), me, eng.id, **args))
