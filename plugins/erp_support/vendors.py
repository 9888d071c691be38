"""Tracking the ERP vendor: engaged on "raise", answer timed on "answered", closed at the end.

Each time a problem is raised with the vendor is one engagement (one round of the vendor's
work), so every round keeps its own promised and actual response time. The engagement stays
open after the answer until the request is resolved, or until the problem is raised again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from hdcore import TransitionContext, User, ValidationFailed, VendorEngagement
from hdcore import lazy_gettext as _
from hdcore import now as clock_now
from hdcore import services as svc
from plugins.erp_support.constants import VENDOR_KIND
from plugins.erp_support.schemas import start_of_day


def open_engagements(ctx: TransitionContext) -> list[VendorEngagement]:
    """The request's ERP vendor engagements still open, oldest first."""
    return list(ctx.session.scalars(
        select(VendorEngagement).where(
            VendorEngagement.request_id == ctx.request.id,
            VendorEngagement.kind == VENDOR_KIND,
            VendorEngagement.status == "open",
        ).order_by(VendorEngagement.id)
    ))


def _raised_at(eng: VendorEngagement) -> datetime:
    """When the problem was raised: the day given on the step, or when it was recorded."""
    raised_on = (eng.details or {}).get("raised_on")
    if not raised_on:
        return eng.engaged_at
    return min(eng.engaged_at, start_of_day(date.fromisoformat(raised_on)))


def check_vendor(ctx: TransitionContext) -> list[str]:
    """The chosen vendor must be registered (and active) as an ERP vendor.

    Raises ValidationFailed naming the field, like the step's other fields.
    """
    vendor = svc.find_vendor(ctx.session, ctx.data["vendor"], field="vendor")
    if VENDOR_KIND not in (vendor.kinds or []):
        raise ValidationFailed(
            {"vendor": [str(_("This vendor is not registered as an ERP vendor."))]}
        )
    return []


def check_answer(ctx: TransitionContext) -> list[str]:
    """The vendor cannot have answered before the problem was raised with them."""
    answered_at = ctx.data.get("answered_at")
    current = svc.current_engagement(ctx.session, ctx.request, VENDOR_KIND)
    if answered_at is not None and current is not None and answered_at < _raised_at(current):
        raise ValidationFailed({"answered_at": [
            str(_("The answer cannot be before the problem was raised with the vendor."))
        ]})
    return []


def engage(ctx: TransitionContext) -> VendorEngagement:
    """Record the hand-off: the vendor, their SR number, the date raised and their promise."""
    now = clock_now()
    for earlier in open_engagements(ctx):
        # Raising again ends the previous round: the vendor answered it, it did not suffice.
        svc.update_engagement(ctx.session, ctx.actor, earlier.id, status="done",
                              completed_at=now)
    data = ctx.data
    return svc.engage_vendor(
        ctx.session, ctx.actor, ctx.request,
        vendor=data["vendor"], kind=VENDOR_KIND, reference=data["vendor_reference"],
        promised_response_at=data.get("promised_response_at"),
        details={
            "raised_on": data["raised_on"].isoformat(),
            "severity": data.get("severity"),
            "problem_summary": data.get("problem_summary", ""),
        },
    )


def record_answer(ctx: TransitionContext) -> None:
    """Time the vendor's answer against their promise, and keep what they said."""
    current = svc.current_engagement(ctx.session, ctx.request, VENDOR_KIND)
    if current is None:
        return
    answered_at = ctx.data.get("answered_at") or clock_now()
    svc.update_engagement(
        ctx.session, ctx.actor, current.id, responded_at=answered_at,
        details={"answer": ctx.data["vendor_answer"], "outcome": ctx.data["outcome"]},
    )


def _staff_for(ctx: TransitionContext) -> User | None:
    """Who records the vendor's record: the actor if IT staff, else the request's technician."""
    if ctx.actor.is_staff:
        return ctx.actor
    tech = ctx.request.assignee
    return tech if tech is not None and tech.is_active and tech.is_staff else None


def finish(ctx: TransitionContext) -> None:
    """The request is resolved: the vendor's part is complete."""
    now = clock_now()
    for eng in open_engagements(ctx):
        svc.update_engagement(ctx.session, ctx.actor, eng.id, status="done", completed_at=now)


def withdraw(ctx: TransitionContext) -> None:
    """The vendor's work ends early (taken back, cancelled, force-closed).

    A vendor who already answered did their part ("done"); one who had not is "cancelled".
    """
    actor = _staff_for(ctx)
    if actor is None:
        return
    now = clock_now()
    reason = ctx.data.get("reason") or ""
    for eng in open_engagements(ctx):
        answered = eng.responded_at is not None
        svc.update_engagement(
            ctx.session, actor, eng.id, status="done" if answered else "cancelled",
            completed_at=now if answered else None,
            details={"ended_by": ctx.transition.name, **({"reason": reason} if reason else {})},
        )
