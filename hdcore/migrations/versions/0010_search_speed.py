"""Search speed: the articles get their own GIN index on PostgreSQL (nothing on SQLite).

An article search filters on ``kind = 'article'``; with this partial index PostgreSQL looks the
query's words up among the articles only, instead of walking the postings of every request
that mentions a common word.

Revision ID: 0010_search_speed
Revises: 0009_merge
Create Date: 2026-11-29 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_search_speed"
down_revision: str | Sequence[str] | None = "0009_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out (a revision never changes); the same as hdcore.models.search.PG_DDL makes.
PG_UP = ("CREATE INDEX IF NOT EXISTS ix_search_doc_tsv_article ON search_doc USING gin (tsv) "
         "WHERE kind = 'article'")
PG_DOWN = "DROP INDEX IF EXISTS ix_search_doc_tsv_article"


def upgrade() -> None:
    """Create the articles' full-text index (PostgreSQL only)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_UP)


def downgrade() -> None:
    """Drop it again."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DOWN)
