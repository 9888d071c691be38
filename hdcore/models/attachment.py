"""Files attached to requests, stored under generated names; the original name kept here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, utcnow
from hdcore.models.org import User


class Attachment(Base):
    """A file on a request (optionally with the comment it came with)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The name the file had on the uploader's machine (shown and used for downloads).
    filename: Mapped[str] = mapped_column(String(255))
    #: The generated name under the storage folder (never derived from user input).
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    #: Internal attachments are for IT staff only, like internal notes.
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[User] = relationship()
