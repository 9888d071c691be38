"""The resource manager's tables: skills and who has them, capacity, and leave."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, utcnow
from hdcore.models.org import User

#: Skill levels: 1 knows the basics, 2 works alone, 3 is the expert others ask.
SKILL_LEVELS = (1, 2, 3)


class Skill(Base):
    """Something a member of IT staff can do (an ERP module, firewalls, Exchange, ...)."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))

    holders: Mapped[list[UserSkill]] = relationship(
        back_populates="skill", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Skill {self.name}>"


class UserSkill(Base):
    """A person's skill, with how well they master it (1 to 3)."""

    __tablename__ = "user_skill"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 3", name="level"),
        Index("ix_user_skill_skill_id", "skill_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship()
    skill: Mapped[Skill] = relationship(back_populates="holders")


class StaffCapacity(Base):
    """How many open items (requests and tasks) one person takes; without a row, their
    role's default applies."""

    __tablename__ = "staff_capacity"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int]


class RoleCapacity(Base):
    """The default capacity of everyone in a role (without a row, the built-in default)."""

    __tablename__ = "role_capacity"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity"),)

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    capacity: Mapped[int]


class Leave(Base):
    """A period a person is away (holiday, training, sick leave), first and last day included.

    "On leave now" is derived from these and the clock, in the help desk's time zone.
    """

    __tablename__ = "staff_leave"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        Index("ix_staff_leave_user_id_ends_on", "user_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def covers(self, day: date) -> bool:
        """Whether the person is away on ``day``."""
        return self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"<Leave {self.user_id} {self.starts_on}..{self.ends_on}>"
