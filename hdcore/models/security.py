"""Failed sign-ins counted per account name and per address, and the lockouts they cause."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hdcore.models.base import Base


class ThrottleKind(enum.StrEnum):
    """What a throttle row counts failures of."""

    #: A user name as typed (lower case), whether or not such an account exists, so a lockout
    #: tells nothing about which names are real.
    ACCOUNT = "account"
    #: The network address the attempts come from.
    ADDRESS = "address"


class LoginThrottle(Base):
    """Recent failed sign-ins of one user name or one address, and until when it is locked."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(255))
    #: Failures since ``window_start`` (older ones are forgotten).
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime]
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
