"""The installed base: registering assets, changing them, their status, and who may see them.

Every change writes an :class:`~hdcore.models.AssetHistory` row (who, when, which fields from
what to what, and the request that caused it) in the same transaction. IT staff other than
the manager (technicians, the lead, administrators) manage assets; every member of IT staff
sees them all; an employee sees the assets assigned to them and to their department.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    Asset,
    AssetHistory,
    AssetStatus,
    Department,
    Role,
    ServiceRequest,
    User,
    Vendor,
    utcnow,
)
from hdcore.services.assets_fields import (
    add_error,
    apply_fields,
    as_id,
    choose,
    next_tag,
    validate_fields,
)
from hdcore.services.base import service

#: Roles that register and change assets (the manager reads them).
ASSET_MANAGERS = frozenset({Role.TECHNICIAN.value, Role.LEAD.value, Role.ADMIN.value})

# -- who may do what ---------------------------------------------------------------------------


def may_manage_assets(actor: User | None) -> bool:
    """Whether ``actor`` registers and changes assets (None: the system, always)."""
    if actor is None or getattr(actor, "is_system", False):
        return True
    return actor.is_active and actor.role in ASSET_MANAGERS


def require_asset_manager(actor: User | None) -> None:
    """Only technicians, the lead and administrators change the installed base."""
    if not may_manage_assets(actor):
        raise PermissionDenied(str(_("Only technicians, the help desk lead and administrators "
                                     "can change the installed base.")))


def can_view_asset(actor: User, asset: Asset) -> bool:
    """IT staff see every asset; an employee those assigned to them or their department."""
    if not actor.is_active:
        return False
    if actor.is_staff:
        return True
    return asset.user_id == actor.id or (
        actor.department_id is not None and asset.department_id == actor.department_id)


def visible_assets(actor: User) -> Select[tuple[Asset]]:
    """A query of the assets ``actor`` may see."""
    query = select(Asset)
    if not actor.is_active:
        return query.where(false())
    if actor.is_staff:
        return query
    mine = Asset.user_id == actor.id
    if actor.department_id is not None:
        return query.where(or_(mine, Asset.department_id == actor.department_id))
    return query.where(mine)


def get_asset(session: Session, asset: int | str | Asset) -> Asset:
    """An asset by id, tag (case-blind) or object; NotFound otherwise."""
    if isinstance(asset, Asset):
        return asset
    found: Asset | None = None
    ident = as_id(asset)
    if ident is not None:
        found = session.get(Asset, ident)
    if found is None and isinstance(asset, str):
        found = session.scalar(select(Asset).where(func.upper(Asset.tag) == asset.strip().upper()))
    if found is None:
        raise NotFound(f"no asset {asset}")
    return found


def view_asset(session: Session, actor: User, asset: int | str | Asset) -> Asset:
    """The asset if ``actor`` may see it; NotFound otherwise (its existence is not told)."""
    found = get_asset(session, asset)
    if not can_view_asset(actor, found):
        raise NotFound(f"no asset {asset}")
    return found


# -- history -----------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Department):
        return value.code
    if isinstance(value, User):
        return value.username
    if isinstance(value, Vendor):
        return value.name
    return value


def record_asset(session: Session, asset: Asset, actor: User | None, kind: str,
                 changes: Mapping[str, list[Any]] | None = None,
                 data: Mapping[str, Any] | None = None,
                 request: ServiceRequest | None = None) -> AssetHistory:
    """Append a row to the asset's history (in the current transaction)."""
    actor_id = getattr(actor, "id", None) if actor is not None else None
    row = AssetHistory(asset_id=asset.id, actor_id=actor_id, at=utcnow(), kind=kind,
                       changes={k: [_json(a), _json(b)] for k, (a, b) in (changes or {}).items()},
                       data=dict(data or {}),
                       request_id=request.id if request is not None else None)
    session.add(row)
    return row


# -- use cases ---------------------------------------------------------------------------------


@service
def create_asset(session: Session, actor: User | None, *, tag: str | None = None,
                 type: str, model: str, serial: str | None = None,
                 status: str = AssetStatus.IN_STOCK.value, department: Any = None,
                 user: Any = None, location: str | None = None,
                 purchased_on: date | str | None = None, warranty_end: date | str | None = None,
                 supplier: Any = None, maintainer: Any = None, notes: str | None = None,
                 request: ServiceRequest | int | None = None, link_role: str = "received",
                 source: str = "web") -> Asset:
    """Register an asset. Without a tag one is made up from the type (``PRN-000042``).

    A user without a department gives the asset the user's department. With ``request`` the
    asset is linked to it (``link_role``: ``received`` for a purchase). Every bad field is
    named in one :class:`ValidationFailed`.
    """
    require_asset_manager(actor)
    values: dict[str, Any] = {
        "type": type, "model": model, "serial": serial, "status": status,
        "department": department, "user": user, "location": location,
        "purchased_on": purchased_on, "warranty_end": warranty_end, "supplier": supplier,
        "maintainer": maintainer, "notes": notes}
    if tag not in (None, ""):
        values["tag"] = tag
    clean, errors = validate_fields(session, values, None)
    if clean.get("status") == AssetStatus.UNDER_REPAIR.value:
        add_error(errors, "status", str(_("An asset goes under repair through its repair request, "
                                     "not when it is registered.")))
    if errors:
        raise ValidationFailed(errors)
    if clean.get("user") is not None and clean.get("department") is None:
        clean["department"] = clean["user"].department
    if "tag" not in clean:
        clean["tag"] = next_tag(session, clean["type"])
    asset = Asset(tag=clean.pop("tag"))
    for name, value in clean.items():
        setattr(asset, name, value)
    session.add(asset)
    session.flush()
    req = None
    if request is not None:
        from hdcore.services.asset_links import attach

        req = attach(session, actor, request, asset, link_role)
    record_asset(session, asset, actor, "created", {
        k: [None, v] for k, v in clean.items() if v not in (None, "")},
        data={"source": source}, request=req)
    return asset


@service
def update_asset(session: Session, actor: User | None, asset: int | str | Asset, *,
                 expected_version: int | None = None, request: ServiceRequest | None = None,
                 **values: Any) -> Asset:
    """Change some of an asset's fields (the status has its own use case).

    Only the fields given change; ``None`` or ``""`` clears an optional one. A stale
    ``expected_version`` is refused with a Conflict.
    """
    require_asset_manager(actor)
    asset = get_asset(session, asset)
    _check_version(asset, expected_version)
    values = dict(values)
    status = values.pop("status", None)
    clean, errors = validate_fields(session, values, asset)
    if errors:
        raise ValidationFailed(errors)
    if clean.get("user") is not None and "department" not in clean \
            and clean["user"].department is not None:
        # The equipment moves with its new user to their department.
        clean["department"] = clean["user"].department
    changes = apply_fields(asset, clean)
    if changes:
        session.flush()
        record_asset(session, asset, actor, "updated", changes, request=request)
    if status not in (None, "") and status != asset.status:
        set_asset_status(session, actor, asset, status, request=request)
    return asset


def _check_version(asset: Asset, expected: int | None) -> None:
    from hdcore.errors import Conflict

    if expected is not None and int(expected) != asset.version:
        raise Conflict(str(_("Someone else changed this asset in the meantime (you saw version "
                             "%(seen)s, it is now %(now)s); reload and retry."))
                       % {"seen": expected, "now": asset.version})


@service
def set_asset_status(session: Session, actor: User | None, asset: int | str | Asset,
                     status: str, *, request: ServiceRequest | None = None,
                     note: str | None = None) -> Asset:
    """Put an asset in stock, in use, under repair or retire it (recorded with the reason).

    Going under repair remembers the status to return to (see :func:`end_repair`); in use
    needs a user or a department; a retired asset comes back only into stock.
    """
    require_asset_manager(actor)
    asset = get_asset(session, asset)
    errors: dict[str, list[str]] = {}
    new = choose(errors, "status", status, AssetStatus)
    if new == AssetStatus.IN_USE.value and asset.user_id is None and asset.department_id is None:
        add_error(errors, "status", str(_("An asset in use needs a user or a department.")))
    if asset.status == AssetStatus.RETIRED.value and new not in (
            AssetStatus.IN_STOCK.value, AssetStatus.RETIRED.value, None):
        add_error(errors, "status", str(_("A retired asset can only be taken back into stock.")))
    if note is not None and len(note) > 1000:
        add_error(errors, "note", str(_("At most %(n)d characters.")) % {"n": 1000})
    if errors:
        raise ValidationFailed(errors)
    if new == asset.status:
        return asset
    old = asset.status
    if new == AssetStatus.UNDER_REPAIR.value:
        asset.status_before_repair = old
    elif old == AssetStatus.UNDER_REPAIR.value:
        asset.status_before_repair = None
    asset.status = new  # type: ignore[assignment]
    session.flush()
    record_asset(session, asset, actor, "status", {"status": [old, new]},
                 data={"note": note} if note else None, request=request)
    return asset
