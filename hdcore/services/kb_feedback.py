"""What readers do with an article: read it (counted), say whether it helped, solve with it."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hdcore.errors import ValidationFailed
from hdcore.i18n import _
from hdcore.models import KbArticle, KbDeflection, KbVote, User, utcnow
from hdcore.queries.kb import visible_article
from hdcore.services.base import service

QUERY_MAX = 2_000


def _bump(session: Session, article_id: int, **deltas: int) -> None:
    # A plain UPDATE: counting a view must not bump the article's version (an author's
    # open edit form would otherwise go stale every time someone reads the article).
    session.execute(update(KbArticle).where(KbArticle.id == article_id).values(
        **{name: getattr(KbArticle, name) + delta for name, delta in deltas.items()}))


@service
def record_view(session: Session, actor: User, article_id: int | str) -> KbArticle:
    """Count one reading of an article the actor may see (NotFound otherwise)."""
    article = visible_article(session, actor, article_id)
    _bump(session, article.id, views=1)
    session.refresh(article)
    return article


@service
def vote(session: Session, actor: User, article_id: int | str, helpful: bool) -> KbArticle:
    """Answer "did this help?"; a second answer by the same person replaces the first."""
    if not isinstance(helpful, bool):
        raise ValidationFailed({"helpful": [str(_("Answer yes or no."))]})
    article = visible_article(session, actor, article_id)
    mine = session.scalar(select(KbVote).where(KbVote.article_id == article.id,
                                               KbVote.user_id == actor.id))
    if mine is None:
        session.add(KbVote(article_id=article.id, user_id=actor.id, helpful=helpful,
                           created_at=utcnow()))
        _bump(session, article.id, **{"helpful" if helpful else "not_helpful": 1})
    elif mine.helpful != helpful:
        mine.helpful = helpful
        mine.created_at = utcnow()
        _bump(session, article.id, helpful=1 if helpful else -1,
              not_helpful=-1 if helpful else 1)
    session.flush()
    session.refresh(article)
    return article


@service
def record_deflection(session: Session, actor: User, article_id: int | str, *,
                      category: str | None = None, query: str = "") -> KbDeflection:
    """"This solved it": the request being written is not filed; the article counts as helpful.

    ``query`` is what the person had typed (title and description), kept for the analytics.
    """
    article = visible_article(session, actor, article_id)
    if query is not None and not isinstance(query, str):
        raise ValidationFailed({"query": [str(_("Give the text as a string."))]})
    deflection = KbDeflection(user_id=actor.id, article_id=article.id,
                              category=(category or None), query=(query or "")[:QUERY_MAX],
                              created_at=utcnow())
    session.add(deflection)
    vote(session, actor, article.id, True)
    return deflection
