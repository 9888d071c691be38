"""Covering indexes for the reports: each family of figures (opened, resolved, closed in a
period) reads one index range holding every column it needs, instead of looking up each row.

Replaces the single-column indexes on ``created_at``, ``resolved_at`` and ``closed_at``, which
each covering index starts with.

Revision ID: 0010_analytics_indexes
Revises: 0009_merge
Create Date: 2026-11-29 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_analytics_indexes"
down_revision: str | Sequence[str] | None = "0009_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ["group_id", "assignee_id", "category", "department_id", "priority"]
COVERING = {
    "ix_request_metrics_created_cover": [
        "created_at", "state", *DIMENSIONS, "escalation_count", "response_on_time",
        "response_seconds"],
    "ix_request_metrics_resolved_cover": [
        "resolved_at", "state", *DIMENSIONS, "reopen_count", "rating", "resolution_on_time",
        "resolution_seconds", "created_at"],
    "ix_request_metrics_closed_cover": ["closed_at", "state", *DIMENSIONS],
}
SINGLE = {"ix_request_metrics_created_at": "created_at",
          "ix_request_metrics_resolved_at": "resolved_at",
          "ix_request_metrics_closed_at": "closed_at"}


def upgrade() -> None:
    """Create the covering indexes, then drop the single-column ones they start with."""
    for name, columns in COVERING.items():
        op.create_index(name, "request_metrics", columns, unique=False)
    for name in SINGLE:
        op.drop_index(name, table_name="request_metrics")


def downgrade() -> None:
    """Back to the single-column indexes."""
    for name, column in SINGLE.items():
        op.create_index(name, "request_metrics", [column], unique=False)
    for name in COVERING:
        op.drop_index(name, table_name="request_metrics")
