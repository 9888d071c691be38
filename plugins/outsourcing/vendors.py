"""Vendor tracking: each step's effect on the vendor's job (the core's ``VendorEngagement``).

One engagement is one job given to one vendor: their reference, what they promised (response
and completion) and what they did. A repair the requester finds not fixed keeps the same
engagement open and clears its completion: the vendor promised a working device, so a repair
that fails is not a completion, and the original promise keeps measuring them (their
``completion_late`` is judged when the fix finally works). The job only ends early when IT
withdraws it (an exception, a new dispatch, or cancelling the request); a new dispatch then
makes a new engagement with the new vendor's own promises.

A withdrawn job's ``details["withdrawn"]["reason"]`` is a code: the exception's problem,
``redispatched``, ``cancel`` or ``force_close``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hdcore import ServiceRequest, TransitionContext, ValidationFailed, VendorEngagement, now
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.outsourcing import equipment
from plugins.outsourcing import names as n
from plugins.outsourcing.schemas import PROBLEMS


def open_job(session: Session, request: ServiceRequest) -> VendorEngagement | None:
    """The maintenance vendor's job on ``request`` that is still open, if any."""
    return svc.current_engagement(session, request, n.VENDOR_KIND)


def _now() -> datetime:
    return now()


def _iso(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _jsonable(value: Any) -> Any:
    """Dates and times as ISO strings, recursively (engagement details are JSON)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return _iso(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _update(ctx: TransitionContext, job: VendorEngagement,
            details: dict[str, Any] | None = None, **changes: Any) -> None:
    """Write the vendor's progress; through the vendor service when IT staff take the step.

    The requester may verify a repair (or cancel the request) but is not IT staff, whom the
    vendor service admits alone; then the step's own event, written with the same transaction,
    is the record of who did it, and the job is updated directly.
    """
    if ctx.actor.is_staff:
        svc.update_engagement(ctx.session, ctx.actor, job.id, _jsonable(details), **changes)
        return
    if "completed_at" in changes and changes["completed_at"] is None and job.completed_at:
        job.reopen_count = (job.reopen_count or 0) + 1  # as the vendor service counts it
    for field, value in changes.items():
        setattr(job, field, value)
    if details:
        job.details = {**job.details, **_jsonable(details)}


def _append(job: VendorEngagement, key: str, entry: dict[str, Any]) -> dict[str, Any]:
    """``{key: the job's list under key plus entry}`` (details are replaced, never mutated)."""
    return {key: [*job.details.get(key, []), _jsonable(entry)]}


def _stamp(ctx: TransitionContext) -> dict[str, Any]:
    return {"at": _iso(_now()), "by": ctx.actor.username}


# -- validation that needs the database (called before the step changes anything) -----------


def validate_step(ctx: TransitionContext) -> None:
    """Check a step's fields against the vendor register and the job; raise naming the field."""
    name, data = ctx.transition.name, ctx.data
    errors: dict[str, list[str]] = {}
    if name == n.DISPATCH:
        try:
            vendor = equipment.dispatch_vendor(ctx)
        except ValidationFailed as exc:
            errors.update(exc.errors)
        else:
            if n.VENDOR_KIND not in (vendor.kinds or []):
                errors["vendor"] = [str(_("%(v)s is not registered as a maintenance vendor."))
                                    % {"v": vendor.name}]
            else:
                errors.update(equipment.check_promises(ctx, vendor))
    job = open_job(ctx.session, ctx.request)
    if name == n.VENDOR_ARRIVED and job is not None:
        arrived = data.get("arrived_at")
        if arrived is not None and arrived < job.engaged_at:
            errors["arrived_at"] = [str(_("The engineer cannot arrive before the job was "
                                          "dispatched."))]
    if name == n.VENDOR_REPAIRED and job is not None:
        completed = data.get("completed_at")
        visits = job.details.get("visits") or []
        last_arrival = (datetime.fromisoformat(visits[-1]["arrived_at"]) if visits
                        else job.responded_at)
        if completed is not None and last_arrival is not None and completed < last_arrival:
            errors["completed_at"] = [str(_("The repair cannot end before the engineer "
                                            "arrived."))]
    if errors:
        raise ValidationFailed(errors)


def resolve_veto(ctx: TransitionContext) -> str | None:
    """Refuse to resolve while a vendor still holds the job."""
    job = open_job(ctx.session, ctx.request)
    if job is None:
        return None
    return str(_("%(v)s still holds the job (reference %(r)s): verify their repair, or record "
                 "a vendor exception and withdraw the job, first.")) % {
        "v": job.vendor.name, "r": job.reference or "-"}


# -- what each step does to the job (inside the step's transaction) -------------------------


def _dispatch(ctx: TransitionContext, job: VendorEngagement | None) -> None:
    data = ctx.data
    if job is not None:  # a job a vendor still held is taken back before the new dispatch
        _update(ctx, job, {"withdrawn": {**_stamp(ctx), "reason": "redispatched"}},
                status="cancelled")
    vendor = equipment.dispatch_vendor(ctx)
    asset = equipment.repair_asset(ctx)
    # Promised times left empty follow the vendor's contract for this kind of equipment.
    eng = svc.engage_vendor(
        ctx.session, ctx.actor, ctx.request,
        vendor=vendor, kind=n.VENDOR_KIND, reference=data["vendor_reference"],
        promised_response_at=data.get("promised_response_at"),
        promised_completion_at=data.get("promised_completion_at"),
        asset_type=getattr(asset, "type", None),
        details=_jsonable({
            "service_mode": data["service_mode"],
            "access_required": data["access_required"],
            "backup_required": data["backup_required"],
            "instructions": data["instructions"],
            "visits": [], "exceptions": [], "rejected_completions": [],
            "asset_id": getattr(asset, "id", None), "asset_tag": getattr(asset, "tag", None),
        }),
    )
    eng.details = {**eng.details, "coverage": equipment.coverage(asset, eng)}
    if asset is not None:
        equipment.out_for_repair(ctx, asset, vendor)


def _arrived(ctx: TransitionContext, job: VendorEngagement) -> None:
    arrived = ctx.data.get("arrived_at") or _now()
    visit = {"arrived_at": arrived, "engineer": ctx.data["engineer"], "note": ctx.data["note"]}
    changes = {"responded_at": arrived} if job.responded_at is None else {}
    _update(ctx, job, _append(job, "visits", visit), **changes)


def _order_parts(ctx: TransitionContext, job: VendorEngagement) -> None:
    _update(ctx, job, {
        "diagnosis": ctx.data["diagnosis"],
        **_append(job, "parts_orders", {
            **_stamp(ctx), "parts": ctx.data["parts"],
            "expected_on": ctx.data["parts_expected_on"],
        }),
    })


def _parts_arrived(ctx: TransitionContext, job: VendorEngagement) -> None:
    orders = [dict(o) for o in job.details.get("parts_orders", [])]
    if orders:
        orders[-1]["arrived_at"] = _iso(_now())
        orders[-1]["arrival_note"] = ctx.data["note"]
    _update(ctx, job, {"parts_orders": orders})


def _repaired(ctx: TransitionContext, job: VendorEngagement) -> None:
    completed = ctx.data.get("completed_at") or _now()
    _update(ctx, job, {
        "work_done": ctx.data["work_done"], "cause": ctx.data["cause"],
        "parts_replaced": ctx.data["parts_replaced"],
    }, completed_at=completed)


def _verified(ctx: TransitionContext, job: VendorEngagement) -> None:
    _update(ctx, job, {"verified": {**_stamp(ctx), "note": ctx.data["note"]}}, status="done")
    equipment.back_from_repair(ctx, job, ctx.data["note"])


def _not_fixed(ctx: TransitionContext, job: VendorEngagement) -> None:
    rejected = {**_stamp(ctx), "claimed_at": job.completed_at, "reason": ctx.data["reason"]}
    _update(ctx, job, _append(job, "rejected_completions", rejected), completed_at=None)


def _exception(ctx: TransitionContext, job: VendorEngagement) -> None:
    data = ctx.data
    entry = {**_stamp(ctx), "problem": data["problem"], "reason": data["reason"],
             "action": data["action"], "escalated": data["escalate"]}
    details = _append(job, "exceptions", entry)
    if data["action"] == "withdraw":
        _update(ctx, job, {**details, "withdrawn": {**_stamp(ctx), "reason": data["problem"]}},
                status="cancelled")
        equipment.back_from_repair(ctx, job, data["reason"])
    else:
        _update(ctx, job, details)
    if data["escalate"]:
        problem = dict(PROBLEMS)[data["problem"]]
        svc.escalate(ctx.session, ctx.actor, ctx.request.id,
                     f"{job.vendor.name} ({job.reference or '-'}): {problem}. {data['reason']}")


def _back_to_vendor(ctx: TransitionContext, job: VendorEngagement) -> None:
    entry = {**_stamp(ctx), "response_at": ctx.data.get("revised_response_at"),
             "note": ctx.data["note"]}
    _update(ctx, job, _append(job, "revised_promises", entry))


def _request_ended(ctx: TransitionContext, job: VendorEngagement) -> None:
    reason = ctx.data.get("reason") or ""
    _update(ctx, job, {"withdrawn": {**_stamp(ctx), "reason": ctx.transition.name,
                                     "note": reason}}, status="cancelled")
    equipment.back_from_repair(ctx, job, reason)


_EFFECTS: dict[str, Callable[[TransitionContext, VendorEngagement], None]] = {
    n.VENDOR_ARRIVED: _arrived,
    n.ORDER_PARTS: _order_parts,
    n.PARTS_ARRIVED: _parts_arrived,
    n.VENDOR_REPAIRED: _repaired,
    n.VERIFY_FIXED: _verified,
    n.VERIFY_FAILED: _not_fixed,
    n.RECORD_EXCEPTION: _exception,
    n.BACK_TO_VENDOR: _back_to_vendor,
    "cancel": _request_ended,
    "force_close": _request_ended,
}


def track(ctx: TransitionContext) -> None:
    """Record on the vendor's job what the step ``ctx.transition`` says happened."""
    job = open_job(ctx.session, ctx.request)
    if ctx.transition.name == n.DISPATCH:
        _dispatch(ctx, job)
    elif job is not None and ctx.transition.name in _EFFECTS:
        _EFFECTS[ctx.transition.name](ctx, job)
