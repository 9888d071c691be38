"""Indexes on foreign keys that deletions follow: removing a task or a notification looked
through the whole event log or outbox for the rows pointing at it (8 million events at a
million requests).

Revision ID: 0012_fk_indexes
Revises: 0011_merge
Create Date: 2026-11-29 14:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_fk_indexes"
down_revision: str | Sequence[str] | None = "0011_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_event_task_id": ("event", ["task_id"]),
    "ix_outbox_message_notification_id": ("outbox_message", ["notification_id"]),
    "ix_task_dependency_depends_on_id": ("task_dependency", ["depends_on_id"]),
}


def upgrade() -> None:
    """Create the three indexes."""
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    """Drop them."""
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
