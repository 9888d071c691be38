"""Outside vendors and their engagements on requests: reference, promised vs actual times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.request import ServiceRequest


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

    def __repr__(self) -> str:
        return f"<Vendor {self.name}>"


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

    request: Mapped[ServiceRequest] = relationship()
    vendor: Mapped[Vendor] = relationship()

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
