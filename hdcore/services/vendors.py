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
from hdcore.models import ServiceRequest, User, Vendor, VendorEngagement, utcnow
from hdcore.services.access import require_staff, require_view
from hdcore.services.base import get_request, host_of, record, service


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


@service
def engage_vendor(
    session: Session,
    actor: User,
    request_id: int | str | ServiceRequest,
    *,
    vendor: int | str | Vendor,
    kind: str,
    reference: str | None = None,
    promised_response_at: datetime | None = None,
    promised_completion_at: datetime | None = None,
    engaged_at: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> VendorEngagement:
    """Hand (part of) a request to a vendor, recording their reference and promised times.

    ``engaged_at`` is when the vendor was contacted, if earlier than now (logged afterwards).
    """
    req = request_id if isinstance(request_id, ServiceRequest) else get_request(session, request_id)
    require_view(actor, req)
    require_staff(actor)
    v = find_vendor(session, vendor)
    if kind not in {k.name for k in host_of(session).vendor_kinds()}:
        raise ValidationFailed({"kind": [str(_("Unknown vendor kind."))]})
    eng = VendorEngagement(
        request=req, vendor=v, kind=kind, reference=reference or None,
        engaged_at=engaged_at or utcnow(),
        promised_response_at=promised_response_at,
        promised_completion_at=promised_completion_at, details=dict(details or {}),
    )
    session.add(eng)
    session.flush()
    record(session, req, actor, "vendor_engaged", data={
        "engagement_id": eng.id, "vendor": v.name, "kind": kind, "reference": reference,
        "promised_response_at": _iso(promised_response_at),
        "promised_completion_at": _iso(promised_completion_at),
    }, public=False)
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
              "completed_at", "status")


@service
def update_engagement(session: Session, actor: User | None, engagement_id: int,
                      details: dict[str, Any] | None = None, **changes: Any) -> VendorEngagement:
    """Record the vendor's progress: their reference, when they responded and finished.

    ``actor`` None is the system, for plugins that close an engagement as a consequence of a
    step someone else took (a requester cancelling, say) inside that step's transaction.
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
    diff: dict[str, list[Any]] = {}
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
