"""Indexes that keep the work queue flat as history grows: a group's open requests and tasks
are found by ``(group_id, status)`` as a technician's are by ``(assignee_id, status)``.

Revision ID: 0010_queue_indexes
Revises: 0009_merge
Create Date: 2026-11-29 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_queue_indexes"
down_revision: str | Sequence[str] | None = "0009_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the group-and-status indexes of requests and tasks."""
    op.create_index("ix_service_request_group_status", "service_request",
                    ["group_id", "status"])
    op.create_index("ix_task_group_status", "task", ["group_id", "status"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_task_group_status", table_name="task")
    op.drop_index("ix_service_request_group_status", table_name="service_request")
