"""Reading the knowledge base: what each person may see, browsing, and searching it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound
from hdcore.models import ArticleStatus, KbArticle, KbArticleVersion, User, Visibility
from hdcore.search import ARTICLE, find, highlight, html_text, snippet


def sees_drafts(actor: User) -> bool:
    """IT staff see every article, drafts and internal ones included."""
    return actor.is_active and actor.is_staff


def can_read(actor: User, article: KbArticle) -> bool:
    """Employees read published articles meant for everyone; IT staff read them all."""
    if not actor.is_active:
        return False
    return sees_drafts(actor) or article.is_public


def visible_article(session: Session, actor: User, article_id: int | str) -> KbArticle:
    """The article if ``actor`` may read it; NotFound (its existence undisclosed) otherwise."""
    try:
        article = session.get(KbArticle, int(article_id))
    except (TypeError, ValueError):
        article = None
    if article is None or not can_read(actor, article):
        raise NotFound(f"no article {article_id}")
    return article


def visible_articles(actor: User, status: str | None = None) -> Select[tuple[KbArticle]]:
    """A query of the articles ``actor`` may read (of ``status``, for IT staff)."""
    q = select(KbArticle)
    if not sees_drafts(actor):
        return q.where(KbArticle.status == ArticleStatus.PUBLISHED.value,
                       KbArticle.visibility == Visibility.EVERYONE.value)
    if status:
        q = q.where(KbArticle.status == status)
    return q


def browse(session: Session, actor: User, *, category: str | None = None,
           status: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[KbArticle],
                                                                                  int]:
    """Articles of a category ("" for general ones), most helpful first; and their count."""
    q = visible_articles(actor, status if sees_drafts(actor) else None)
    if category == "":
        q = q.where(KbArticle.category.is_(None))
    elif category:
        q = q.where(KbArticle.category == category)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.scalars(q.order_by(KbArticle.helpful.desc(), KbArticle.views.desc(),
                                      KbArticle.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def category_counts(session: Session, actor: User) -> dict[str | None, int]:
    """How many readable articles each category has (None: general)."""
    q = visible_articles(actor, ArticleStatus.PUBLISHED.value if sees_drafts(actor) else None)
    # Only the category is read (not every column through a subquery): the texts of 2 000
    # articles are not loaded on every page that shows the counts.
    rows = session.execute(q.with_only_columns(KbArticle.category, func.count())
                           .group_by(KbArticle.category))
    return {cat: n for cat, n in rows}


@dataclass(frozen=True)
class ArticleHit:
    """An article found by a search, with its title and a snippet marked up (safe HTML)."""

    article: KbArticle
    score: float
    title_html: str
    snippet_html: str


class ArticleHits(list[ArticleHit]):
    """One page of hits; ``total`` counts the ranked matches of all pages."""

    total: int = 0


def search_articles(session: Session, actor: User, text: str, *, limit: int = 10,
                    offset: int = 0, category: str | None = None,
                    status: str | None = ArticleStatus.PUBLISHED.value,
                    public_only: bool = False, max_terms: int | None = None) -> ArticleHits:
    """Articles matching ``text`` that ``actor`` may read, best first, with snippets.

    Employees only ever get published articles meant for everyone; IT staff may ask for
    another ``status`` (None: any). ``category`` ranks that category's articles higher.
    ``public_only`` gives everyone, staff included, what an employee would get;
    ``max_terms`` looks for the first terms of a long text only.
    """
    filters: dict[str, str] = {}
    if public_only:
        filters = {"t": ArticleStatus.PUBLISHED.value, "v": Visibility.EVERYONE.value}
    elif sees_drafts(actor):
        if status:
            filters["t"] = status
    else:
        filters = {"t": ArticleStatus.PUBLISHED.value, "v": Visibility.EVERYONE.value}
    matches = find(session, text, kind=ARTICLE, filters=filters, limit=limit, offset=offset,
                   prefer_category=category, max_terms=max_terms)
    hits = ArticleHits()
    hits.total = matches.total
    if not matches:
        return hits
    by_id = {a.id: a for a in session.scalars(
        select(KbArticle).where(KbArticle.id.in_([m.ref_id for m in matches])))}
    for m in matches:
        article = by_id.get(m.ref_id)
        if article is None or not can_read(actor, article):
            continue  # the index is written in the same transaction; this is a safety net
        terms = list(m.terms)
        hits.append(ArticleHit(
            article, m.score, highlight(article.title, terms),
            snippet([html_text(article.symptom), html_text(article.solution),
                     html_text(article.cause)], terms)))
    return hits


def versions(session: Session, article: KbArticle) -> list[KbArticleVersion]:
    """The article's versions, newest first."""
    return list(session.scalars(select(KbArticleVersion).where(
        KbArticleVersion.article_id == article.id).order_by(KbArticleVersion.number.desc())))


def articles_from_request(session: Session, actor: User, request_id: int) -> list[KbArticle]:
    """The articles written from a request that ``actor`` may read."""
    q = visible_articles(actor).where(KbArticle.source_request_id == request_id)
    return list(session.scalars(q.order_by(KbArticle.id)))
