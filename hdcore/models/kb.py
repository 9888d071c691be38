"""The knowledge base: articles with their versions, votes, and the deflections they achieved."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.i18n import _
from hdcore.models.base import Base, JSONType, utcnow
from hdcore.models.org import User


class ArticleStatus(enum.StrEnum):
    """Where an article is in its life."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(ARTICLE_STATUS_LABELS[self])


ARTICLE_STATUS_LABELS = {
    ArticleStatus.DRAFT: _("Draft"),
    ArticleStatus.REVIEW: _("In review"),
    ArticleStatus.PUBLISHED: _("Published"),
    ArticleStatus.RETIRED: _("Retired"),
}


class Visibility(enum.StrEnum):
    """Who may read an article."""

    EVERYONE = "everyone"
    STAFF = "staff"

    @property
    def label(self) -> str:
        """Translated name."""
        return str(VISIBILITY_LABELS[self])


VISIBILITY_LABELS = {
    Visibility.EVERYONE: _("Everyone"),
    Visibility.STAFF: _("IT staff only"),
}


class KbArticle(Base):
    """A knowledge-base article: a problem's symptom, its cause and the solution."""

    __tablename__ = "kb_article"
    __table_args__ = (Index("ix_kb_article_status_category", "status", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Rich text fields hold sanitised HTML (see :mod:`hdcore.services.kb_text`).
    symptom: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    #: A service category's name, or None for general articles.
    category: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.EVERYONE.value)
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.DRAFT.value)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The request it was written from ("save as article"), if any.
    source_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    views: Mapped[int] = mapped_column(default=0)
    helpful: Mapped[int] = mapped_column(default=0)
    not_helpful: Mapped[int] = mapped_column(default=0)
    #: Optimistic locking: every write bumps it.
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    versions: Mapped[list[KbArticleVersion]] = relationship(
        back_populates="article", order_by="KbArticleVersion.number",
        cascade="all, delete-orphan")
    attachments: Mapped[list[KbAttachment]] = relationship(
        order_by="KbAttachment.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_public(self) -> bool:
        """Employees may read it (published, for everyone)."""
        return (self.status == ArticleStatus.PUBLISHED.value
                and self.visibility == Visibility.EVERYONE.value)

    def __repr__(self) -> str:
        return f"<KbArticle {self.id} {self.status}>"


class KbArticleVersion(Base):
    """A saved state of an article: who saved it, when, and which fields changed."""

    __tablename__ = "kb_article_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    symptom: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    visibility: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The fields this save changed, and a note (e.g. "restored version 2").
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    article: Mapped[KbArticle] = relationship(back_populates="versions")
    author: Mapped[User] = relationship()


class KbAttachment(Base):
    """A file on an article (a screenshot, a script, a form), stored under a generated name."""

    __tablename__ = "kb_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"),
                                            index=True)
    #: The name the file had on the author's machine (shown, and used for downloads).
    filename: Mapped[str] = mapped_column(String(255))
    #: The generated name under the storage folder (never derived from user input).
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbVote(Base):
    """One person's answer to "did this help?" on one article (a second answer replaces it)."""

    __tablename__ = "kb_vote"
    __table_args__ = (UniqueConstraint("article_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbDeflection(Base):
    """A request that was never filed: an article solved it while the person was writing it."""

    __tablename__ = "kb_deflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"),
                                            index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    query: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    article: Mapped[KbArticle] = relationship()
