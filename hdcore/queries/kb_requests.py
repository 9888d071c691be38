"""Searching requests (IT staff only): the same index as the articles, the same ranking."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, selectinload

from hdcore.errors import PermissionDenied
from hdcore.i18n import _
from hdcore.models import ServiceRequest, User
from hdcore.search import REQUEST, find, highlight, snippet
from hdcore.search.index import request_text
from hdcore.services.access import visible_requests


@dataclass(frozen=True)
class RequestHit:
    """A request found by a search, with its title and a snippet marked up (safe HTML)."""

    request: ServiceRequest
    score: float
    title_html: str
    snippet_html: str


def search_requests(session: Session, actor: User, text: str, *, limit: int = 10,
                    offset: int = 0) -> list[RequestHit]:
    """Requests matching ``text``, best first, among those ``actor`` may see (IT staff only)."""
    if not actor.is_active or not actor.is_staff:
        raise PermissionDenied(str(_("Only IT staff can search requests.")))
    matches = find(session, text, kind=REQUEST, limit=limit, offset=offset)
    if not matches:
        return []
    ids = [m.ref_id for m in matches]
    # The snippet may come from the public replies: load the page's comments in one query,
    # not one per request.
    found = {r.id: r for r in session.scalars(
        visible_requests(actor).where(ServiceRequest.id.in_(ids))
        .options(selectinload(ServiceRequest.comments)))}
    hits = []
    for m in matches:
        req = found.get(m.ref_id)
        if req is None:
            continue
        terms = list(m.terms)
        hits.append(RequestHit(req, m.score, highlight(f"{req.number} {req.title}", terms),
                               snippet([req.description or "", request_text(req)], terms)))
    return hits
