"""Service levels: business calendars with their dated exceptions, SLA and reminder policies,
and the automatic actions already taken on each request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, JSONType, utcnow

#: The ``category`` of the policies that apply to every category without its own.
ANY_CATEGORY = "*"


class SlaCalendar(Base):
    """Working hours per weekday in a time zone; holidays and make-up days are its ``days``.

    ``week`` holds seven lists (Monday first) of ``["HH:MM", "HH:MM"]`` periods;
    ``workday_hours`` are the periods of a make-up working day that gives none of its own.
    """

    __tablename__ = "sla_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    week: Mapped[list[list[list[str]]]] = mapped_column(JSONType, default=list)
    workday_hours: Mapped[list[list[str]]] = mapped_column(JSONType, default=list)
    is_default: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    days: Mapped[list[SlaCalendarDay]] = relationship(
        back_populates="calendar", order_by="SlaCalendarDay.day", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<SlaCalendar {self.name}>"


class SlaCalendarDay(Base):
    """One dated exception: a holiday (no work) or a make-up working day (work on a weekend)."""

    __tablename__ = "sla_calendar_day"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("sla_calendar.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    #: ``holiday`` or ``workday``.
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120), default="")
    #: A make-up day's own periods (``[["HH:MM", "HH:MM"], ...]``); None: the calendar's.
    hours: Mapped[list[list[str]] | None] = mapped_column(JSONType)
    #: Where it came from: ``official`` (the arrangement the State Council publishes),
    #: ``statutory`` (the statutory holidays only) or ``admin``.
    source: Mapped[str] = mapped_column(String(20), default="admin")

    calendar: Mapped[SlaCalendar] = relationship(back_populates="days")

    def __repr__(self) -> str:
        return f"<SlaCalendarDay {self.day} {self.kind}>"


class SlaPolicy(Base):
    """Time targets of one category and priority (``category`` ``*``: the default), in business
    minutes on a calendar, and the escalation ladder as data.

    ``escalation`` is a list of levels ``{"target": "response"|"resolution", "percent": 75,
    "after_minutes": 0, "action": "warn_assignee"|"notify_lead"|"notify_manager"}``.
    """

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("category", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(64), default=ANY_CATEGORY)
    priority: Mapped[str] = mapped_column(String(10))
    response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    calendar_id: Mapped[int] = mapped_column(ForeignKey("sla_calendar.id"), index=True)
    #: Whether the clock stops while a vendor of a pausing kind has the work.
    vendor_pauses: Mapped[bool] = mapped_column(default=True)
    escalation: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    calendar: Mapped[SlaCalendar] = relationship()

    def __repr__(self) -> str:
        return f"<SlaPolicy {self.category}/{self.priority}>"


class SlaReminderPolicy(Base):
    """The reminder ladder of one category (``*``: the default) for resolved requests.

    Reminders go out ``reminder_days`` business days after the resolution; after
    ``close_after_days`` (None: never) the request closes itself; the requester may reopen
    an automatically closed request for ``reopen_days`` calendar days.
    """

    __tablename__ = "sla_reminder_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(64), unique=True, default=ANY_CATEGORY)
    reminder_days: Mapped[list[int]] = mapped_column(JSONType, default=list)
    close_after_days: Mapped[int | None]
    reopen_days: Mapped[int] = mapped_column(default=7)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SlaReminderPolicy {self.category}>"


class SlaFiredAction(Base):
    """An automatic action taken on a request (an escalation level, a reminder, the auto-close).

    The unique key makes each action happen once, whichever worker gets there first.
    """

    __tablename__ = "sla_fired_action"
    __table_args__ = (UniqueConstraint("request_id", "action_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE")
    )
    action_key: Mapped[str] = mapped_column(String(80))
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: ``done``, ``skipped`` (overtaken by a later step of the ladder) or ``refused``.
    outcome: Mapped[str] = mapped_column(String(20), default="done")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"<SlaFiredAction {self.request_id} {self.action_key}>"
