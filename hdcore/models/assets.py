"""The installed base: assets, their history and requests, counters, readings, threshold rules."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.i18n import _
from hdcore.models.base import Base, utcnow
from hdcore.models.org import Department, User
from hdcore.models.request import ServiceRequest
from hdcore.models.vendor import Vendor


class AssetType(enum.StrEnum):
    """What kind of equipment (or licence) an asset is."""

    PC = "pc"
    LAPTOP = "laptop"
    MONITOR = "monitor"
    PRINTER = "printer"
    SERVER = "server"
    NETWORK = "network"
    UPS = "ups"
    PHONE = "phone"
    LICENCE = "licence"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(ASSET_TYPE_LABELS[self])


ASSET_TYPE_LABELS = {
    AssetType.PC: _("Desktop PC"),
    AssetType.LAPTOP: _("Laptop"),
    AssetType.MONITOR: _("Monitor"),
    AssetType.PRINTER: _("Printer"),
    AssetType.SERVER: _("Server"),
    AssetType.NETWORK: _("Network device"),
    AssetType.UPS: _("UPS"),
    AssetType.PHONE: _("Phone"),
    AssetType.LICENCE: _("Software licence"),
    AssetType.OTHER: _("Other"),
}


class AssetStatus(enum.StrEnum):
    """Where an asset is in its life."""

    IN_STOCK = "in_stock"
    IN_USE = "in_use"
    UNDER_REPAIR = "under_repair"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(ASSET_STATUS_LABELS[self])


ASSET_STATUS_LABELS = {
    AssetStatus.IN_STOCK: _("In stock"),
    AssetStatus.IN_USE: _("Deployed"),
    AssetStatus.UNDER_REPAIR: _("Under repair"),
    AssetStatus.RETIRED: _("Retired"),
}


class Asset(Base):
    """One piece of equipment or one licence, identified by its tag."""

    __tablename__ = "asset"
    __table_args__ = (
        Index("ix_asset_type_status", "type", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The label stuck on the device (``PC-00123``); unique, compared case-blind.
    tag: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(200), default="")
    serial: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(20), default=AssetStatus.IN_STOCK.value)
    #: The status to go back to when a repair ends (set while ``under_repair``).
    status_before_repair: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[str | None] = mapped_column(String(200))
    purchased_on: Mapped[date | None]
    warranty_end: Mapped[date | None]
    #: Who sold it, and who maintains it (under warranty or a maintenance contract).
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    maintainer_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Optimistic locking, as for requests.
    version: Mapped[int] = mapped_column(default=1)

    department: Mapped[Department | None] = relationship()
    user: Mapped[User | None] = relationship()
    supplier: Mapped[Vendor | None] = relationship(foreign_keys=[supplier_id])
    maintainer: Mapped[Vendor | None] = relationship(foreign_keys=[maintainer_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def type_label(self) -> str:
        """The type's translated name."""
        try:
            return AssetType(self.type).label
        except ValueError:
            return self.type

    @property
    def status_label(self) -> str:
        """The status's translated name."""
        try:
            return AssetStatus(self.status).label
        except ValueError:
            return self.status

    def under_warranty(self, on: date) -> bool:
        """Whether the warranty still runs on ``on``."""
        return self.warranty_end is not None and on <= self.warranty_end

    def __repr__(self) -> str:
        return f"<Asset {self.tag} {self.type} {self.status}>"


class RequestAsset(Base):
    """A request names an asset it concerns (a fault, a purchase received, a repair)."""

    __tablename__ = "request_asset"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: Why the link exists: ``reported`` (named by a person), ``received`` (a purchase),
    #: ``threshold`` (opened by a counter rule), ``repair`` ...
    role: Mapped[str] = mapped_column(String(20), default="reported")

    request: Mapped[ServiceRequest] = relationship()
    asset: Mapped[Asset] = relationship()


class AssetHistory(Base):
    """One change of an asset: who, when, what (``changes``: field -> [old, new]).

    Append-only, like the request's event log. ``request_id`` names the request that caused
    the change or was linked/unlinked.
    """

    __tablename__ = "asset_history"
    __table_args__ = (Index("ix_asset_history_asset_at", "asset_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[User | None] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()


class CounterKind(enum.StrEnum):
    """How a counter behaves."""

    #: Only grows (pages printed, hours run); going back needs a recorded reset.
    CUMULATIVE = "cumulative"
    #: Any value at any time (seats in use, toner level).
    GAUGE = "gauge"
    #: Whole months since the asset was bought, or since the last reset (a battery replaced);
    #: computed, never entered.
    AGE = "age"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(COUNTER_KIND_LABELS[self])


COUNTER_KIND_LABELS = {
    CounterKind.CUMULATIVE: _("Cumulative (never goes down unless reset)"),
    CounterKind.GAUGE: _("Gauge (any value)"),
    CounterKind.AGE: _("Age in months (computed from the purchase date or the last reset)"),
}


class CounterDefinition(Base):
    """A counter kept for every asset of one type (a printer's page count, ...)."""

    __tablename__ = "asset_counter"
    __table_args__ = (UniqueConstraint("asset_type", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_type: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(16), default=CounterKind.CUMULATIVE.value)
    #: The largest value a reading may have (None: no limit), e.g. a licence's seats.
    max_value: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def kind_label(self) -> str:
        """The kind's translated name."""
        return CounterKind(self.kind).label

    def __repr__(self) -> str:
        return f"<CounterDefinition {self.asset_type}.{self.code}>"


class CounterReading(Base):
    """A value of one counter of one asset at a time.

    ``total`` is the lifetime value of a cumulative counter: it keeps growing across resets
    (a new page counter starts from zero, the printer's pages do not), so rules "every N"
    count on it. A reset reading starts a new run: ``value`` is the counter after the reset.
    """

    __tablename__ = "asset_reading"
    __table_args__ = (
        Index("ix_asset_reading_asset_counter_at", "asset_id", "counter_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"))
    counter_id: Mapped[int] = mapped_column(
        ForeignKey("asset_counter.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    is_reset: Mapped[bool] = mapped_column(default=False)
    read_at: Mapped[datetime]
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: How it arrived: ``web``, ``api``, ``csv`` or ``system``.
    source: Mapped[str] = mapped_column(String(10), default="web")
    note: Mapped[str | None] = mapped_column(String(500))

    counter: Mapped[CounterDefinition] = relationship()
    entered_by: Mapped[User | None] = relationship()


class ThresholdMode(enum.StrEnum):
    """When a rule fires."""

    #: Each time the counter's lifetime total passes another multiple of the amount.
    EVERY = "every"
    #: When the counter rises above the amount (again after it fell back or was reset).
    ABOVE = "above"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(THRESHOLD_MODE_LABELS[self])


THRESHOLD_MODE_LABELS = {
    ThresholdMode.EVERY: _("Every"),
    ThresholdMode.ABOVE: _("Above"),
}


class ThresholdRule(Base):
    """Opens a request by itself when an asset's counter crosses a threshold."""

    __tablename__ = "asset_threshold_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    counter_id: Mapped[int] = mapped_column(
        ForeignKey("asset_counter.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(10), default=ThresholdMode.EVERY.value)
    amount: Mapped[int] = mapped_column(BigInteger)
    #: The request it opens: category, title (``{tag}``, ``{model}``, ``{value}`` filled in),
    #: priority, the category's fields, and on whose name.
    category: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    counter: Mapped[CounterDefinition] = relationship()
    requester: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ThresholdRule {self.name}>"


class ThresholdFiring(Base):
    """A rule fired for an asset: at most once per crossing (``crossing`` says which)."""

    __tablename__ = "asset_threshold_firing"
    __table_args__ = (UniqueConstraint("rule_id", "asset_id", "crossing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("asset_threshold_rule.id", ondelete="CASCADE")
    )
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    #: Which crossing: ``n2`` (the 2nd multiple of an "every" rule), ``r17`` (the run above
    #: the amount that began with reading 17), ``e0:n1`` (an age counter's run since reset 0).
    crossing: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(BigInteger)
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True
    )

    rule: Mapped[ThresholdRule] = relationship()
    asset: Mapped[Asset] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()
