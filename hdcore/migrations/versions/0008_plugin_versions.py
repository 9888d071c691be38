"""The version of each plugin the database was last upgraded for.

Revision ID: 0008_plugin_versions
Revises: 0007_merge
Create Date: 2026-11-29 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_plugin_versions"
down_revision: str | Sequence[str] | None = "0007_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create plugin_version."""
    op.create_table(
        "plugin_version",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_plugin_version")),
    )


def downgrade() -> None:
    """Drop plugin_version."""
    op.drop_table("plugin_version")
