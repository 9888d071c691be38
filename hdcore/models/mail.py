"""Mail that came in: every message as it arrived (the raw bytes first), and what became of it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.i18n import _
from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.org import User
from hdcore.models.request import ServiceRequest


class MailStatus(enum.StrEnum):
    """Where an incoming message stands."""

    NEW = "new"
    PROCESSED = "processed"
    HELD = "held"
    REJECTED = "rejected"
    IGNORED = "ignored"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(MAIL_STATUS_LABELS[self])


MAIL_STATUS_LABELS = {
    MailStatus.NEW: _("Not processed yet"),
    MailStatus.PROCESSED: _("Processed"),
    MailStatus.HELD: _("Held"),
    MailStatus.REJECTED: _("Rejected"),
    MailStatus.IGNORED: _("Ignored"),
}


class InboundMessage(Base):
    """One message received by e-mail (MTA pipe or IMAP), stored before it is even parsed.

    ``raw`` is the message exactly as delivered, so nothing is lost if processing fails and
    the administrator can always look at (or download) what arrived. ``sender`` and
    ``message_id`` are read from the headers when it is stored: the same message delivered
    twice is one row (``times_received`` counts the deliveries). ``reason`` is a code
    (``unknown_sender``, ``auto_reply``, ...) and ``reason_detail`` its particulars; the
    interfaces turn them into a sentence in the reader's language.
    """

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("sender", "message_id"),
        Index("ix_inbound_message_status_received", "status", "received_at"),
        Index("ix_inbound_message_sender_received", "sender", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: How it reached us: ``pipe`` (``helpdesk mail ingest``) or ``imap``.
    source: Mapped[str] = mapped_column(String(16))
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
    #: The Message-ID header (or ``sha256:<digest>`` of the message when it has none).
    message_id: Mapped[str] = mapped_column(String(500))
    #: The From address, lower-cased ("" when there is none).
    sender: Mapped[str] = mapped_column(String(254))
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    #: The SMTP envelope sender when the MTA passed it ("" is the null sender of bounces).
    envelope_sender: Mapped[str | None] = mapped_column(String(254))
    #: The envelope recipients the MTA passed, if any (they decide the category first).
    envelope_recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default=MailStatus.NEW.value)
    reason: Mapped[str | None] = mapped_column(String(40))
    reason_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: What processing did: ``opened`` a request or ``replied`` on one.
    action: Mapped[str | None] = mapped_column(String(16))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), index=True)
    times_received: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)
    processed_at: Mapped[datetime | None]
    #: Who filed or discarded it by hand (the lead or an administrator), if anyone.
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    request: Mapped[ServiceRequest | None] = relationship()
    handled_by: Mapped[User | None] = relationship()

    @property
    def status_enum(self) -> MailStatus:
        """The status as the enum."""
        return MailStatus(self.status)

    def __repr__(self) -> str:
        return f"<InboundMessage {self.id} {self.status} from {self.sender}>"
