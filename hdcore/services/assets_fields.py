"""Checking an asset's fields: texts, dates, choices, references (departments, people,
vendors), unique tags and serial numbers; and the tags the desk makes up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import clock
from hdcore.errors import ValidationFailed
from hdcore.i18n import _
from hdcore.models import Asset, AssetStatus, AssetType, Department, User, Vendor
from hdcore.services.base import company_timezone, get_user
from hdcore.services.numbering import next_value

TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
#: Prefixes of the tags the desk makes up when none is given (``PRN-000042``).
TAG_PREFIXES = {
    AssetType.PC: "PC", AssetType.LAPTOP: "NB", AssetType.MONITOR: "MON",
    AssetType.PRINTER: "PRN", AssetType.SERVER: "SRV", AssetType.NETWORK: "NET",
    AssetType.UPS: "UPS", AssetType.PHONE: "TEL", AssetType.LICENCE: "LIC",
    AssetType.OTHER: "AST",
}
#: The fields :func:`create_asset` and :func:`update_asset` take, in the order forms show.
FIELDS = ("tag", "type", "model", "serial", "status", "department", "user", "location",
          "purchased_on", "warranty_end", "supplier", "maintainer", "notes")
LIMITS = {"tag": 40, "model": 200, "serial": 120, "location": 200, "notes": 5000}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                      r"(?:[ T]00:00(?::00)?)?$")
#: A value the update leaves as it is (distinct from None, which clears).
KEEP: Any = object()
#: The largest id a database integer column holds: a bigger number names nothing.
MAX_ID = 2**31 - 1


def as_id(value: object) -> int | None:
    """``value`` as a row id when it is one (an int, or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 10:
            return None
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= MAX_ID else None


def add_error(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _text(errors: dict[str, list[str]], name: str, value: Any, *,
          required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            add_error(errors, name, str(_("This field is required.")))
        return None
    if not isinstance(value, str):
        add_error(errors, name, str(_("Not a valid text.")))
        return None
    text = value.strip()
    if len(text) > LIMITS[name]:
        add_error(errors, name, str(_("At most %(n)d characters.")) % {"n": LIMITS[name]})
        return None
    return text


def _date(errors: dict[str, list[str]], name: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        # 2025-06-01, 2025/6/1, 2025.6.1 and 2025年6月1日 as people and Excel write them.
        match = _DATE_RE.match(value.strip())
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
    add_error(errors, name, str(_("Not a valid date (use YYYY-MM-DD).")))
    return None


def choose(errors: dict[str, list[str]], name: str, value: Any,
            enum: type[AssetType] | type[AssetStatus]) -> str | None:
    if isinstance(value, str) and value.strip().lower() in {e.value for e in enum}:
        return value.strip().lower()
    if value is None or value == "":
        add_error(errors, name, str(_("This field is required.")))
    else:
        add_error(errors, name, str(_("Choose one of: %(c)s.")) % {"c": ", ".join(enum)})
    return None


def find_department(session: Session, value: Any, errors: dict[str, list[str]],
                    name: str = "department") -> Department | None:
    """A department by object, id, code or name; an error named ``name`` if unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, Department):
        return value
    found = None
    if isinstance(value, int):
        found = session.get(Department, as_id(value)) if as_id(value) else None
    elif isinstance(value, str):
        text = value.strip()
        found = (session.scalar(select(Department).where(
            func.upper(Department.code) == text.upper()))
            or session.scalar(select(Department).where(Department.name == text)))
        if found is None and as_id(text):
            found = session.get(Department, as_id(text))
    if found is None:
        add_error(errors, name, str(_("Unknown department %(d)s.")) % {"d": value})
    return found


def find_person(session: Session, value: Any, errors: dict[str, list[str]],
                name: str = "user") -> User | None:
    """An active account by object, id, user name or employee number; an error if unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        by_number = session.scalar(select(User).where(User.employee_no == text))
        if by_number is not None and by_number.is_active:
            return by_number
        value = as_id(text) if as_id(text) and not session.scalar(
            select(User.id).where(User.username == text.lower())) else text.lower()
    elif isinstance(value, int) and not as_id(value):
        value = str(value)  # no such id: reported as unknown
    try:
        return get_user(session, value, name)
    except ValidationFailed as exc:
        for key, reasons in exc.errors.items():
            for reason in reasons:
                add_error(errors, key, reason)
        return None


def find_vendor_ref(session: Session, value: Any, errors: dict[str, list[str]],
                    name: str) -> Vendor | None:
    """A vendor by object, id or name (case-blind); an error named ``name`` if unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, Vendor):
        return value
    found = None
    if isinstance(value, int):
        found = session.get(Vendor, as_id(value)) if as_id(value) else None
    elif isinstance(value, str):
        text = value.strip()
        found = session.scalar(select(Vendor).where(func.lower(Vendor.name) == text.lower()))
        if found is None and as_id(text):
            found = session.get(Vendor, as_id(text))
    if found is None:
        add_error(errors, name, str(_("Unknown vendor %(v)s.")) % {"v": value})
    return found


def _check_tag(session: Session, tag: str | None, errors: dict[str, list[str]],
               asset: Asset | None) -> None:
    if tag is None:
        return
    if not TAG_RE.match(tag):
        add_error(errors, "tag", str(_("Letters, digits and . _ / - only, starting with a "
                                       "letter or digit.")))
        return
    clash = session.scalar(select(Asset).where(func.upper(Asset.tag) == tag.upper()))
    if clash is not None and clash is not asset:
        add_error(errors, "tag", str(_("Asset tag %(t)s is already used.")) % {"t": clash.tag})


def _check_serial(session: Session, serial: str | None, errors: dict[str, list[str]],
                  asset: Asset | None) -> None:
    if serial is None:
        return
    clash = session.scalar(select(Asset).where(func.upper(Asset.serial) == serial.upper())
                           .limit(1))
    if clash is not None and clash is not asset:
        add_error(errors, "serial", str(_("Serial number %(s)s is already registered as %(t)s."))
             % {"s": serial, "t": clash.tag})


def next_tag(session: Session, asset_type: str) -> str:
    """A new tag for an asset of ``asset_type`` (``PRN-000042``), never used before."""
    prefix = TAG_PREFIXES.get(AssetType(asset_type), "AST")
    while True:
        tag = f"{prefix}-{next_value(session, f'asset-{prefix}'):06d}"
        if session.scalar(select(func.count()).where(func.upper(Asset.tag) == tag)) == 0:
            return tag


def validate_fields(session: Session, values: Mapping[str, Any], asset: Asset | None
              ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check the given fields; the cleaned values (objects for references) and the errors."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    unknown = sorted(set(values) - set(FIELDS))
    for name in unknown:
        add_error(errors, name, str(_("Unknown field.")))
    for name, value in values.items():
        if name in ("tag", "model", "serial", "location", "notes"):
            out[name] = _text(errors, name, value, required=name in ("tag", "model"))
        elif name == "type":
            out[name] = choose(errors, name, value, AssetType)
        elif name == "status":
            out[name] = choose(errors, name, value, AssetStatus)
        elif name in ("purchased_on", "warranty_end"):
            out[name] = _date(errors, name, value)
        elif name == "department":
            out[name] = find_department(session, value, errors)
        elif name == "user":
            out[name] = find_person(session, value, errors)
        elif name in ("supplier", "maintainer"):
            out[name] = find_vendor_ref(session, value, errors, name)
    _check_tag(session, out.get("tag"), errors, asset)
    _check_serial(session, out.get("serial"), errors, asset)
    today = clock.now().astimezone(company_timezone(session)).date()
    bought = out.get("purchased_on", asset.purchased_on if asset else None)
    warranty = out.get("warranty_end", asset.warranty_end if asset else None)
    if "purchased_on" in out and bought is not None and bought > today:
        add_error(errors, "purchased_on", str(_("The purchase date cannot be in the future.")))
    if bought is not None and warranty is not None and warranty < bought and (
            "warranty_end" in out or "purchased_on" in out):
        key = "warranty_end" if "warranty_end" in out else "purchased_on"
        add_error(errors, key, str(_("The warranty cannot end before the purchase date.")))
    return out, errors


def apply_fields(asset: Asset, clean: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the cleaned values; the changes as ``field -> [old, new]``."""
    changes: dict[str, list[Any]] = {}
    for name, value in clean.items():
        old = getattr(asset, name)
        if old is value or old == value:
            continue
        changes[name] = [old, value]
        setattr(asset, name, value)
    return changes
