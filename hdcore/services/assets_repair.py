"""Assets coming and going: received from a purchase, sent out for repair and back.

The services the procurement and outsourcing categories call from their steps; each joins the
step's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from hdcore import clock
from hdcore.errors import ValidationFailed
from hdcore.i18n import _
from hdcore.models import Asset, AssetStatus, ServiceRequest, User
from hdcore.services.assets import (
    create_asset,
    get_asset,
    require_asset_manager,
    set_asset_status,
)
from hdcore.services.assets_fields import find_vendor_ref
from hdcore.services.base import company_timezone, service


@service
def start_repair(session: Session, actor: User | None, asset: int | str | Asset, *,
                 request: ServiceRequest | int | None = None, vendor: Any = None,
                 note: str | None = None) -> Asset:
    """The asset goes out for repair: status ``under_repair``, linked to the repair request.

    ``vendor`` (the maintenance vendor it goes to) is noted in the history. Already under
    repair: nothing changes (so a repeated step is harmless).
    """
    require_asset_manager(actor)
    asset = get_asset(session, asset)
    req = _link_for(session, actor, request, asset, "repair")
    if asset.status == AssetStatus.UNDER_REPAIR.value:
        return asset
    if asset.status == AssetStatus.RETIRED.value:
        raise ValidationFailed({"asset": [str(_("Asset %(t)s is retired.")) % {"t": asset.tag}]})
    errors: dict[str, list[str]] = {}
    firm = find_vendor_ref(session, vendor, errors, "vendor")
    if errors:
        raise ValidationFailed(errors)
    set_asset_status(session, actor, asset, AssetStatus.UNDER_REPAIR.value, request=req,
                     note=note or (str(_("Sent to %(v)s")) % {"v": firm.name} if firm else None))
    return asset


@service
def end_repair(session: Session, actor: User | None, asset: int | str | Asset, *,
               request: ServiceRequest | int | None = None, note: str | None = None,
               status: str | None = None) -> Asset:
    """The asset is back from repair: its status before the repair comes back (or ``status``,
    e.g. ``retired`` when it could not be repaired). Not under repair: nothing changes."""
    require_asset_manager(actor)
    asset = get_asset(session, asset)
    req = _link_for(session, actor, request, asset, "repair")
    if asset.status != AssetStatus.UNDER_REPAIR.value:
        return asset
    back = status or asset.status_before_repair or AssetStatus.IN_STOCK.value
    if back == AssetStatus.IN_USE.value and asset.user_id is None and asset.department_id is None:
        back = AssetStatus.IN_STOCK.value
    set_asset_status(session, actor, asset, back, request=req, note=note)
    return asset


def _link_for(session: Session, actor: User | None, request: ServiceRequest | int | None,
              asset: Asset, role: str) -> ServiceRequest | None:
    if request is None:
        return None
    from hdcore.services.asset_links import attach

    return attach(session, actor, request, asset, role)


@service
def receive_assets(session: Session, actor: User | None, request: ServiceRequest | int,
                   items: list[Mapping[str, Any]], *, supplier: Any = None,
                   source: str = "procurement") -> list[Asset]:
    """Register the items a purchase delivered, each linked to the request (``received``).

    ``items``: one mapping per physical item with the fields of :func:`create_asset` (``type``,
    ``model``, ``serial``, optional ``tag``, ``department``, ``user``, ``location``,
    ``purchased_on`` (default: today), ``warranty_end``, ``maintainer``, ``status``, ``notes``);
    ``supplier`` applies to items that name none. All or nothing: errors are keyed
    ``items.<n>.<field>`` (``n`` from 0), every bad item at once.
    """
    require_asset_manager(actor)
    errors: dict[str, list[str]] = {}
    today = clock.now().astimezone(company_timezone(session)).date()
    serials: dict[str, int] = {}
    tags: dict[str, int] = {}
    created: list[Asset] = []
    if not items:
        raise ValidationFailed({"items": [str(_("Give at least one item."))]})
    for n, item in enumerate(items):
        values = dict(item)
        values.setdefault("purchased_on", today)
        values.setdefault("supplier", supplier)
        values.setdefault("status", AssetStatus.IN_STOCK.value)
        serial = str(values.get("serial") or "").strip().upper()
        tag = str(values.get("tag") or "").strip().upper()
        repeated = False
        if serial and serial in serials:
            errors.setdefault(f"items.{n}.serial", []).append(
                str(_("The same serial number as item %(n)d.")) % {"n": serials[serial] + 1})
            repeated = True
        if tag and tag in tags:
            errors.setdefault(f"items.{n}.tag", []).append(
                str(_("The same asset tag as item %(n)d.")) % {"n": tags[tag] + 1})
            repeated = True
        if serial:
            serials.setdefault(serial, n)
        if tag:
            tags.setdefault(tag, n)
        if repeated:
            continue
        try:
            with session.begin_nested():
                created.append(create_asset(session, actor, request=request,
                                            link_role="received", source=source, **values))
        except ValidationFailed as exc:
            for key, reasons in exc.errors.items():
                errors.setdefault(f"items.{n}.{key}", []).extend(reasons)
        except TypeError:
            errors.setdefault(f"items.{n}", []).append(str(_("Unknown field.")))
    if errors:
        raise ValidationFailed(errors)
    return created
