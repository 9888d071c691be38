"""The append-only history of every request: who changed what, when, from which value to which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from hdcore.models.base import Base, utcnow
from hdcore.models.org import User


class Event(Base):
    """One change to a request (or one of its tasks). Rows are never updated or deleted.

    ``changes`` maps each changed field to ``[old, new]``; ``data`` holds what else the step
    carried (the transition's fields, a reason, the comment id).
    """

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_request_at", "request_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"))
    # indexed: removing a task must not scan the whole history
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"),
                                                index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Whether the requester may see it (internal notes and their events are hidden).
    public: Mapped[bool] = mapped_column(default=True)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Event {self.kind} on {self.request_id}>"


class AppendOnlyError(RuntimeError):
    """Raised on an attempt to change or delete history."""


@event.listens_for(Event, "before_update")
def _refuse_update(mapper: Mapper[Event], connection: object, target: Event) -> None:
    raise AppendOnlyError("the event log is append-only")


@event.listens_for(Event, "before_delete")
def _refuse_delete(mapper: Mapper[Event], connection: object, target: Event) -> None:
    raise AppendOnlyError("the event log is append-only")
