"""``/api/v1/assets``: the installed base (list, read, register, change) and counter readings.

IT staff see every asset, employees their own and their department's; technicians, the lead
and administrators register and change assets and enter readings.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from hdcore import Department, NotFound, User
from hdcore import services as svc
from hdcore.models import Asset, AssetStatus, AssetType
from hdcore.queries.assets import AssetFilter, asset_query
from hdcore.services.counter_rules import firings_of
from hdcore.services.counters import counter_states, readings_of, record_reading
from web.api import serialise
from web.api.auth import current_user
from web.api.blueprint import ApiBlueprint, header, seen_version
from web.api.errors import ApiError
from web.api.parsing import object_id
from web.api.serialise import utc
from web.context import db

bp = ApiBlueprint("api_assets", __name__, url_prefix="/api/v1/assets", tag="Assets",
                  description="The installed base: assets, their requests and counter readings.")

TYPES = [t.value for t in AssetType]
STATUSES = [s.value for s in AssetStatus]


class CounterStateSchema(Schema):
    """One counter of an asset as it stands."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    kind = fields.String(required=True)
    value = fields.Integer(allow_none=True, required=True)
    total = fields.Integer(allow_none=True, required=True)
    last_read_at = fields.DateTime(allow_none=True, required=True)


class AssetSchema(Schema):
    """An asset (references by code, user name and vendor name)."""

    id = fields.Integer(required=True)
    tag = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": TYPES})
    model = fields.String(required=True)
    serial = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, metadata={"enum": STATUSES})
    department = fields.String(allow_none=True, required=True,
                               metadata={"description": "The department's code."})
    user = fields.String(allow_none=True, required=True,
                         metadata={"description": "The user name of the person using it."})
    location = fields.String(allow_none=True, required=True)
    purchased_on = fields.Date(allow_none=True, required=True)
    warranty_end = fields.Date(allow_none=True, required=True)
    supplier = fields.String(allow_none=True, required=True)
    maintainer = fields.String(allow_none=True, required=True,
                               metadata={"description": "The maintenance vendor's name."})
    notes = fields.String(allow_none=True, required=True)
    version = fields.Integer(required=True)
    requests = fields.List(fields.String(), metadata={
        "description": "Numbers of the requests that named it (that the caller may see)."})
    counters = fields.List(fields.Nested(CounterStateSchema))


class AssetPageSchema(Schema):
    """One page of assets."""

    items = fields.List(fields.Nested(AssetSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class AssetQuerySchema(Schema):
    """Filters of the asset list."""

    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "Tag, serial number, model, location or user contains it."})
    type = fields.String(validate=validate.OneOf(TYPES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    department = fields.String(validate=validate.Length(max=32),
                               metadata={"description": "A department code."})
    user = fields.String(validate=validate.Length(max=64),
                         metadata={"description": "A user name, or `me`."})
    retired = fields.Boolean(load_default=False, metadata={
        "description": "Include retired assets."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


def _text(max_len: int, **kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_len), **kw)


class AssetWriteSchema(Schema):
    """The fields of an asset one may set (a missing field is left as it is)."""

    tag = _text(40)
    type = fields.String(validate=validate.OneOf(TYPES))
    model = _text(200)
    serial = _text(120, allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    department = _text(120, allow_none=True, metadata={"description": "Code or name."})
    user = _text(64, allow_none=True, metadata={
        "description": "User name or employee number."})
    location = _text(200, allow_none=True)
    purchased_on = fields.Date(allow_none=True)
    warranty_end = fields.Date(allow_none=True)
    supplier = _text(200, allow_none=True, metadata={"description": "A vendor's name."})
    maintainer = _text(200, allow_none=True, metadata={"description": "A vendor's name."})
    notes = _text(5000, allow_none=True)


class AssetCreateSchema(AssetWriteSchema):
    """A new asset: type and model are required; without a tag one is made up."""

    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    model = _text(200, required=True)


class ReadingSchema(Schema):
    """A counter reading."""

    id = fields.Integer(required=True)
    counter = fields.String(required=True, metadata={"description": "The counter's code."})
    value = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={
        "description": "Lifetime total of a cumulative counter (grows across resets)."})
    reset = fields.Boolean(required=True)
    read_at = fields.DateTime(required=True)
    source = fields.String(required=True)
    note = fields.String(allow_none=True, required=True)
    opened_requests = fields.List(fields.String(), metadata={
        "description": "Requests the reading's threshold rules opened (when entered)."})


class ReadingListSchema(Schema):
    """Readings, newest first."""

    items = fields.List(fields.Nested(ReadingSchema), required=True)


class ReadingCreateSchema(Schema):
    """A reading to enter."""

    counter = fields.String(required=True, validate=validate.Length(min=1, max=40),
                            metadata={"description": "The counter's code (e.g. page_count)."})
    value = fields.Integer(load_default=None, allow_none=True,
                           validate=validate.Range(min=0, max=10**15),
                           metadata={"description": "Not for age counters (reset only)."})
    read_at = fields.AwareDateTime(load_default=None, allow_none=True,
                                   metadata={"description": "Default: now."})
    reset = fields.Boolean(load_default=False)
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=500))


ASSET_PARAMETER = {"in": "path", "name": "asset_id", "required": True,
                   "schema": {"type": "integer"}, "description": "The asset's id."}


def _asset(a: Asset, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id, "tag": a.tag, "type": a.type, "model": a.model, "serial": a.serial,
        "status": a.status, "department": a.department.code if a.department else None,
        "user": a.user.username if a.user else None, "location": a.location,
        "purchased_on": a.purchased_on, "warranty_end": a.warranty_end,
        "supplier": a.supplier.name if a.supplier else None,
        "maintainer": a.maintainer.name if a.maintainer else None, "notes": a.notes,
        "version": a.version}
    if full:
        out["requests"] = [r.number for r, _link in
                           svc.requests_of_asset(db(), current_user(), a)]
        out["counters"] = [{
            "code": s.counter.code, "name": s.counter.name, "unit": s.counter.unit,
            "kind": s.counter.kind, "value": s.value, "total": s.total,
            "last_read_at": utc(s.last.read_at) if s.last else None}
            for s in counter_states(db(), a)]
    return out


def _load(asset_id: int) -> Asset:
    try:
        return svc.view_asset(db(), current_user(), object_id(asset_id))
    except NotFound:
        raise ApiError(404) from None


def _full(a: Asset, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    return _asset(a, full=True), status, serialise.etag(a.version)


@bp.route("", methods=["GET"])
@bp.arguments(AssetQuerySchema, location="query")
@bp.response(200, AssetPageSchema)
@bp.fails(401, 422)
def list_assets(args: dict[str, Any]) -> dict[str, Any]:
    """The assets the caller may see, by tag; filters `q`, `type`, `status`, `department`
    (code), `user` (user name or `me`), `retired`; paged with `page` and `per_page`."""
    me: User = current_user()
    flt = AssetFilter(q=args.get("q", "").strip(), type=args.get("type", ""),
                      status=args.get("status", ""), include_retired=args["retired"])
    query = asset_query(me, flt)
    if args.get("department"):
        dept = db().scalar(select(Department.id).where(
            func.upper(Department.code) == args["department"].upper()))
        query = query.where(Asset.department_id == (dept or -1))
    if args.get("user"):
        user_id = me.id if args["user"] == "me" else db().scalar(
            select(User.id).where(User.username == args["user"].lower()))
        query = query.where(Asset.user_id == (user_id or -1))
    total = db().scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    per_page, page = args["per_page"], args["page"]
    items = db().scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [_asset(a) for a in items], "total": total, "page": page,
            "per_page": per_page, "pages": max(1, -(-total // per_page))}


@bp.route("", methods=["POST"])
@bp.arguments(AssetCreateSchema)
@bp.response(201, AssetSchema, headers={"Location": header("The new asset's address."),
                                        "ETag": header("The asset's version.")})
@bp.fails(400, 401, 403, 409, 422)
def create_asset(args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Register an asset (technicians, the lead, administrators)."""
    asset = svc.create_asset(db(), current_user(), source="api", **args)
    body, status, headers = _full(asset, 201)
    headers["Location"] = f"{serialise.API_ROOT}/assets/{asset.id}"
    return body, status, headers


@bp.route("/<int:asset_id>", parameters=[ASSET_PARAMETER])
class AssetItem(MethodView):
    """One asset."""

    @bp.response(200, AssetSchema, headers={"ETag": header("The asset's version.")})
    @bp.fails(401, 404)
    def get(self, asset_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Read an asset with its counters and the requests that named it."""
        return _full(_load(asset_id))

    @bp.if_match(required=True)
    @bp.arguments(AssetWriteSchema)
    @bp.response(200, AssetSchema, headers={"ETag": header("The new version.")})
    @bp.fails(400, 401, 403, 404, 409, 422, 428)
    def patch(self, args: dict[str, Any], asset_id: int) -> tuple[dict[str, Any], int,
                                                                   dict[str, str]]:
        """Change an asset's fields (`status` too). Send `If-Match` with the version read:
        without it 428, and 409 if it changed since."""
        asset = _load(asset_id)
        svc.update_asset(db(), current_user(), asset, expected_version=seen_version(), **args)
        return _full(asset)


def _reading(r: Any, opened: list[str] | None = None) -> dict[str, Any]:
    out = {"id": r.id, "counter": r.counter.code, "value": r.value, "total": r.total,
           "reset": r.is_reset, "read_at": utc(r.read_at), "source": r.source, "note": r.note}
    if opened is not None:
        out["opened_requests"] = opened
    return out


@bp.route("/<int:asset_id>/readings", methods=["GET"], parameters=[ASSET_PARAMETER])
@bp.response(200, ReadingListSchema)
@bp.fails(401, 404)
def list_readings(asset_id: int) -> dict[str, Any]:
    """The asset's last 100 readings, newest first."""
    return {"items": [_reading(r) for r in readings_of(db(), _load(asset_id))]}


@bp.route("/<int:asset_id>/readings", methods=["POST"], parameters=[ASSET_PARAMETER])
@bp.arguments(ReadingCreateSchema)
@bp.response(201, ReadingSchema)
@bp.fails(400, 401, 403, 404, 409, 422)
def create_reading(args: dict[str, Any], asset_id: int) -> tuple[dict[str, Any], int]:
    """Enter a reading. It is checked (a cumulative counter never goes down unless `reset`,
    dated after the last reading and not in the future), then the counter's threshold rules
    run: the requests they open are listed in `opened_requests`."""
    asset = _load(asset_id)
    reading = record_reading(db(), current_user(), asset, args["counter"],
                             value=args["value"], read_at=args["read_at"],
                             reset=args["reset"], note=args["note"], source="api")
    opened = [f.request.number for f in firings_of(db(), asset=asset, limit=10)
              if f.request is not None and f.fired_at >= reading.entered_at]
    return _reading(reading, opened), 201
