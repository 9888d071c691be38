"""Surveys: questions (per category, or of a periodic survey), periodic surveys, responses."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.i18n import _
from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.org import Department, User


class QuestionKind(enum.StrEnum):
    """How a question is answered."""

    RATING = "rating"  # 1 to 5
    YESNO = "yesno"  # 1 yes, 0 no
    CHOICE = "choice"  # one of ``choices`` (stored as its index)
    TEXT = "text"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(QUESTION_KIND_LABELS[self])


QUESTION_KIND_LABELS = {
    QuestionKind.RATING: _("Rating from 1 to 5"),
    QuestionKind.YESNO: _("Yes or no"),
    QuestionKind.CHOICE: _("One choice of a list"),
    QuestionKind.TEXT: _("Free text"),
}


class Survey(Base):
    """A periodic survey of IT's service, sent to every employee or to one department."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: ``all`` or ``department``.
    audience: Mapped[str] = mapped_column(String(12), default="all")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"))
    #: ``draft`` (being built), ``open`` (sent, answerable) or ``closed``.
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship()
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.position, SurveyQuestion.id",
        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.status}>"


class SurveyQuestion(Base):
    """A question of a periodic survey (``survey_id``) or of a category's closing survey
    (``category``; ``*`` for every category)."""

    __tablename__ = "survey_question"
    __table_args__ = (Index("ix_survey_question_category", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10), default=QuestionKind.RATING.value)
    text: Mapped[str] = mapped_column(String(500))
    choices: Mapped[list[str]] = mapped_column(JSONType, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey | None] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<SurveyQuestion {self.id} {self.kind}>"


class SurveyResponse(Base):
    """One person's answer to a periodic survey, or a requester's survey of a closed request.

    A request's survey row exists from the closing (``answered_at`` None: not answered yet).
    """

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    #: The overall 1-5 score of a request's survey.
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SurveyAnswer.id")

    def __repr__(self) -> str:
        return f"<SurveyResponse {self.id}>"


class SurveyAnswer(Base):
    """The answer to one question: a number (rating, yes 1 / no 0, choice index) or a text."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()

    def as_value(self) -> Any:
        """The answer as typed (a number or a text)."""
        return self.text if self.number is None else self.number
