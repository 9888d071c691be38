"""The hosted mail provider: raising a problem to them, and their answer and fix against promise."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hdcore import TransitionContext, ValidationFailed, VendorEngagement, VendorKind, now
from hdcore import lazy_gettext as _
from hdcore import services as svc

MAIL_PROVIDER = "mail_provider"

MAIL_PROVIDER_KIND = VendorKind(
    MAIL_PROVIDER,
    _("Hosted mail provider"),
    # While the provider has the problem, the desk's own clock stops; the provider's promise
    # is measured on the engagement instead.
    pauses_sla=True,
    samples=(
        {"name": "阿里云企业邮箱 (Alibaba Mail)", "contact_name": "王海涛",
         "phone": "0571-8526 3301", "email": "qiye-support@alimail.example.com"},
        {"name": "腾讯企业邮 (Tencent Exmail)", "contact_name": "陈思远",
         "phone": "0755-8601 3388", "email": "service@exmail.example.com"},
        {"name": "世纪互联 Microsoft 365", "contact_name": "刘晓东",
         "phone": "400-089-0365", "email": "o365-support@21v.example.com"},
    ),
)

PROVIDER_STEPS = ("provider_responded", "provider_done")


def _now() -> datetime:
    return now()


def _open_case(ctx: TransitionContext) -> VendorEngagement | None:
    return svc.current_engagement(ctx.session, ctx.request, MAIL_PROVIDER)


def _not_before(value: datetime, earliest: datetime | None, field: str, message: str) -> None:
    if earliest is not None and value < earliest:
        raise ValidationFailed({field: [message]})


def check_step(ctx: TransitionContext) -> list[str]:
    """Check a provider step against the register and the open case; reasons to refuse it.

    Raises :class:`ValidationFailed` naming the field for an unknown vendor or an impossible
    time.
    """
    name, data = ctx.transition.name, ctx.data
    if name == "raise_to_provider":
        vendor = svc.find_vendor(ctx.session, data["vendor"], "vendor")
        if MAIL_PROVIDER not in (vendor.kinds or []):
            raise ValidationFailed({"vendor": [str(_("This vendor is not a mail provider."))]})
        return []
    if name not in PROVIDER_STEPS:
        return []
    case = _open_case(ctx)
    if case is None:
        return [str(_("No open case with the mail provider is on record for this request."))]
    before_raised = str(_("This is before the problem was raised to the provider."))
    if name == "provider_responded":
        _not_before(data.get("responded_at") or _now(), case.engaged_at, "responded_at",
                    before_raised)
    else:
        done_at = data.get("completed_at") or _now()
        _not_before(done_at, case.engaged_at, "completed_at", before_raised)
        _not_before(done_at, case.responded_at, "completed_at",
                    str(_("This is before the provider's first answer.")))
    return []


def on_transition(ctx: TransitionContext) -> None:
    """Record the provider's side of the step on the request's engagement (same transaction)."""
    name, data, session, actor = ctx.transition.name, ctx.data, ctx.session, ctx.actor
    if name == "raise_to_provider":
        svc.engage_vendor(
            session, actor, ctx.request, vendor=data["vendor"], kind=MAIL_PROVIDER,
            reference=data["reference"], promised_response_at=data["promised_response_at"],
            promised_completion_at=data.get("promised_completion_at"),
            details={"summary": data["summary"]},
        )
        return
    case = _open_case(ctx)
    if name == "provider_responded" and case is not None:
        changes: dict[str, Any] = {}
        if case.responded_at is None:  # the response time is the provider's first answer
            changes["responded_at"] = data.get("responded_at") or _now()
        if data.get("promised_completion_at"):
            changes["promised_completion_at"] = data["promised_completion_at"]
        svc.update_engagement(session, actor, case.id, details={"answer": data["answer"]},
                              **changes)
    elif name == "provider_done" and case is not None:
        done_at = data.get("completed_at") or _now()
        changes = {"completed_at": done_at, "status": "done"}
        if case.responded_at is None:
            changes["responded_at"] = done_at
        svc.update_engagement(session, actor, case.id,
                              details={"outcome": data["outcome"], "fixed": data["fixed"]},
                              **changes)
    elif svc.host_of(session).workflow(ctx.request.category).is_final(ctx.transition.target):
        _end_open_cases(ctx)


def _end_open_cases(ctx: TransitionContext) -> None:
    """A request closed or cancelled while the provider has it ends the provider's case too.

    Only IT staff may update engagements, so a requester's own cancel leaves the case for
    the technician to end.
    """
    if not ctx.actor.is_staff:
        return
    while (case := _open_case(ctx)) is not None:
        svc.update_engagement(ctx.session, ctx.actor, case.id, status="cancelled",
                              details={"ended_by": ctx.transition.name})
