"""Outside vendors (contacts, contracts with service terms) and their engagements on requests:
reference, promised versus actual times, cost."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.request import ServiceRequest, Task
from hdcore.models.sla import SlaCalendar


class Vendor(Base):
    """A supplier or service provider (ERP vendor, maintenance company, PC supplier, ...)."""

    __tablename__ = "vendor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: The vendor kinds (as declared by plugins, e.g. ``maintenance``) this vendor serves.
    kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    contacts: Mapped[list[VendorContact]] = relationship(
        back_populates="vendor", order_by="VendorContact.id", cascade="all, delete-orphan"
    )
    contracts: Mapped[list[VendorContract]] = relationship(
        back_populates="vendor", order_by="VendorContract.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Vendor {self.name}>"


class VendorContact(Base):
    """A person at a vendor: the account manager, the service hotline, the engineer."""

    __tablename__ = "vendor_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    #: The contact engagements name first (one per vendor, by convention of the services).
    is_primary: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    vendor: Mapped[Vendor] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<VendorContact {self.name}>"


class VendorContract(Base):
    """A vendor's contract and its service terms: promised response and repair times in
    business minutes on a working calendar, the price, and what it covers.

    ``asset_types`` and ``categories`` empty mean every type / every category; ``calendar``
    None means the help desk's default business calendar. Prices are kept in fen (1/100 yuan).
    """

    __tablename__ = "vendor_contract"
    __table_args__ = (UniqueConstraint("vendor_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200), default="")
    #: ``warranty``, ``maintenance``, ``supply`` or ``support``.
    coverage: Mapped[str] = mapped_column(String(20), default="maintenance")
    response_minutes: Mapped[int | None]
    repair_minutes: Mapped[int | None]
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_calendar.id", ondelete="SET NULL"), index=True
    )
    price_cents: Mapped[int | None]
    #: ``per_job``, ``per_month``, ``per_year`` or ``fixed``.
    price_basis: Mapped[str] = mapped_column(String(20), default="per_job")
    asset_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    vendor: Mapped[Vendor] = relationship(back_populates="contracts")
    calendar: Mapped[SlaCalendar | None] = relationship()

    def valid_on(self, day: date) -> bool:
        """Whether the contract is in force on ``day``."""
        return (self.active and self.starts_on <= day
                and (self.ends_on is None or day <= self.ends_on))

    def serves(self, category: str | None = None, asset_type: str | None = None) -> bool:
        """Whether the contract covers the category and the asset type (when given)."""
        if category and self.categories and category not in self.categories:
            return False
        return not (asset_type and self.asset_types and asset_type not in self.asset_types)

    def __repr__(self) -> str:
        return f"<VendorContract {self.number}>"


class VendorEngagement(Base):
    """A vendor's piece of work on one request, with both sides of the clock.

    ``promised_*`` are what the vendor committed to; ``responded_at``/``completed_at`` what
    happened. ``details`` holds the category's own facts (quote amount, PO number, ...).
    """

    __tablename__ = "vendor_engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="open")
    engaged_at: Mapped[datetime] = mapped_column(default=utcnow)
    promised_response_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    promised_completion_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The contract whose terms set the promised times (None: promised by hand).
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor_contract.id", ondelete="SET NULL"), index=True
    )
    #: The task handed to the vendor, when only part of the request was.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    #: What the job cost, in fen (1/100 yuan).
    cost_cents: Mapped[int | None]
    #: How often the vendor's work was found not done after they said it was.
    reopen_count: Mapped[int] = mapped_column(default=0)
    #: When the overdue response / completion was escalated (each once).
    response_overdue_at: Mapped[datetime | None]
    completion_overdue_at: Mapped[datetime | None]

    request: Mapped[ServiceRequest] = relationship()
    vendor: Mapped[Vendor] = relationship()
    contract: Mapped[VendorContract | None] = relationship()
    task: Mapped[Task | None] = relationship()

    @property
    def response_late(self) -> bool | None:
        """Whether the vendor answered after the promised time (None while unknown)."""
        if self.promised_response_at is None or self.responded_at is None:
            return None
        return self.responded_at > self.promised_response_at

    @property
    def completion_late(self) -> bool | None:
        """Whether the vendor finished after the promised time (None while unknown)."""
        if self.promised_completion_at is None or self.completed_at is None:
            return None
        return self.completed_at > self.promised_completion_at
