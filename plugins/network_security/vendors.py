"""Tracking the security vendor on a request: raising to them, their news, their answer."""

from __future__ import annotations

from datetime import datetime

from hdcore import TransitionContext, ValidationFailed, VendorEngagement, VendorKind
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.network_security.kinds import CATEGORY, VENDOR_KIND
from plugins.network_security.validators import local_time

SECURITY_VENDOR = VendorKind(
    VENDOR_KIND,
    _("Security vendor (antivirus, firewall, security services)"),
    pauses_sla=True,
    samples=(
        {"name": "天衡网络安全技术有限公司", "contact_name": "孙浩 (Sun Hao)",
         "phone": "400-820-3721", "email": "soc@tianheng-sec.example"},
        {"name": "安澜信息安全服务（上海）有限公司", "contact_name": "Grace Wu 吴静",
         "phone": "021-6188-5200", "email": "support@anlan-infosec.example"},
        {"name": "恒御防病毒软件（苏州）有限公司", "contact_name": "钱伟 (Qian Wei)",
         "phone": "0512-6258-9001", "email": "service@hengyu-av.example"},
    ),
)

#: Steps that hand work to, or take it back from, the vendor.
VENDOR_STEPS = ("raise_to_vendor", "update_vendor", "vendor_analysis_back", "vendor_fix_back")


def _engagement(ctx: TransitionContext) -> VendorEngagement:
    eng = svc.current_engagement(ctx.session, ctx.request, VENDOR_KIND)
    if eng is None:  # the state machine only reaches these steps with the vendor engaged
        raise ValidationFailed({"vendor": [str(_("No open engagement with a security vendor."))]})
    return eng


def _not_before(eng: VendorEngagement, value: object, field: str,
                errors: dict[str, list[str]]) -> None:
    if isinstance(value, datetime) and value < eng.engaged_at:
        errors[field] = [str(_("The vendor was engaged only at %(at)s.")) % {
            "at": local_time(eng.engaged_at)}]


def check(ctx: TransitionContext) -> None:
    """Refuse a vendor step whose fields do not fit the register or the engagement."""
    name, data = ctx.transition.name, ctx.data
    if name == "raise_to_vendor":
        vendor = svc.find_vendor(ctx.session, data["vendor"], field="vendor")
        if VENDOR_KIND not in (vendor.kinds or []):
            raise ValidationFailed({"vendor": [
                str(_("%(name)s is not registered as a security vendor.")) % {"name": vendor.name}
            ]})
        return
    if name not in VENDOR_STEPS:
        return
    eng = _engagement(ctx)
    errors: dict[str, list[str]] = {}
    _not_before(eng, data.get("responded_at"), "responded_at", errors)
    _not_before(eng, data.get("completed_at"), "completed_at", errors)
    if errors:
        raise ValidationFailed(errors)


def react(ctx: TransitionContext) -> None:
    """Write the vendor's side of a step into its engagement (inside the step's transaction)."""
    name, data, session, actor = ctx.transition.name, ctx.data, ctx.session, ctx.actor
    if name == "raise_to_vendor":
        svc.engage_vendor(
            session, actor, ctx.request, vendor=data["vendor"], kind=VENDOR_KIND,
            reference=data.get("vendor_reference"),
            promised_response_at=data["promised_response_at"],
            promised_completion_at=data.get("promised_completion_at"),
            details={"request_to_vendor": data["request_to_vendor"],
                     "kind": ctx.request.details.get("kind")},
        )
    elif name == "update_vendor":
        eng = _engagement(ctx)
        changes = {k: data[k] for k in ("responded_at", "promised_completion_at")
                   if data.get(k) is not None}
        if data.get("vendor_reference"):
            changes["reference"] = data["vendor_reference"]
        notes = [*eng.details.get("notes", []), data["vendor_note"]]
        svc.update_engagement(session, actor, eng.id, details={"notes": notes}, **changes)
    elif name in ("vendor_analysis_back", "vendor_fix_back"):
        _finish(ctx, _engagement(ctx))
    elif svc.host_of(session).workflow(CATEGORY).is_final(ctx.transition.target):
        eng = svc.current_engagement(session, ctx.request, VENDOR_KIND)
        if eng is not None:  # the request ended while the vendor had it: call them off
            svc.update_engagement(session, actor, eng.id, status="cancelled")


def _finish(ctx: TransitionContext, eng: VendorEngagement) -> None:
    data = ctx.data
    delivered = data["outcome"] == "delivered"
    changes: dict[str, object] = {"status": "done" if delivered else "cancelled"}
    if delivered:
        changes["completed_at"] = data["completed_at"]
        if eng.responded_at is None:  # their delivery is their first answer
            changes["responded_at"] = data["completed_at"]
    if data.get("vendor_reference"):
        changes["reference"] = data["vendor_reference"]
    svc.update_engagement(ctx.session, ctx.actor, eng.id,
                          details={"findings": data["vendor_findings"],
                                   "outcome": data["outcome"]}, **changes)
