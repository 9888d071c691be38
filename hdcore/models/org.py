"""People and the organisation: users and roles, departments, IT groups and memberships."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.i18n import _
from hdcore.models.base import Base, utcnow


class Role(enum.StrEnum):
    """What a person does in the help desk; one per account."""

    EMPLOYEE = "employee"
    TECHNICIAN = "technician"
    LEAD = "lead"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name for people, translated."""
        return str(ROLE_LABELS[self])

    @property
    def is_staff(self) -> bool:
        """IT staff: everyone but the employees."""
        return self is not Role.EMPLOYEE


ROLE_LABELS = {
    Role.EMPLOYEE: _("Employee"),
    Role.TECHNICIAN: _("Technician"),
    Role.LEAD: _("Help desk lead"),
    Role.MANAGER: _("IT manager"),
    Role.ADMIN: _("Administrator"),
}

#: The IT staff's roles, as stored. Staff lists ask ``role IN`` these, which the role's index
#: serves (a few dozen accounts), rather than ``role != 'employee'``, which reads every account.
STAFF_ROLES = tuple(r.value for r in Role if r.is_staff)

#: Roles that supervise the desk: they may act on any request.
SUPERVISORS = frozenset({Role.LEAD, Role.MANAGER, Role.ADMIN})


group_membership = Table(
    "group_membership",
    Base.metadata,
    Column("group_id", ForeignKey("it_group.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Department(Base):
    """A business department (Finance, Sales, ...); requesters belong to one."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", use_alter=True, ondelete="SET NULL")
    )
    cost_centre: Mapped[str | None] = mapped_column(String(32))

    head: Mapped[User | None] = relationship(foreign_keys=[head_id], post_update=True)
    members: Mapped[list[User]] = relationship(
        back_populates="department", foreign_keys="User.department_id"
    )

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(Base):
    """An account: an employee, a technician, the lead, a manager or an administrator."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    employee_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    #: indexed: staff lists pick a few dozen IT accounts out of thousands of employees
    role: Mapped[str] = mapped_column(String(16), default=Role.EMPLOYEE.value, index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Part of every signed-in session's identity: raised on sign-out and password changes, so
    #: every session (and "keep me signed in" cookie) issued before stops working.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    department: Mapped[Department | None] = relationship(
        back_populates="members", foreign_keys=[department_id]
    )
    groups: Mapped[list[Group]] = relationship(
        secondary=group_membership, back_populates="members"
    )

    # The identity protocol session libraries expect (Flask-Login's among them), kept here
    # so that every interface can sign this object in without wrapping it.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The identifier stored in a signed-in session: the id and the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def role_enum(self) -> Role:
        """The role as the enum (the column holds its value)."""
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        """Whether this account belongs to IT staff."""
        return Role(self.role).is_staff

    @property
    def is_supervisor(self) -> bool:
        """Lead, manager or administrator: may act on any request."""
        return Role(self.role) in SUPERVISORS

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class Group(Base):
    """An IT group (a team, a skill, a site): requests and tasks can be assigned to it."""

    __tablename__ = "it_group"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    #: What the group stands for in the matrix of groups: ``team``, ``skill`` or ``site``.
    kind: Mapped[str | None] = mapped_column(String(16))
    #: How automatic assignment picks a person in it (see :mod:`hdcore.routing.policies`).
    assignment_policy: Mapped[str] = mapped_column(
        String(16), default="least_loaded", server_default="least_loaded"
    )

    members: Mapped[list[User]] = relationship(
        secondary=group_membership, back_populates="groups"
    )

    def __repr__(self) -> str:
        return f"<Group {self.name}>"
