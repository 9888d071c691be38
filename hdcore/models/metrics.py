"""Per-request figures kept for reporting: business-time durations, SLA outcome, reopens, rating."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hdcore.models.base import Base, utcnow

#: The columns reports break figures down by, in every covering index.
_DIMENSIONS = ("group_id", "assignee_id", "category", "department_id", "priority")


class RequestMetrics(Base):
    """One row per request, recomputed from its history in the transaction of every change.

    Durations are business seconds on the request's SLA calendar, counting only the time the
    SLA clock ran (waiting for the requester or a pausing vendor does not count; the time a
    resolution stood before a reopen does not count either). ``*_on_time`` is None when no
    SLA policy applied or the target is not reached yet.
    """

    __tablename__ = "request_metrics"
    __table_args__ = (
        Index("ix_request_metrics_assignee_created", "assignee_id", "created_at"),
        Index("ix_request_metrics_group_created", "group_id", "created_at"),
        Index("ix_request_metrics_category_created", "category", "created_at"),
        Index("ix_request_metrics_department_created", "department_id", "created_at"),
        Index("ix_request_metrics_assignee_resolved", "assignee_id", "resolved_at"),
        # Covering indexes: each family of report figures (opened, resolved, closed in a
        # period) reads one index range holding every column it uses, without visiting the
        # table row by row (which made a year's report read 100 000 rows at random).
        Index("ix_request_metrics_created_cover", "created_at", "state", *_DIMENSIONS,
              "escalation_count", "response_on_time", "response_seconds"),
        Index("ix_request_metrics_resolved_cover", "resolved_at", "state", *_DIMENSIONS,
              "reopen_count", "rating", "resolution_on_time", "resolution_seconds",
              "created_at"),
        Index("ix_request_metrics_closed_cover", "closed_at", "state", *_DIMENSIONS),
    )

    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(10))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("it_group.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: The requester's department when the figures were last computed.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"))
    #: ``open`` (new, active or waiting), ``resolved``, ``closed`` or ``cancelled``.
    state: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    #: When the request was last resolved (None while open again after a reopen).
    resolved_at: Mapped[datetime | None]
    #: When it reached a final state (closed or cancelled).
    closed_at: Mapped[datetime | None]
    response_seconds: Mapped[int | None]
    resolution_seconds: Mapped[int | None]
    response_on_time: Mapped[bool | None]
    resolution_on_time: Mapped[bool | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    escalation_count: Mapped[int] = mapped_column(default=0)
    auto_closed: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RequestMetrics {self.request_id} {self.state}>"
