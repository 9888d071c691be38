"""The vendor register and vendors' engagements on requests (promised versus actual times).

Category plugins call :func:`engage_vendor` and :func:`update_engagement` from their
``hd_on_transition`` hooks, so the vendor's record is written in the step's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    ServiceRequest,
    Task,
    User,
    Vendor,
    VendorContract,
    VendorEngagement,
    utcnow,
)
from hdcore.services.access import require_staff, require_view
from hdcore.services.base import company_timezone, get_request, host_of, record, service
from hdcore.services.vendor_register import check_contact_fields
from hdcore.vendors.clock import Promise, promise
from hdcore.vendors.terms import calendar_of, contract_for


@service
def create_vendor(session: Session, actor: User | None, *, name: str, kinds: list[str],
                  contact_name: str | None = None, phone: str | None = None,
                  email: str | None = None, notes: str | None = None) -> Vendor:
    """Add a vendor to the register; ``kinds`` are vendor kinds the plugins declare."""
    if actor is not None and not actor.is_supervisor:
        raise PermissionDenied(str(_("Only the help desk lead or a manager can add vendors.")))
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [str(_("This field is required."))]
    elif session.scalar(select(Vendor.id).where(Vendor.name == name.strip())):
        errors["name"] = [str(_("This name is taken."))]
    known = {k.name for k in host_of(session).vendor_kinds()}
    bad = [k for k in kinds if k not in known]
    if bad or not kinds:
        errors["kinds"] = [str(_("Choose from: %(c)s.")) % {"c": ", ".join(sorted(known))}]
    check_contact_fields(errors, email, phone)
    if errors:
        raise ValidationFailed(errors)
    vendor = Vendor(name=name.strip(), kinds=list(kinds), contact_name=contact_name, phone=phone,
                    email=email, notes=notes)
    session.add(vendor)
    session.flush()
    return vendor


def find_vendor(session: Session, vendor: int | str | Vendor, field: str = "vendor") -> Vendor:
    """A vendor by id, name or object; ValidationFailed naming ``field`` if unknown."""
    if isinstance(vendor, Vendor):
        return vendor
    found = (session.get(Vendor, vendor) if isinstance(vendor, int)
             else session.scalar(select(Vendor).where(Vendor.name == vendor)))
    if found is None or not found.active:
        raise ValidationFailed({field: [str(_("Unknown vendor."))]})
    return found


def vendors_of_kind(session: Session, kind: str) -> list[Vendor]:
    """Active vendors serving ``kind``, by name."""
    vendors = session.scalars(select(Vendor).where(Vendor.active.is_(True))
                              .order_by(Vendor.name)).all()
    return [v for v in vendors if kind in (v.kinds or [])]


def contract_terms(session: Session, vendor: int | str | Vendor, *, category: str | None = None,
                   asset_type: str | None = None, at: datetime | None = None
                   ) -> tuple[VendorContract, Promise] | None:
    """The vendor's contract in force at ``at`` (default now) covering the category and asset
    type, with what its terms promise for a job handed over then; None without one."""
    v = find_vendor(session, vendor)
    start = at or utcnow()
    day = start.astimezone(company_timezone(session)).date()
    terms = contract_for(session, v, day, category=category, asset_type=asset_type)
    if terms is None:
        return None
    return terms, promise(calendar_of(session, terms), start, terms.response_minutes,
                          terms.repair_minutes)


def default_kind(session: Session, vendor: Vendor, category: str | None) -> str | None:
    """The vendor kind a hand-over means: one of the category plugin's kinds that the vendor
    serves, else the vendor's first kind."""
    host = host_of(session)
    plugin = None
    if category:
        try:
            plugin = host.category(category).plugin
        except NotFound:
            plugin = None
    served = list(vendor.kinds or [])
    for k in host.vendor_kinds():
        if k.plugin == plugin and k.name in served:
            return k.name
    return served[0] if served else None


def _contract(session: Session, vendor: Vendor, contract: int | VendorContract | None,
              req: ServiceRequest, at: datetime, asset_type: str | None) -> VendorContract | None:
    if contract is None:
        day = at.astimezone(company_timezone(session)).date()
        return contract_for(session, vendor, day, category=req.category, asset_type=asset_type)
    found = contract if isinstance(contract, VendorContract) else session.get(
        VendorContract, contract)
    if found is None or found.vendor_id != vendor.id:
        raise ValidationFailed({"contract": [str(_("This contract is not one of the vendor's."))]})
    return found


@service
def engage_vendor(
    session: Session,
    actor: User,
    request_id: int | str | ServiceRequest,
    *,
    vendor: int | str | Vendor,
    kind: str | None = None,
    reference: str | None = None,
    promised_response_at: datetime | None = None,
    promised_completion_at: datetime | None = None,
    engaged_at: datetime | None = None,
    details: dict[str, Any] | None = None,
    contract: int | VendorContract | None = None,
    task: int | Task | None = None,
    cost_cents: int | None = None,
    asset_type: str | None = None,
) -> VendorEngagement:
    """Hand (part of) a request to a vendor, recording their reference and promised times.

    This starts the vendor's clock: the promised times not given are the terms of ``contract``
    (by default the vendor's contract in force that covers the request's category and
    ``asset_type``) counted in business time on the contract's calendar from ``engaged_at``
    (when the vendor was contacted, if earlier than now). ``task`` hands over one task only.
    """
    req = request_id if isinstance(request_id, ServiceRequest) else get_request(session, request_id)
    require_view(actor, req)
    require_staff(actor)
    v = find_vendor(session, vendor)
    kind = kind or default_kind(session, v, req.category)
    if kind not in {k.name for k in host_of(session).vendor_kinds()}:
        raise ValidationFailed({"kind": [str(_("Unknown vendor kind."))]})
    start = engaged_at or utcnow()
    terms = _contract(session, v, contract, req, start, asset_type)
    the_task = None
    if task is not None:
        the_task = task if isinstance(task, Task) else session.get(Task, task)
        if the_task is None or the_task.request_id != req.id:
            raise ValidationFailed({"task": [str(_("This task is not one of the request's."))]})
    if cost_cents is not None and cost_cents < 0:
        raise ValidationFailed({"cost": [str(_("A cost cannot be negative."))]})
    if terms is not None and (promised_response_at is None or promised_completion_at is None):
        promised = promise(calendar_of(session, terms), start, terms.response_minutes,
                           terms.repair_minutes)
        promised_response_at = promised_response_at or promised.response_at
        promised_completion_at = promised_completion_at or promised.completion_at
    if cost_cents is None and terms is not None and terms.price_basis == "per_job":
        cost_cents = terms.price_cents
    eng = VendorEngagement(
        request=req, vendor=v, kind=kind, reference=reference or None,
        engaged_at=start,
        promised_response_at=promised_response_at,
        promised_completion_at=promised_completion_at, details=dict(details or {}),
        contract=terms, task=the_task, cost_cents=cost_cents, reopen_count=0,
    )
    session.add(eng)
    session.flush()
    record(session, req, actor, "vendor_engaged", data={
        "engagement_id": eng.id, "vendor": v.name, "kind": kind, "reference": reference,
        "contract": terms.number if terms is not None else None,
        "task_id": the_task.id if the_task is not None else None,
        "promised_response_at": _iso(promised_response_at),
        "promised_completion_at": _iso(promised_completion_at),
    }, public=False, task=the_task)
    return eng


def current_engagement(session: Session, request: ServiceRequest,
                       kind: str | None = None) -> VendorEngagement | None:
    """The request's latest open engagement (of ``kind``), if any."""
    q = select(VendorEngagement).where(VendorEngagement.request_id == request.id,
                                       VendorEngagement.status == "open")
    if kind:
        q = q.where(VendorEngagement.kind == kind)
    return session.scalar(q.order_by(VendorEngagement.id.desc()).limit(1))


_UPDATABLE = ("reference", "promised_response_at", "responded_at", "promised_completion_at",
              "completed_at", "status", "cost_cents")


@service
def update_engagement(session: Session, actor: User | None, engagement_id: int,
                      details: dict[str, Any] | None = None, **changes: Any) -> VendorEngagement:
    """Record the vendor's progress: their reference, when they responded and finished.

    ``actor`` None is the system, for plugins that close an engagement as a consequence of a
    step someone else took (a requester cancelling, say) inside that step's transaction.
    Clearing ``completed_at`` once set counts a reopening of the vendor's work.
    """
    eng = session.get(VendorEngagement, engagement_id)
    if eng is None:
        raise NotFound(f"no vendor engagement {engagement_id}")
    if actor is not None:
        require_view(actor, eng.request)
        require_staff(actor)
    bad = set(changes) - set(_UPDATABLE)
    if bad:
        raise ValidationFailed({f: [str(_("This field cannot be changed."))] for f in bad})
    if changes.get("status") not in (None, "open", "done", "cancelled"):
        raise ValidationFailed({"status": [str(_("Choose one of: %(c)s.")) % {
            "c": "open, done, cancelled"}]})
    errors: dict[str, list[str]] = {}
    if (changes.get("cost_cents") or 0) < 0:
        errors["cost"] = [str(_("A cost cannot be negative."))]
    for field in ("responded_at", "completed_at"):
        value = changes.get(field)
        if isinstance(value, datetime) and value < eng.engaged_at:
            errors[field] = [str(_("This cannot be before the vendor was engaged."))]
    if errors:
        raise ValidationFailed(errors)
    diff: dict[str, list[Any]] = {}
    if "completed_at" in changes and changes["completed_at"] is None and eng.completed_at:
        # The vendor said it was done and it was not: their work reopens.
        diff["reopen_count"] = [eng.reopen_count, eng.reopen_count + 1]
        eng.reopen_count += 1
    for field, value in changes.items():
        old = getattr(eng, field)
        if old != value:
            diff[field] = [_iso(old), _iso(value)]
            setattr(eng, field, value)
    if details:
        eng.details = {**eng.details, **details}
        diff["details"] = [None, details]
    if diff:
        record(session, eng.request, actor, "vendor_updated", diff,
               {"engagement_id": eng.id, "vendor": eng.vendor.name}, public=False)
    return eng


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
