"""Requests and the assets they concern: naming assets on a request, and reading the links.

A link is written once (linking again changes nothing) and shows in both histories: the
asset's ("named on SR-…") and the request's (event ``asset_linked``/``asset_unlinked``).
IT staff link and unlink on any request they see; an employee names their own (or their
department's) equipment on a request they filed, while it is still new.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Asset, RequestAsset, ServiceRequest, User
from hdcore.services.access import require_view, visible_requests
from hdcore.services.assets import can_view_asset, get_asset, record_asset, view_asset
from hdcore.services.base import get_request, record, service

#: Why a request names an asset.
LINK_ROLES = ("reported", "received", "repair", "threshold")
#: How many assets one request may name.
MAX_LINKS = 50


def attach(session: Session, actor: User | None, request: ServiceRequest | int | str,
           asset: Asset, role: str = "reported") -> ServiceRequest:
    """Link without checking rights (for services that checked them already); idempotent."""
    req = request if isinstance(request, ServiceRequest) else get_request(session, request)
    found = session.get(RequestAsset, (req.id, asset.id))
    if found is not None:
        return req
    actor_id = getattr(actor, "id", None) if actor is not None else None
    session.add(RequestAsset(request_id=req.id, asset_id=asset.id, linked_by_id=actor_id,
                             role=role if role in LINK_ROLES else "reported"))
    session.flush()
    record_asset(session, asset, actor, "linked", data={"number": req.number, "role": role},
                 request=req)
    record(session, req, actor if isinstance(actor, User) else None, "asset_linked",
           data={"asset": asset.tag, "asset_id": asset.id, "role": role})
    return req


def _may_link(actor: User, req: ServiceRequest, asset: Asset) -> None:
    require_view(actor, req)
    if actor.is_staff:
        return
    if req.requester_id != actor.id and req.entered_by_id != actor.id:
        raise PermissionDenied(str(_("Only IT staff or the requester can name equipment on a "
                                     "request.")))
    if req.status != "new":
        raise PermissionDenied(str(_("The help desk is already working on this request; ask "
                                     "them to add the equipment.")))
    if not can_view_asset(actor, asset):
        raise ValidationFailed({"assets": [str(_("Unknown asset %(t)s.")) % {"t": asset.tag}]})


@service
def link_asset(session: Session, actor: User, request: ServiceRequest | int | str,
               asset: int | str | Asset, *, role: str = "reported") -> RequestAsset:
    """Name ``asset`` on ``request`` (see the module's rules); linking twice is harmless."""
    req = request if isinstance(request, ServiceRequest) else get_request(session, request)
    try:
        found = get_asset(session, asset)
    except NotFound:
        raise ValidationFailed({"assets": [str(_("Unknown asset %(t)s.")) % {"t": asset}]}
                               ) from None
    _may_link(actor, req, found)
    if role not in LINK_ROLES:
        raise ValidationFailed({"role": [str(_("Choose one of: %(c)s.")) % {
            "c": ", ".join(LINK_ROLES)}]})
    count = len(session.scalars(select(RequestAsset.asset_id)
                                .where(RequestAsset.request_id == req.id)).all())
    if count >= MAX_LINKS and session.get(RequestAsset, (req.id, found.id)) is None:
        raise ValidationFailed({"assets": [str(_("At most %(n)d assets per request.")) % {
            "n": MAX_LINKS}]})
    attach(session, actor, req, found, role)
    link = session.get(RequestAsset, (req.id, found.id))
    assert link is not None
    return link


@service
def unlink_asset(session: Session, actor: User, request: ServiceRequest | int | str,
                 asset: int | str | Asset) -> None:
    """Take ``asset`` off ``request`` (IT staff only); not linked: nothing happens."""
    req = request if isinstance(request, ServiceRequest) else get_request(session, request)
    require_view(actor, req)
    if not actor.is_staff:
        raise PermissionDenied(str(_("Only IT staff can do this.")))
    found = get_asset(session, asset)
    link = session.get(RequestAsset, (req.id, found.id))
    if link is None:
        return
    session.delete(link)
    session.flush()
    record_asset(session, found, actor, "unlinked", data={"number": req.number}, request=req)
    record(session, req, actor, "asset_unlinked", data={"asset": found.tag,
                                                        "asset_id": found.id})


def parse_asset_refs(session: Session, actor: User, refs: Sequence[Any]) -> list[Asset]:
    """Assets named by id or tag that ``actor`` may see; ValidationFailed on ``assets``."""
    found: list[Asset] = []
    unknown: list[str] = []
    for ref in refs:
        if ref in (None, ""):
            continue
        try:
            asset = view_asset(session, actor, ref)
        except NotFound:
            unknown.append(str(ref))
            continue
        if asset not in found:
            found.append(asset)
    if unknown:
        raise ValidationFailed({"assets": [str(_("Unknown asset %(t)s.")) % {
            "t": ", ".join(unknown)}]})
    if len(found) > MAX_LINKS:
        raise ValidationFailed({"assets": [str(_("At most %(n)d assets per request.")) % {
            "n": MAX_LINKS}]})
    return found


@service
def submit_request_about(session: Session, actor: User, *, assets: Sequence[Any] = (),
                         **fields: Any) -> ServiceRequest:
    """File a request (as :func:`~hdcore.services.submit_request`) naming ``assets`` (ids or
    tags the actor may see), in one transaction: a bad asset refuses the whole request."""
    from hdcore.services.requests import submit_request

    errors: dict[str, list[str]] = {}
    try:
        chosen = parse_asset_refs(session, actor, assets)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        chosen = []
    try:
        req = submit_request(session, actor, **fields)
    except ValidationFailed as exc:
        raise ValidationFailed({**exc.errors, **errors}) from None
    if errors:
        raise ValidationFailed(errors)
    for asset in chosen:
        attach(session, actor, req, asset, "reported")
    return req


def assets_of_request(session: Session, actor: User, request: ServiceRequest
                      ) -> list[tuple[Asset, RequestAsset]]:
    """The assets a request names that ``actor`` may see, with their link, by tag."""
    require_view(actor, request)
    rows = session.execute(
        select(Asset, RequestAsset).join(RequestAsset, RequestAsset.asset_id == Asset.id)
        .where(RequestAsset.request_id == request.id).order_by(Asset.tag)).all()
    return [(a, link) for a, link in rows if actor.is_staff or can_view_asset(actor, a)
            or request.requester_id == actor.id]


def requests_of_asset(session: Session, actor: User, asset: Asset
                      ) -> list[tuple[ServiceRequest, RequestAsset]]:
    """The requests that named ``asset`` and that ``actor`` may see, newest first."""
    if not can_view_asset(actor, asset):
        return []
    visible = visible_requests(actor).subquery()
    rows = session.execute(
        select(ServiceRequest, RequestAsset)
        .join(RequestAsset, RequestAsset.request_id == ServiceRequest.id)
        .where(RequestAsset.asset_id == asset.id, ServiceRequest.id.in_(select(visible.c.id)))
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())).all()
    return [(r, link) for r, link in rows]

