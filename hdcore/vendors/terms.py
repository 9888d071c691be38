"""Which contract covers a job, and the working calendar its terms are counted on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.models import SlaCalendar, Vendor, VendorContract
from hdcore.sla.calendar import WorkCalendar
from hdcore.sla.policy import default_calendar, work_calendar

#: The order in which coverages are preferred when several contracts fit a job.
COVERAGE_ORDER = ("warranty", "maintenance", "support", "supply")


def contract_for(session: Session, vendor: Vendor, day: date, *, category: str | None = None,
                 asset_type: str | None = None) -> VendorContract | None:
    """The vendor's contract in force on ``day`` that covers the category and asset type:
    a warranty before a maintenance contract, the most specific one, the newest."""
    rows = session.scalars(select(VendorContract).where(VendorContract.vendor_id == vendor.id)
                           .order_by(VendorContract.starts_on.desc(), VendorContract.id.desc()))
    fitting = [c for c in rows if c.valid_on(day) and c.serves(category, asset_type)]

    def rank(c: VendorContract) -> tuple[int, int]:
        order = COVERAGE_ORDER.index(c.coverage) if c.coverage in COVERAGE_ORDER else 9
        return order, -(bool(c.asset_types) + bool(c.categories))

    return min(fitting, key=rank) if fitting else None


def calendar_of(session: Session, contract: VendorContract | None) -> WorkCalendar:
    """The contract's working calendar, else the help desk's default one."""
    if contract is not None and contract.calendar_id is not None:
        return work_calendar(session, contract.calendar_id)
    row: SlaCalendar | None = default_calendar(session)
    if row is None:
        raise LookupError("no business calendar is defined")
    return work_calendar(session, row.id)
