"""Staff evaluation: cycles over a period, and one evaluation per technician in each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.org import User


class EvaluationCycle(Base):
    """An evaluation round over a period (a month, a quarter or any span of days)."""

    __tablename__ = "evaluation_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: ``monthly``, ``quarterly`` or ``custom``.
    kind: Mapped[str] = mapped_column(String(12), default="monthly")
    starts_on: Mapped[date] = mapped_column(Date)
    #: The last day of the period (included).
    ends_on: Mapped[date] = mapped_column(Date)
    #: ``open`` while evaluations are written, ``closed`` when every one is final.
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="Evaluation.id")

    def __repr__(self) -> str:
        return f"<EvaluationCycle {self.name}>"


class Evaluation(Base):
    """One technician's evaluation in a cycle: the manager's score and comments, and the
    figures as they stood when it was closed (so history does not move)."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("cycle_id", "technician_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("evaluation_cycle.id", ondelete="CASCADE"))
    technician_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: 1 (poor) to 5 (excellent); None until the manager gives it.
    score: Mapped[int | None]
    comments: Mapped[str] = mapped_column(Text, default="")
    #: ``draft`` or ``closed``.
    status: Mapped[str] = mapped_column(String(10), default="draft")
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    evaluator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    cycle: Mapped[EvaluationCycle] = relationship(back_populates="evaluations")
    technician: Mapped[User] = relationship(foreign_keys=[technician_id])
    evaluator: Mapped[User | None] = relationship(foreign_keys=[evaluator_id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Evaluation {self.cycle_id}/{self.technician_id}>"
