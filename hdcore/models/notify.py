"""Notifications: what each person is told in the application, their e-mail wishes, the outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, utcnow
from hdcore.models.org import User
from hdcore.models.request import ServiceRequest


class Notification(Base):
    """Something a person is told about a request (shown under the bell until read).

    ``params`` holds the short texts the message is built from (number, title, who, an
    excerpt), so the list is rendered in the reader's language when it is read.
    """

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    request: Mapped[ServiceRequest] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.kind} for {self.user_id}>"


class NotificationPreference(Base):
    """Whether a person wants e-mail for one kind of notification (no row: yes)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)


class OutboxStatus(enum.StrEnum):
    """Where an outgoing message stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class OutboxMessage(Base):
    """An e-mail written in the same transaction as the change it tells of, sent by the worker.

    Subject and bodies are rendered when the row is written, in the recipient's language; the
    Message-ID is fixed then too, so a message sent again after a crash is the same message.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="SET NULL"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(400))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(250))
    #: The ``References`` header: the thread's Message-IDs, oldest first.
    refs: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: While ``sending``: until when the worker that claimed it may take; after that it is due
    #: again (the worker died).
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.recipient} {self.status}>"
