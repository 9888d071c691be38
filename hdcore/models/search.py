"""The search index: one row per searchable document (an article, a request), as tokens.

The full-text structures over it are not models: SQLite keeps an FTS5 table ``search_fts``
fed by triggers, PostgreSQL a generated ``tsv`` column with a GIN index. Both are made by the
migration and, for databases built without migrations, by :data:`SEARCH_DDL` after the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from hdcore.models.base import Base, utcnow


class SearchDoc(Base):
    """A document as the search sees it: its tokens and the filter words it carries."""

    __tablename__ = "search_doc"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``article`` or ``request``.
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int]
    #: Space-separated tokens (see :mod:`hdcore.search.tokenise`) of the title and the body.
    title_tokens: Mapped[str] = mapped_column(Text, default="")
    body_tokens: Mapped[str] = mapped_column(Text, default="")
    #: Filter words matched in the index with the query (kind, audience, status).
    filters: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


#: Names of the objects beside the models, per dialect (a schema comparison leaves them out).
FTS_TABLE = "search_fts"
FTS_SHADOW_TABLES = frozenset(
    {FTS_TABLE} | {f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config", "content")})
PG_TSV_COLUMN = "tsv"
PG_TSV_INDEX = "ix_search_doc_tsv"
#: The articles' own GIN index: an article search then never walks the requests' postings
#: of a common word (tens of thousands of entries for ``打印`` in a large desk).
PG_TSV_ARTICLE_INDEX = "ix_search_doc_tsv_article"


def full_text_object(obj: Any, name: str | None, type_: str) -> bool:
    """Whether a schema object is one of the search's full-text structures made beside the
    models (the FTS5 table and its shadow tables, the tsvector column and its index), which
    schema comparisons and autogenerate must leave alone."""
    if type_ == "table":
        return name in FTS_SHADOW_TABLES
    if type_ == "index":
        return name in (PG_TSV_INDEX, PG_TSV_ARTICLE_INDEX)
    return type_ == "column" and name == PG_TSV_COLUMN and obj.table.name == "search_doc"


SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, filters, "
    "content='search_doc', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body, filters) "
    "VALUES (new.id, new.title_tokens, new.body_tokens, new.filters); END",
    f"CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, filters) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.filters); END",
    f"CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, filters) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.filters); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body, filters) "
    "VALUES (new.id, new.title_tokens, new.body_tokens, new.filters); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
# The 'simple' configuration only lower-cases: the tokens were made in Python already.
PG_DDL = [
    f"ALTER TABLE search_doc ADD COLUMN {PG_TSV_COLUMN} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title_tokens, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(body_tokens, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(filters, '')), 'D')) STORED",
    f"CREATE INDEX {PG_TSV_INDEX} ON search_doc USING gin ({PG_TSV_COLUMN})",
    f"CREATE INDEX {PG_TSV_ARTICLE_INDEX} ON search_doc USING gin ({PG_TSV_COLUMN}) "
    "WHERE kind = 'article'",
]
PG_DROP = [
    f"DROP INDEX IF EXISTS {PG_TSV_ARTICLE_INDEX}",
    f"DROP INDEX IF EXISTS {PG_TSV_INDEX}",
    f"ALTER TABLE search_doc DROP COLUMN IF EXISTS {PG_TSV_COLUMN}",
]

for _statement in SQLITE_DDL:
    event.listen(SearchDoc.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in PG_DDL:
    event.listen(SearchDoc.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
event.listen(SearchDoc.__table__, "before_drop",
             DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"))
