"""Demo vendor register: each example vendor's contacts and a contract with service terms
(a warranty or maintenance contract for maintenance vendors, a supply contract for suppliers),
so handing work to them starts their clock against real terms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.clock import now
from hdcore.models import User, Vendor

#: Terms per vendor kind: (coverage, response hours, repair hours, price in yuan, basis,
#: asset types served).
TERMS: dict[str, tuple[str, str, str, str, str, list[str]]] = {
    "maintenance": ("maintenance", "4", "16", "680", "per_job", []),
    "supplier": ("supply", "8", "40", "", "per_job", []),
    "erp_vendor": ("support", "2", "24", "120000", "per_year", []),
}
DEFAULT_TERMS = ("support", "4", "24", "", "per_job", [])


def seed_vendors(session: Session) -> None:
    """Contacts and one contract in force for every vendor of the register."""
    lead = session.scalar(select(User).where(User.role == "lead").order_by(User.id).limit(1))
    year = now().date().year
    for n, vendor in enumerate(session.scalars(select(Vendor).order_by(Vendor.id)).all(), 1):
        if vendor.contact_name and (vendor.phone or vendor.email):
            svc.save_contact(session, lead, vendor.id, name=vendor.contact_name,
                             role="客户经理", phone=vendor.phone, email=vendor.email,
                             is_primary=True)
        svc.save_contact(session, lead, vendor.id, name="服务热线", role="7×24 报修",
                         phone=f"400-820-{1000 + n:04d}")
        kind = (vendor.kinds or [""])[0]
        coverage, response, repair, price, basis, types = TERMS.get(kind, DEFAULT_TERMS)
        svc.save_contract(session, lead, vendor.id, number=f"HT-{year}-{n:03d}",
                          title=f"{vendor.name} {year}年度服务合同", coverage=coverage,
                          response_hours=response, repair_hours=repair, price=price,
                          price_basis=basis, asset_types=types,
                          starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
