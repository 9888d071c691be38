"""The equipment a repair concerns: the asset of the installed base, its maintenance vendor and
contract, and its status while the vendor has it ("under repair", then back)."""

from __future__ import annotations

from typing import Any

from hdcore import NotFound, TransitionContext, ValidationFailed, VendorEngagement, now
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.outsourcing import names as n


def repair_asset(ctx: TransitionContext) -> Any | None:
    """The asset being repaired: the first one linked to the request that is not retired,
    else the one whose tag the requester gave; None when the register does not know it."""
    for asset, _link in svc.assets_of_request(ctx.session, ctx.actor, ctx.request):
        if asset.status != "retired":
            return asset
    tag = str(ctx.request.details.get("asset_tag") or "").strip()
    if tag and not tag.isdigit():  # a bare number would be read as the asset's id
        try:
            return svc.get_asset(ctx.session, tag)
        except NotFound:
            return None
    return None


def dispatch_vendor(ctx: TransitionContext) -> Any:
    """The vendor the job goes to: the one chosen, else the asset's maintenance vendor
    (under warranty or contract); ValidationFailed naming ``vendor`` when there is none."""
    if ctx.data.get("vendor"):
        return svc.find_vendor(ctx.session, ctx.data["vendor"], "vendor")
    asset = repair_asset(ctx)
    vendor = getattr(asset, "maintainer", None)
    if vendor is None or not vendor.active:
        raise ValidationFailed({"vendor": [str(_(
            "Choose the vendor: the equipment has no maintenance vendor in the register."))]})
    return vendor


def check_promises(ctx: TransitionContext, vendor: Any) -> dict[str, list[str]]:
    """Promised times left empty need a contract whose terms give them."""
    missing = [f for f in ("promised_response_at", "promised_completion_at")
               if ctx.data.get(f) is None]
    if not missing:
        return {}
    asset = repair_asset(ctx)
    terms = svc.contract_terms(ctx.session, vendor, category=n.CATEGORY,
                               asset_type=getattr(asset, "type", None))
    problems: dict[str, list[str]] = {}
    for field in missing:
        promised = None if terms is None else (
            terms[1].response_at if field == "promised_response_at" else terms[1].completion_at)
        if promised is None:
            problems[field] = [str(_("No contract of %(v)s sets this time: give it.")) % {
                "v": vendor.name}]
    return problems


def promised_response(ctx: TransitionContext) -> Any:
    """When the vendor will respond: as given, else by their contract's terms (None: unknown)."""
    if ctx.data.get("promised_response_at") is not None:
        return ctx.data["promised_response_at"]
    try:
        vendor = dispatch_vendor(ctx)
    except ValidationFailed:
        return None
    asset = repair_asset(ctx)
    terms = svc.contract_terms(ctx.session, vendor, category=n.CATEGORY,
                               asset_type=getattr(asset, "type", None))
    return terms[1].response_at if terms is not None else None


def coverage(asset: Any, eng: VendorEngagement) -> str:
    """``warranty`` while the asset's warranty runs, else the contract's coverage."""
    today = now().date()
    if asset is not None and asset.under_warranty(today):
        return "warranty"
    return eng.contract.coverage if eng.contract is not None else "none"


def out_for_repair(ctx: TransitionContext, asset: Any, vendor: Any) -> None:
    """The asset goes to the vendor: status "under repair"."""
    svc.start_repair(ctx.session, ctx.actor, asset, request=ctx.request, vendor=vendor)


def back_from_repair(ctx: TransitionContext, job: VendorEngagement, note: str = "") -> None:
    """The asset the job had is back: its status before the repair comes back."""
    asset_id = job.details.get("asset_id")
    if asset_id is None:
        return
    actor = ctx.actor if ctx.actor.is_staff else None  # a requester's check is the system's
    svc.end_repair(ctx.session, actor, int(asset_id), request=ctx.request, note=note or None)
