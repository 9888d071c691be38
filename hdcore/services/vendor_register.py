"""The vendor register: editing vendors, their contacts and their contracts with service terms.

Only the help desk lead, a manager or an administrator keeps the register. Every bad field is
named; a contract's terms are checked together (an end before the start, a repair time shorter
than the response time, a calendar or category that does not exist).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import SlaCalendar, User, Vendor, VendorContact, VendorContract
from hdcore.services.base import host_of, service

COVERAGES = ("warranty", "maintenance", "support", "supply")
PRICE_BASES = ("per_job", "per_month", "per_year", "fixed")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REQUIRED = _("This field is required.")


def can_keep_vendors(actor: User) -> bool:
    """Whether ``actor`` keeps the vendor register (lead, manager, administrator)."""
    return actor.is_active and actor.is_supervisor


def require_keeper(actor: User | None) -> None:
    """Only supervisors (lead, manager, administrator) keep the vendor register."""
    if actor is not None and not can_keep_vendors(actor):
        raise PermissionDenied(str(_("Only the help desk lead or a manager can edit vendors.")))


def get_vendor(session: Session, vendor_id: int) -> Vendor:
    """The vendor by id; NotFound otherwise."""
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        raise NotFound(f"no vendor {vendor_id}")
    return vendor


def _text(value: Any, limit: int) -> str | None:
    text = " ".join(str(value or "").split())
    return text[:limit] if text else None


def check_contact_fields(errors: dict[str, list[str]], email: str | None,
                          phone: str | None) -> None:
    """Name a malformed e-mail address or telephone number in ``errors``."""
    if email and not _EMAIL.match(email):
        errors["email"] = [str(_("Enter an e-mail address like name@example.com."))]
    if phone and not re.fullmatch(r"[0-9+()\- ]{5,40}", phone):
        errors["phone"] = [str(_("Enter a telephone number (digits, spaces, + - and brackets)."))]


@service
def update_vendor(session: Session, actor: User | None, vendor_id: int, *, name: str,
                  kinds: list[str], contact_name: str | None = None, phone: str | None = None,
                  email: str | None = None, notes: str | None = None,
                  active: bool = True) -> Vendor:
    """Change a vendor's name, kinds, main contact details, notes, or retire it."""
    require_keeper(actor)
    vendor = get_vendor(session, vendor_id)
    errors: dict[str, list[str]] = {}
    clean = _text(name, 200)
    if not clean:
        errors["name"] = [str(REQUIRED)]
    elif session.scalar(select(Vendor.id).where(Vendor.name == clean, Vendor.id != vendor.id)):
        errors["name"] = [str(_("This name is taken."))]
    known = {k.name for k in host_of(session).vendor_kinds()}
    if not kinds or any(k not in known for k in kinds):
        errors["kinds"] = [str(_("Choose from: %(c)s.")) % {"c": ", ".join(sorted(known))}]
    email, phone = _text(email, 254), _text(phone, 40)
    check_contact_fields(errors, email, phone)
    if errors:
        raise ValidationFailed(errors)
    vendor.name, vendor.kinds = clean or vendor.name, list(dict.fromkeys(kinds))
    vendor.contact_name, vendor.phone, vendor.email = _text(contact_name, 120), phone, email
    vendor.notes, vendor.active = (notes or "").strip() or None, bool(active)
    session.flush()
    return vendor


@service
def save_contact(session: Session, actor: User | None, vendor_id: int, *,
                 contact_id: int | None = None, name: str, role: str | None = None,
                 phone: str | None = None, email: str | None = None, is_primary: bool = False,
                 notes: str | None = None) -> VendorContact:
    """Add a contact to a vendor, or change one (``contact_id``); one primary per vendor."""
    require_keeper(actor)
    vendor = get_vendor(session, vendor_id)
    contact = None if contact_id is None else session.get(VendorContact, contact_id)
    if contact_id is not None and (contact is None or contact.vendor_id != vendor.id):
        raise NotFound(f"no contact {contact_id} of vendor {vendor_id}")
    errors: dict[str, list[str]] = {}
    clean = _text(name, 120)
    if not clean:
        errors["name"] = [str(REQUIRED)]
    email, phone = _text(email, 254), _text(phone, 40)
    check_contact_fields(errors, email, phone)
    if not phone and not email:
        errors.setdefault("phone", []).append(str(_("Give a telephone number or an e-mail.")))
    if errors:
        raise ValidationFailed(errors)
    with session.no_autoflush:  # the row is complete before anything is written
        if contact is None:
            contact = VendorContact(vendor=vendor)
            session.add(contact)
        contact.name, contact.role = clean or "", _text(role, 120)
        contact.phone, contact.email = phone, email
        contact.notes = (notes or "").strip() or None
        contact.is_primary = bool(is_primary)
        if contact.is_primary:
            for other in vendor.contacts:
                if other is not contact:
                    other.is_primary = False
    session.add(contact)
    session.flush()
    return contact


@service
def delete_contact(session: Session, actor: User | None, contact_id: int) -> None:
    """Remove a contact from the register."""
    require_keeper(actor)
    contact = session.get(VendorContact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    contact.vendor.contacts.remove(contact)  # delete-orphan: the loaded list stays right
    session.flush()


def _minutes(hours: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if hours in (None, ""):
        return None
    try:
        value = float(str(hours).replace(",", "."))
    except ValueError:
        errors[field] = [str(_("Enter a number of business hours, like 4 or 0.5."))]
        return None
    if not 0 < value <= 24 * 365:
        errors[field] = [str(_("Enter a number of business hours greater than zero."))]
        return None
    return round(value * 60)


def parse_money(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    """Yuan as typed (``1200``, ``1,200.50``, ``¥800``) in fen; an error named ``field``."""
    if value in (None, ""):
        return None
    text = str(value).replace(",", "").replace("¥", "").replace("￥", "").strip()
    if not re.fullmatch(r"\d{1,10}(\.\d{1,2})?", text):
        errors[field] = [str(_("Enter an amount in yuan, like 1200 or 1200.50."))]
        return None
    whole, _dot, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _date(value: Any, field: str, errors: dict[str, list[str]], required: bool) -> date | None:
    if isinstance(value, date):
        return value
    if value in (None, ""):
        if required:
            errors[field] = [str(REQUIRED)]
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = [str(_("Enter a date like 2026-12-31."))]
        return None


@service
def save_contract(session: Session, actor: User | None, vendor_id: int, *,
                  contract_id: int | None = None, number: str, title: str = "",
                  coverage: str = "maintenance", response_hours: Any = None,
                  repair_hours: Any = None, calendar_id: int | str | None = None,
                  price: Any = None, price_basis: str = "per_job",
                  asset_types: list[str] | None = None, categories: list[str] | None = None,
                  starts_on: Any = None, ends_on: Any = None, notes: str | None = None,
                  active: bool = True) -> VendorContract:
    """Add a contract with its service terms to a vendor, or change one (``contract_id``).

    Times are business hours on ``calendar_id`` (empty: the default calendar); ``price`` is in
    yuan; empty ``asset_types``/``categories`` mean the contract covers all of them.
    """
    require_keeper(actor)
    vendor = get_vendor(session, vendor_id)
    contract = None if contract_id is None else session.get(VendorContract, contract_id)
    if contract_id is not None and (contract is None or contract.vendor_id != vendor.id):
        raise NotFound(f"no contract {contract_id} of vendor {vendor_id}")
    errors: dict[str, list[str]] = {}
    clean = _text(number, 60)
    if not clean:
        errors["number"] = [str(REQUIRED)]
    elif any(c.number == clean and c is not contract for c in vendor.contracts):
        errors["number"] = [str(_("This vendor already has a contract with this number."))]
    if coverage not in COVERAGES:
        errors["coverage"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(COVERAGES)}]
    if price_basis not in PRICE_BASES:
        errors["price_basis"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(PRICE_BASES)}]
    response = _minutes(response_hours, "response_hours", errors)
    repair = _minutes(repair_hours, "repair_hours", errors)
    if response is not None and repair is not None and repair < response:
        errors["repair_hours"] = [str(_("The repair time cannot be shorter than the response "
                                        "time."))]
    calendar = None
    if calendar_id not in (None, ""):
        try:
            calendar = session.get(SlaCalendar, int(calendar_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            calendar = None
        if calendar is None:
            errors["calendar_id"] = [str(_("Choose a business calendar."))]
    cents = parse_money(price, "price", errors)
    start = _date(starts_on, "starts_on", errors, required=True)
    end = _date(ends_on, "ends_on", errors, required=False)
    if start and end and end < start:
        errors["ends_on"] = [str(_("The contract cannot end before it starts."))]
    known = {c.name for c in host_of(session).categories()}
    bad = [c for c in categories or [] if c not in known]
    if bad:
        errors["categories"] = [str(_("Unknown categories: %(c)s.")) % {"c": ", ".join(bad)}]
    types = [t for t in (_text(t, 40) for t in asset_types or []) if t]
    if errors:
        raise ValidationFailed(errors)
    assert start is not None
    with session.no_autoflush:  # the row is complete before anything is written
        if contract is None:
            contract = VendorContract(vendor=vendor)
            session.add(contract)
        contract.number, contract.title = clean or "", _text(title, 200) or ""
        contract.coverage, contract.price_basis = coverage, price_basis
        contract.response_minutes, contract.repair_minutes = response, repair
        contract.calendar = calendar
        contract.price_cents = cents
        contract.asset_types = list(dict.fromkeys(types))
        contract.categories = list(dict.fromkeys(categories or []))
        contract.starts_on, contract.ends_on = start, end
        contract.notes, contract.active = (notes or "").strip() or None, bool(active)
    session.add(contract)
    session.flush()
    return contract
