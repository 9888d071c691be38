"""The last foreign keys without an index (deleting a request or a comment looked through
every forum thread, threshold firing, attachment and inbound message for rows pointing at
it), and the account's role (staff lists scanned every employee).

Revision ID: 0014_more_indexes
Revises: 0013_queue_covering
Create Date: 2026-11-29 16:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_more_indexes"
down_revision: str | Sequence[str] | None = "0013_queue_covering"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_forum_thread_request_id": ("forum_thread", ["request_id"]),
    "ix_asset_threshold_firing_request_id": ("asset_threshold_firing", ["request_id"]),
    "ix_attachment_comment_id": ("attachment", ["comment_id"]),
    "ix_inbound_message_comment_id": ("inbound_message", ["comment_id"]),
    "ix_user_account_role": ("user_account", ["role"]),
}


def upgrade() -> None:
    """Create the five indexes."""
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    """Drop them."""
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
