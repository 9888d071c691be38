"""Keeping the index current: one ``search_doc`` row per article and per request."""

from __future__ import annotations

import html
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hdcore import fresh
from hdcore.models import KbArticle, SearchDoc, ServiceRequest
from hdcore.search.tokenise import document_tokens

ARTICLE = "article"
REQUEST = "request"
_TAG = re.compile(r"<[^>]+>")


def html_text(markup: str) -> str:
    """The readable text of sanitised HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", markup or ""))


def filter_word(kind: str, value: str) -> str:
    """A filter word stored with the document (``xk`` kind, ``xt`` status, ``xv`` audience)."""
    return "x" + kind + re.sub(r"[^a-z0-9]", "", value.lower())


def _tokens(*parts: str) -> str:
    return " ".join(t for part in parts for t in document_tokens(part))


def _put(session: Session, kind: str, ref_id: int, title: str, body: str, filters: list[str],
         category: str | None) -> None:
    filed = kind == REQUEST and fresh.is_fresh(session, ref_id)
    if filed:  # filed in this transaction: its document, if any, was made in it too
        doc = fresh.derived(session, ref_id, "search")
    else:
        doc = session.scalar(select(SearchDoc).where(SearchDoc.kind == kind,
                                                     SearchDoc.ref_id == ref_id))
    if doc is None:
        doc = SearchDoc(kind=kind, ref_id=ref_id)
        session.add(doc)
        if filed:
            fresh.keep(session, ref_id, "search", doc)
    doc.title_tokens = title
    doc.body_tokens = body
    doc.filters = " ".join(filters)
    doc.category = category


def index_article(session: Session, article: KbArticle) -> None:
    """Write the article's tokens (title and tags; symptom, cause, solution) and its filters."""
    _put(session, ARTICLE, article.id,
         _tokens(article.title, " ".join(article.tags or [])),
         _tokens(html_text(article.symptom), html_text(article.cause),
                 html_text(article.solution)),
         [filter_word("k", ARTICLE), filter_word("t", article.status),
          filter_word("v", article.visibility)],
         article.category)


def request_text(request: ServiceRequest) -> str:
    """What a request is found by besides its title: description, solution, public comments."""
    parts = [request.description or "", request.resolution or ""]
    parts += [c.body for c in request.comments if not c.internal]
    return "\n".join(parts)


def index_request(session: Session, request: ServiceRequest) -> None:
    """Write the request's tokens (number and title; description, solution, public replies)."""
    _put(session, REQUEST, request.id, _tokens(request.number, request.title),
         _tokens(request_text(request)), [filter_word("k", REQUEST)], request.category)


def remove(session: Session, kind: str, ref_id: int) -> None:
    """Take a document out of the index."""
    if kind == REQUEST:
        fresh.keep(session, ref_id, "search", None)
    session.execute(delete(SearchDoc).where(SearchDoc.kind == kind, SearchDoc.ref_id == ref_id))


def rebuild(session: Session, batch: int = 500) -> int:
    """Index every article and request again (after an upgrade or a restore); the count."""
    count = 0
    for article in session.scalars(select(KbArticle)):
        index_article(session, article)
        count += 1
    last = 0
    while True:
        rows = session.scalars(select(ServiceRequest).where(ServiceRequest.id > last)
                               .order_by(ServiceRequest.id).limit(batch)).all()
        if not rows:
            break
        for req in rows:
            index_request(session, req)
        count += len(rows)
        last = rows[-1].id
        session.flush()
    return count
