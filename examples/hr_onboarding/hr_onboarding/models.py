"""The plugin's own table: one set-up record per newcomer (named with the plugin's prefix)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hdcore import Base, now


class OnboardingSetup(Base):
    """A newcomer's IT set-up: who, from when, which task covers which need, when ready."""

    __tablename__ = "hr_onboarding_setup"
    __table_args__ = (Index("ix_hr_onboarding_setup_start_date", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), unique=True)
    employee_name: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    department: Mapped[str] = mapped_column(String(100))
    #: Need (``mailbox``, ``erp_account``, ``pc``, ``hand_over``) -> the id of its task.
    tasks: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ready_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=now)
