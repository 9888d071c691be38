"""Sign-in protection: failed attempts per user name and per address with their lockouts, and
the session version of each account (raised to end every session it has).

Revision ID: 0008_security
Revises: 0007_merge
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_security"
down_revision: str | Sequence[str] | None = "0007_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create login_throttle; add user_account.session_version (1 for every account)."""
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_login_throttle_kind")),
    )
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="1"))


def downgrade() -> None:
    """Drop both (sessions then carry the bare account id again)."""
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_version")
    op.drop_table("login_throttle")
