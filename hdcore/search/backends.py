"""The two back ends: candidate documents for a query from SQLite FTS5 or PostgreSQL's GIN index.

Each answers with at most ``limit`` rows, looked up in the index and cut with LIMIT in SQL (no
table is scanned in Python). The filter words (kind, status, audience) are matched in the index
together with the query, so a search over 2 000 articles is not slowed by 100 000 requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from hdcore.models.search import FTS_TABLE


@dataclass(frozen=True)
class Candidate:
    """A document that matches at least one query term, with its stored tokens."""

    doc_id: int
    ref_id: int
    title_tokens: str
    body_tokens: str
    category: str | None


def _sqlite(session: Session, terms: list[str], filters: list[str], limit: int,
            every: bool, recent: bool) -> list[Candidate]:
    # Every token is quoted: FTS5 then reads it as a string, never as an operator.
    wanted = (" AND " if every else " OR ").join(f'"{t}"' for t in terms)
    required = " AND ".join(f'filters : "{f}"' for f in filters)
    match = f"{required} AND {{title body}} : ({wanted})" if required else \
        f"{{title body}} : ({wanted})"
    # Newest first lets FTS5 stop after ``limit`` rows; by rank it scores every match.
    score = "-rowid" if recent else f"bm25({FTS_TABLE}, 10.0, 1.0, 0.0)"
    rows = session.execute(text(
        f"SELECT d.id, d.ref_id, d.title_tokens, d.body_tokens, d.category "
        f"FROM (SELECT rowid AS rid, {score} AS score "
        f"      FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "
        f"      ORDER BY {'rowid DESC' if recent else 'score'} LIMIT :limit) AS hits "
        f"JOIN search_doc AS d ON d.id = hits.rid ORDER BY hits.score, d.id"
    ), {"match": match, "limit": limit})
    return [Candidate(*row) for row in rows]


def _postgres(session: Session, terms: list[str], filters: list[str], limit: int,
              every: bool, recent: bool) -> list[Candidate]:
    # A tsquery built from the literal tokens: no parser between us and the index. The
    # terms look in the title (A) and body (B) only, the filters in their own weight (D).
    wanted = (" & " if every else " | ").join(f"'{t}':AB" for t in terms)
    required = " & ".join(f"'{f}':D" for f in filters)
    query = f"({required}) & ({wanted})" if required else wanted
    order = ("id DESC" if recent else
             "ts_rank('{0, 0, 0.4, 1.0}', tsv, CAST(:wanted AS tsquery)) DESC, id")
    rows = session.execute(text(
        "SELECT id, ref_id, title_tokens, body_tokens, category FROM search_doc "
        f"WHERE tsv @@ CAST(:query AS tsquery) ORDER BY {order} LIMIT :limit"
    ), {"query": query, "wanted": wanted, "limit": limit})
    return [Candidate(*row) for row in rows]


def candidates(session: Session, terms: list[str], filters: list[str], limit: int, *,
               recent: bool = False) -> list[Candidate]:
    """Documents carrying every filter word and at least one of ``terms``.

    By default the back end's own relevance picks them (fine for thousands of documents).
    ``recent`` is for the large collections (requests): the newest documents having every
    term, then, if too few, the newest having any; each step stops at ``limit`` in the index.
    """
    if not terms:
        return []
    find = _postgres if session.get_bind().dialect.name == "postgresql" else _sqlite
    if not recent:
        return find(session, terms, filters, limit, False, False)
    found = find(session, terms, filters, limit, True, True) if len(terms) > 1 else []
    if len(found) < limit:
        seen = {c.doc_id for c in found}
        found += [c for c in find(session, terms, filters, limit, False, True)
                  if c.doc_id not in seen][:limit - len(found)]
    return found
