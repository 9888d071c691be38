"""One search over articles and requests, on SQLite FTS5 and PostgreSQL full text alike.

Text is tokenised in Python (:mod:`hdcore.search.tokenise`), each back end finds candidates in
its index (:mod:`hdcore.search.backends`), and the final order is computed in Python
(:mod:`hdcore.search.ranking`), so both databases answer the same. Snippets are cut from the
original text (:mod:`hdcore.search.snippets`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hdcore.search.backends import candidates
from hdcore.search.index import (
    ARTICLE,
    REQUEST,
    filter_word,
    html_text,
    index_article,
    index_request,
    rebuild,
    remove,
)
from hdcore.search.ranking import rank
from hdcore.search.snippets import highlight, snippet
from hdcore.search.tokenise import document_tokens, query_characters, query_terms

#: How many candidates each back end hands to the final ranking (requests: the newest ones
#: first, so fewer are enough and their long texts stay cheap to rank).
CANDIDATES = 200
REQUEST_CANDIDATES = 100
#: How much more an article of the category being filed in counts.
CATEGORY_BOOST = 1.5
#: Queries are cut to this many terms (a pasted page must not become a 2 000-term OR).
MAX_TERMS = 32


@dataclass(frozen=True)
class Match:
    """A document found: its kind and id, its score, and the terms that found it."""

    kind: str
    ref_id: int
    score: float
    terms: tuple[str, ...]


class Matches(list[Match]):
    """One page of matches; ``total`` is how many were ranked in all (at most CANDIDATES)."""

    total: int = 0


def find(session: Session, text: str, *, kind: str, filters: dict[str, str] | None = None,
         limit: int = 10, offset: int = 0, prefer_category: str | None = None,
         max_terms: int | None = None) -> Matches:
    """The documents of ``kind`` best matching ``text``, carrying every filter value.

    ``filters`` maps a filter (``t`` status, ``v`` audience) to the value required.
    ``prefer_category`` ranks documents of that category a little higher. Only the first
    ``max_terms`` terms (default :data:`MAX_TERMS`) are looked for.
    """
    every = query_terms(text)
    terms = every[:min(max_terms or MAX_TERMS, MAX_TERMS)]
    if not terms:
        return Matches()
    characters = query_characters(text)
    if len(every) > len(terms):
        # A pasted page: rank by the characters of the terms searched, not of all the text.
        kept = set("".join(terms))
        characters = [c for c in characters if c in kept]
    words = [filter_word("k", kind)] + [filter_word(k, v) for k, v in (filters or {}).items()]
    pool = REQUEST_CANDIDATES if kind == REQUEST else CANDIDATES
    found = candidates(session, terms, words, max(pool, offset + limit), recent=kind == REQUEST,
                       kind=kind)
    boost = ({c.doc_id: CATEGORY_BOOST for c in found if c.category == prefer_category}
             if prefer_category else None)
    ranked = rank(found, terms, boost, characters)
    out = Matches(Match(kind, r.candidate.ref_id, r.score, tuple(terms))
                  for r in ranked[offset:offset + limit])
    out.total = len(ranked)
    return out


__all__ = [
    "ARTICLE",
    "CANDIDATES",
    "REQUEST",
    "Match",
    "Matches",
    "document_tokens",
    "find",
    "highlight",
    "html_text",
    "index_article",
    "index_request",
    "query_terms",
    "rebuild",
    "remove",
    "snippet",
]
