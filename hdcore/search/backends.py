"""The two back ends: candidate documents for a query from SQLite FTS5 or PostgreSQL's GIN index.

Each answers with at most ``limit`` rows, looked up in the index and cut with LIMIT in SQL (no
table is scanned in Python). The filter words (kind, status, audience) are matched in the index
together with the query; on PostgreSQL the articles also have a GIN index of their own, so a
search over 2 000 articles is not slowed by 100 000 requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from hdcore.models.search import FTS_TABLE

#: Kinds with a PostgreSQL GIN index of their own (see hdcore.models.search).
PG_PARTIAL_KINDS = frozenset({"article"})


@dataclass(frozen=True)
class Candidate:
    """A document that matches at least one query term, with its stored tokens."""

    doc_id: int
    ref_id: int
    title_tokens: str
    body_tokens: str
    category: str | None


def _sqlite(session: Session, terms: list[str], filters: list[str], limit: int,
            every: bool, recent: bool, kind: str | None) -> list[Candidate]:
    # The kind is one of the filter words already: one FTS5 table serves every kind.
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


def _tsquery_literal(tsquery: str) -> str:
    """``tsquery`` as an SQL literal for :func:`text` (quotes doubled, colons escaped so
    that ``'word':AB`` is not read as a bound parameter)."""
    return "CAST('" + tsquery.replace("'", "''").replace(":", "\\:") + "' AS tsquery)"


def _postgres(session: Session, terms: list[str], filters: list[str], limit: int,
              every: bool, recent: bool, kind: str | None) -> list[Candidate]:
    # A tsquery built from the literal tokens: no parser between us and the index. The
    # terms look in the title (A) and body (B) only, the filters in their own weight (D).
    wanted = (" & " if every else " | ").join(f"'{_lexeme(t)}':AB" for t in terms)
    required = " & ".join(f"'{_lexeme(f)}':D" for f in filters)
    query = f"({required}) & ({wanted})" if required else wanted
    # The query goes into the statement as a literal, not a parameter: once the driver
    # prepares a statement, PostgreSQL may switch to a generic plan that cannot see how
    # rare the words are, and walks the whole table newest first for a word found nowhere.
    # With the literal, each search is planned for its own words (GIN for rare ones, the
    # primary key newest first for common ones).
    order = ("id DESC" if recent else
             f"ts_rank('{{0, 0, 0.4, 1.0}}', tsv, {_tsquery_literal(wanted)}) DESC, id")
    # Articles have a GIN index of their own (partial, ``kind = 'article'``): naming the kind
    # as a literal lets the planner use it.
    only = f"kind = '{kind}' AND " if kind in PG_PARTIAL_KINDS else ""
    rows = session.execute(text(
        "SELECT id, ref_id, title_tokens, body_tokens, category FROM search_doc "
        f"WHERE {only}tsv @@ {_tsquery_literal(query)} ORDER BY {order} LIMIT :limit"
    ), {"limit": limit})
    return [Candidate(*row) for row in rows]


def _lexeme(token: str) -> str:
    # Tokens are made of letters, digits and CJK characters only (see tokenise); a quote or
    # backslash would end the lexeme early, so they are doubled/escaped as tsquery wants.
    return token.replace("\\", "\\\\").replace("'", "''")


def candidates(session: Session, terms: list[str], filters: list[str], limit: int, *,
               recent: bool = False, kind: str | None = None) -> list[Candidate]:
    """Documents carrying every filter word and at least one of ``terms``.

    ``kind`` (whose filter word is among ``filters``) lets a back end use an index of that
    kind's documents alone.

    By default the back end's own relevance picks them (fine for thousands of documents).
    ``recent`` is for the large collections (requests): the newest documents having every
    term, then, if too few, the newest having any; each step stops at ``limit`` in the index.
    """
    if not terms:
        return []
    find = _postgres if session.get_bind().dialect.name == "postgresql" else _sqlite
    if not recent:
        return find(session, terms, filters, limit, False, False, kind)
    found = find(session, terms, filters, limit, True, True, kind) if len(terms) > 1 else []
    if len(found) < limit:
        seen = {c.doc_id for c in found}
        found += [c for c in find(session, terms, filters, limit, False, True, kind)
                  if c.doc_id not in seen][:limit - len(found)]
    return found
