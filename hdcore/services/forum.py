"""The forum's use cases: threads and replies, the accepted answer, the lead's moderation, and
turning a thread into a request or its answer into a knowledge-base draft."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hdcore.errors import Conflict, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import ForumPost, ForumThread, KbArticle, ServiceRequest, User, utcnow
from hdcore.queries.forum import board_keys, is_moderator, visible_thread
from hdcore.services.base import service

TITLE_MAX = 200
BODY_MAX = 20_000


def _text(value: object, field: str, limit: int, errors: dict[str, list[str]],
          required: str) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[field] = [required]
        return ""
    # Plain text, shown escaped; control characters (but line breaks and tabs) are dropped.
    cleaned = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()
    if len(cleaned) > limit:
        errors[field] = [str(_("At most %(n)d characters.")) % {"n": limit}]
    return cleaned


def _check_board(session: Session, board: object, errors: dict[str, list[str]]) -> str:
    if not isinstance(board, str) or board not in board_keys(session):
        errors["board"] = [str(_("Choose one of the boards."))]
        return ""
    return board


def _require_active(actor: User) -> None:
    if not actor.is_active:
        raise PermissionDenied("inactive account")


def _require_moderator(actor: User) -> None:
    if not is_moderator(actor):
        raise PermissionDenied(str(_("Only the help desk lead moderates the forum.")))


@service
def start_thread(session: Session, actor: User, *, board: str, title: str,
                 body: str) -> ForumThread:
    """Ask a question or start a discussion on a board (anyone signed in)."""
    _require_active(actor)
    errors: dict[str, list[str]] = {}
    board = _check_board(session, board, errors)
    title = _text(title, "title", TITLE_MAX, errors, str(_("A short title is required.")))
    body = _text(body, "body", BODY_MAX, errors, str(_("Write a message.")))
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    thread = ForumThread(board=board, title=" ".join(title.split()), author_id=actor.id,
                         created_at=now, last_post_at=now)
    session.add(thread)
    session.flush()
    session.add(ForumPost(thread_id=thread.id, author_id=actor.id, body=body, created_at=now))
    session.flush()
    return thread


@service
def reply(session: Session, actor: User, thread_id: int | str, body: str) -> ForumPost:
    """Answer in a thread; a locked thread takes replies from moderators only."""
    _require_active(actor)
    thread = visible_thread(session, actor, thread_id)
    if thread.locked and not is_moderator(actor):
        raise TransitionRefused(str(_("This thread is locked.")))
    errors: dict[str, list[str]] = {}
    body = _text(body, "body", BODY_MAX, errors, str(_("Write a message.")))
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    post = ForumPost(thread_id=thread.id, author_id=actor.id, body=body, created_at=now)
    session.add(post)
    thread.reply_count += 1
    thread.last_post_at = now
    session.flush()
    return post


@service
def accept_answer(session: Session, actor: User, post_id: int) -> ForumThread:
    """Mark a reply as the accepted answer (the thread's author or a moderator); one per thread."""
    post = session.get(ForumPost, int(post_id))
    if post is None or (post.hidden and not is_moderator(actor)):
        from hdcore.errors import NotFound

        raise NotFound(f"no post {post_id}")
    thread = visible_thread(session, actor, post.thread_id)
    if not (thread.author_id == actor.id or is_moderator(actor)):
        raise PermissionDenied(str(_("Only the thread's author or the help desk lead can accept "
                                     "an answer.")))
    if post.id == thread.posts[0].id:
        raise ValidationFailed({"post": [str(_("The question itself cannot be its answer."))]})
    for other in thread.posts:
        other.accepted = other.id == post.id
    thread.answered = True
    session.flush()
    return thread


@service
def moderate_thread(session: Session, actor: User, thread_id: int | str, *,
                    hidden: bool | None = None, locked: bool | None = None,
                    board: str | None = None) -> ForumThread:
    """Hide or show, lock or unlock, or move a thread to another board (the lead)."""
    _require_moderator(actor)
    thread = visible_thread(session, actor, thread_id)
    errors: dict[str, list[str]] = {}
    if board is not None:
        thread.board = _check_board(session, board, errors) or thread.board
    if errors:
        raise ValidationFailed(errors)
    if hidden is not None:
        thread.hidden = bool(hidden)
    if locked is not None:
        thread.locked = bool(locked)
    session.flush()
    return thread


@service
def moderate_post(session: Session, actor: User, post_id: int, *, hidden: bool) -> ForumPost:
    """Hide or show one post (the lead); hiding the accepted answer un-accepts it."""
    _require_moderator(actor)
    post = session.get(ForumPost, int(post_id))
    if post is None:
        from hdcore.errors import NotFound

        raise NotFound(f"no post {post_id}")
    post.hidden = bool(hidden)
    if post.hidden and post.accepted:
        post.accepted = False
        post.thread.answered = False
    session.flush()
    return post


@service
def thread_to_request(session: Session, actor: User, thread_id: int | str, *,
                      category: str | None = None) -> ServiceRequest:
    """File the thread as a request for its author (by the author, or IT staff for them).

    The category is the board's, or ``category`` for a thread on General. The thread links
    to the request and takes no second one.
    """
    from hdcore.services.requests import submit_request

    thread = visible_thread(session, actor, thread_id)
    if not (thread.author_id == actor.id or (actor.is_active and actor.is_staff)):
        raise PermissionDenied(str(_("Only the thread's author or IT staff can turn it into a "
                                     "request.")))
    if thread.request_id is not None:
        raise Conflict(str(_("This thread is already a request.")))
    chosen = category or (thread.board if thread.board != "general" else None)
    if not chosen:
        raise ValidationFailed({"category": [str(_("Choose the kind of help needed."))]})
    question = thread.posts[0].body
    replies = [p for p in thread.posts[1:] if not p.hidden]
    description = question + "".join(
        f"\n\n— {p.author.full_name}:\n{p.body}" for p in replies[-5:])
    req = submit_request(session, actor, category=chosen, title=thread.title[:200],
                         description=description[:20_000], channel="web",
                         requester=thread.author_id if thread.author_id != actor.id else None,
                         incomplete_details=True)
    thread.request_id = req.id
    session.flush()
    return req


@service
def answer_to_article(session: Session, actor: User, thread_id: int | str) -> KbArticle:
    """A knowledge-base draft from the thread's question and its accepted answer (IT staff)."""
    from hdcore.services.kb import create_article, require_writer
    from hdcore.services.kb_text import plain_to_html

    require_writer(actor)
    thread = visible_thread(session, actor, thread_id)
    answer = next((p for p in thread.posts if p.accepted and not p.hidden), None)
    if answer is None:
        raise TransitionRefused(str(_("The thread has no accepted answer yet.")))
    if thread.article_id is not None:
        raise Conflict(str(_("This answer is already an article.")))
    article = create_article(
        session, actor, title=thread.title, symptom=plain_to_html(thread.posts[0].body),
        solution=plain_to_html(answer.body),
        category=thread.board if thread.board != "general" else None)
    thread.article_id = article.id
    session.flush()
    return article
