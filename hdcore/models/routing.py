"""Automatic assignment's tables: routing rules per category, the switch, round-robin pointers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.org import Group, User
from hdcore.models.resources import Skill


class RoutingRule(Base):
    """If a new request of ``category`` meets every condition, it goes to ``group``.

    ``conditions`` is a list of ``{"field": "details.module", "op": "in", "value": [...]}``
    (see :mod:`hdcore.routing.conditions`); an empty list matches every request. Rules are
    tried by ``position``; the first that matches wins. ``skill`` is what the by-skill policy
    looks for among the group's members.
    """

    __tablename__ = "routing_rule"
    __table_args__ = (Index("ix_routing_rule_category_position", "category", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # No cascade: a group or skill that rules send work to is not deleted from under them.
    group_id: Mapped[int] = mapped_column(ForeignKey("it_group.id"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id"), index=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship()
    skill: Mapped[Skill | None] = relationship()

    def __repr__(self) -> str:
        return f"<RoutingRule {self.category} #{self.position} {self.name}>"


class RoutingSetting(Base):
    """Whether new requests of a category are assigned automatically (no row: they are not).

    ``use_suggestion``: when no rule matches, follow the category plugin's suggestion.
    """

    __tablename__ = "routing_setting"

    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    use_suggestion: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(64))


class RoutingPointer(Base):
    """Per IT group: who was picked last (round robin goes on from them).

    The row is also the lock that serialises automatic assignments into one group: it is read
    ``FOR UPDATE`` in the submitting transaction, so two submissions at once take turns.
    """

    __tablename__ = "routing_pointer"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("it_group.id", ondelete="CASCADE"), primary_key=True
    )
    last_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    turns: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    last_user: Mapped[User | None] = relationship()
