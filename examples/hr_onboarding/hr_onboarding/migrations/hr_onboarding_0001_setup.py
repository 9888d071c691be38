"""The newcomers' set-up records.

Revision ID: hr_onboarding_0001
Revises:
Create Date: 2026-11-29 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "hr_onboarding_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("hr_onboarding",)
depends_on: str | Sequence[str] | None = ("0001",)

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create hr_onboarding_setup."""
    op.create_table(
        "hr_onboarding_setup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("employee_name", sa.String(length=100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("tasks", JSON, nullable=False),
        sa.Column("ready_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["service_request.id"],
            name=op.f("fk_hr_onboarding_setup_request_id_service_request"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_onboarding_setup")),
        sa.UniqueConstraint("request_id", name=op.f("uq_hr_onboarding_setup_request_id")),
    )
    op.create_index("ix_hr_onboarding_setup_start_date", "hr_onboarding_setup", ["start_date"])


def downgrade() -> None:
    """Drop hr_onboarding_setup."""
    op.drop_index("ix_hr_onboarding_setup_start_date", table_name="hr_onboarding_setup")
    op.drop_table("hr_onboarding_setup")
