"""Service requests, their tasks (with dependencies) and comments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.i18n import _
from hdcore.models.base import Base, utcnow
from hdcore.models.org import Group, User


class Priority(enum.StrEnum):
    """How urgent a request is."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(PRIORITY_LABELS[self])


PRIORITY_LABELS = {
    Priority.LOW: _("Low"),
    Priority.NORMAL: _("Normal"),
    Priority.HIGH: _("High"),
    Priority.URGENT: _("Urgent"),
}


class Channel(enum.StrEnum):
    """How a request reached the desk."""

    WEB = "web"
    PHONE = "phone"
    EMAIL = "email"
    API = "api"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    Channel.WEB: _("Web portal"),
    Channel.PHONE: _("Phone"),
    Channel.EMAIL: _("E-mail"),
    Channel.API: _("API"),
}


class ServiceRequest(Base):
    """A request an employee makes of IT, in one service category."""

    __tablename__ = "service_request"
    __table_args__ = (
        Index("ix_service_request_status_category", "status", "category"),
        # the queue's indexes; with the category, its counts read the index alone
        Index("ix_service_request_assignee_status_category", "assignee_id", "status",
              "category"),
        Index("ix_service_request_group_status_category", "group_id", "status", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(10), default=Priority.NORMAL.value)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.WEB.value)
    status: Mapped[str] = mapped_column(String(40), default="new")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolution: Mapped[str | None] = mapped_column(Text)

    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("it_group.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    #: When IT must first answer and resolve by (set by the SLA policy; None without one).
    response_due_at: Mapped[datetime | None] = mapped_column(index=True)
    resolve_due_at: Mapped[datetime | None] = mapped_column(index=True)
    #: The earliest moment an automatic SLA action (escalation level, reminder, auto-close)
    #: may fall due; the worker's sweeps scan this index. None: nothing pending.
    sla_next_check_at: Mapped[datetime | None] = mapped_column(index=True)

    escalation_level: Mapped[int] = mapped_column(default=0)
    escalated_at: Mapped[datetime | None]

    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None]

    #: Optimistic locking: every write bumps it; a write based on an older one is refused.
    version: Mapped[int] = mapped_column(default=1)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    group: Mapped[Group | None] = relationship()
    tasks: Mapped[list[Task]] = relationship(
        back_populates="request", order_by="Task.id", cascade="all, delete-orphan"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="request", order_by="Comment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<ServiceRequest {self.number} {self.category} {self.status}>"


task_dependency = Table(
    "task_dependency",
    Base.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_task_dependency_depends_on_id", "depends_on_id"),
)


class TaskStatus(enum.StrEnum):
    """Where a task stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Not finished yet (open or being worked)."""
        return self in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)

    @property
    def label(self) -> str:
        """Translated name."""
        return str(TASK_STATUS_LABELS[self])


TASK_STATUS_LABELS = {
    TaskStatus.OPEN: _("Open"),
    TaskStatus.IN_PROGRESS: _("In progress"),
    TaskStatus.DONE: _("Done"),
    TaskStatus.CANCELLED: _("Cancelled"),
}


class Task(Base):
    """A piece of work under a request, with its own assignee and due time."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_assignee_status", "assignee_id", "status"),
                      Index("ix_task_group_status", "group_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.OPEN.value)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("it_group.id"))
    due_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: Which workflow transition created it (for tasks made from a template), if any.
    template: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)

    request: Mapped[ServiceRequest] = relationship(back_populates="tasks")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    group: Mapped[Group | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    depends_on: Mapped[list[Task]] = relationship(
        secondary=task_dependency,
        primaryjoin=lambda: Task.id == task_dependency.c.task_id,
        secondaryjoin=lambda: Task.id == task_dependency.c.depends_on_id,
        order_by=lambda: Task.id,
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        """Not done and not cancelled."""
        return TaskStatus(self.status).is_open

    @property
    def blocked_by(self) -> list[Task]:
        """The tasks this one depends on that are still open."""
        return [t for t in self.depends_on if t.is_open]

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.status}>"


class Comment(Base):
    """A message on a request: a public reply the requester sees, or an internal note."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
