"""Join the performance round's branches (queue indexes, report covering indexes, the
articles' search index), written in parallel on top of 0009_merge.

Revision ID: 0011_merge
Revises: 0010_analytics_indexes, 0010_queue_indexes, 0010_search_speed
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0011_merge"
down_revision: str | Sequence[str] | None = (
    "0010_analytics_indexes", "0010_queue_indexes", "0010_search_speed",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the merge only joins the history."""


def downgrade() -> None:
    """Nothing to change: the merge only joins the history."""
