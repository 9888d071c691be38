"""The forum: threads on boards (one per service category, plus General) and their posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdcore.models.base import Base, utcnow
from hdcore.models.org import User

#: The board every desk has, whatever categories are installed.
GENERAL_BOARD = "general"


class ForumThread(Base):
    """A question or a discussion on a board; the lead may hide, lock or move it."""

    __tablename__ = "forum_thread"
    __table_args__ = (Index("ix_forum_thread_board_last_post_at", "board", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A service category's name, or ``general``.
    board: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    reply_count: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    #: Whether one of its replies is marked as the accepted answer.
    answered: Mapped[bool] = mapped_column(default=False)
    #: The request the thread was turned into, and the article its answer became.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("kb_article.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship()
    posts: Mapped[list[ForumPost]] = relationship(
        back_populates="thread", order_by="ForumPost.id", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<ForumThread {self.id} {self.board}>"


class ForumPost(Base):
    """A message in a thread (the first one is the question); plain text, escaped when shown."""

    __tablename__ = "forum_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"),
                                           index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden: Mapped[bool] = mapped_column(default=False)
    #: The accepted answer of its thread (at most one per thread).
    accepted: Mapped[bool] = mapped_column(default=False)

    thread: Mapped[ForumThread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship()
