"""API access tokens: only a hash of each secret is kept, with a short prefix to recognise it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, utcnow
from hdcore.models.org import User


class ApiToken(Base):
    """A bearer token for the REST API, issued to one user until it expires or is revoked.

    The secret itself is shown once, when issued; ``token_hash`` is its SHA-256 (hex) and
    ``prefix`` its first characters, so people can tell their tokens apart in a list.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_valid_at(self, moment: datetime) -> bool:
        """Whether the token may be used at ``moment`` (not revoked, not expired)."""
        return self.revoked_at is None and moment < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
