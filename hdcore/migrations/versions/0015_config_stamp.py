"""The stamp of the settings processes keep in memory (plugins switched off, SLA policies and
calendars): one row whose token changes with each change, so a process reads it once per
transaction instead of reading the settings themselves (see hdcore.shared_config).

Revision ID: 0015_config_stamp
Revises: 0014_more_indexes
Create Date: 2026-11-29 19:10:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_config_stamp"
down_revision: str | Sequence[str] | None = "0014_more_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table and its one row."""
    table = op.create_table(
        "config_stamp",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_stamp")),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("config_stamp")
