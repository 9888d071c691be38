"""Reading the forum: its boards, their threads and a thread's posts, as each person may."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound
from hdcore.i18n import _
from hdcore.models import GENERAL_BOARD, SUPERVISORS, ForumPost, ForumThread, User


@dataclass(frozen=True)
class Board:
    """A board: ``general`` or a service category's name, with its label."""

    key: str
    label: str
    threads: int = 0


def is_moderator(actor: User) -> bool:
    """The help desk lead (and the supervisors above) moderate the forum."""
    return actor.is_active and actor.role in SUPERVISORS


def board_keys(session: Session) -> list[str]:
    """The boards open for new threads: General, then every enabled service category."""
    from hdcore.services.base import host_of

    return [GENERAL_BOARD] + [c.name for c in host_of(session).categories(session)]


def board_label(session: Session, key: str) -> str:
    """A board's name for people."""
    from hdcore.services.base import host_of

    if key == GENERAL_BOARD:
        return str(_("General"))
    try:
        return str(host_of(session).category(key).label)
    except NotFound:
        return key


def boards(session: Session, actor: User) -> list[Board]:
    """The boards with how many threads ``actor`` can see on each."""
    q = select(ForumThread.board, func.count()).group_by(ForumThread.board)
    if not is_moderator(actor):
        q = q.where(ForumThread.hidden.is_(False))
    counts = dict(session.execute(q).all())
    return [Board(k, board_label(session, k), counts.get(k, 0)) for k in board_keys(session)]


def threads(session: Session, actor: User, board: str | None = None, *, limit: int = 30,
            offset: int = 0) -> tuple[list[ForumThread], int]:
    """Threads (of a board), the latest activity first, and their count."""
    q = select(ForumThread)
    if board:
        q = q.where(ForumThread.board == board)
    if not is_moderator(actor):
        q = q.where(ForumThread.hidden.is_(False))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.scalars(q.order_by(ForumThread.last_post_at.desc(), ForumThread.id.desc())
                           .limit(limit).offset(offset)).all()
    return list(rows), total


def visible_thread(session: Session, actor: User, thread_id: int | str) -> ForumThread:
    """The thread if ``actor`` may read it (a hidden one: moderators only); NotFound else."""
    try:
        thread = session.get(ForumThread, int(thread_id))
    except (TypeError, ValueError):
        thread = None
    if thread is None or not actor.is_active or (thread.hidden and not is_moderator(actor)):
        raise NotFound(f"no thread {thread_id}")
    return thread


def visible_posts(actor: User, thread: ForumThread) -> list[ForumPost]:
    """The thread's posts ``actor`` may read (hidden ones: moderators only)."""
    return [p for p in thread.posts if not p.hidden or is_moderator(actor)]
