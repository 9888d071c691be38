"""The installed base: assets, their history and requests, counters, readings, threshold rules.

Revision ID: 0008_assets
Revises: 0007_merge
Create Date: 2026-11-29 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_assets"
down_revision: str | Sequence[str] | None = "0007_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create the asset, request_asset, asset_history, asset_counter, asset_reading,
    asset_threshold_rule and asset_threshold_firing tables."""
    op.create_table(
        "asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("serial", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_before_repair", sa.String(length=20), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("purchased_on", sa.Date(), nullable=True),
        sa.Column("warranty_end", sa.Date(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("maintainer_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_asset_department_id_department"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_asset_user_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["supplier_id"], ["vendor.id"],
                                name=op.f("fk_asset_supplier_id_vendor"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["maintainer_id"], ["vendor.id"],
                                name=op.f("fk_asset_maintainer_id_vendor"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
        sa.UniqueConstraint("tag", name=op.f("uq_asset_tag")),
    )
    op.create_index("ix_asset_type_status", "asset", ["type", "status"], unique=False)
    for column in ("serial", "department_id", "user_id", "supplier_id", "maintainer_id"):
        op.create_index(op.f(f"ix_asset_{column}"), "asset", [column], unique=False)

    op.create_table(
        "request_asset",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["service_request.id"],
                                name=op.f("fk_request_asset_request_id_service_request"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"],
                                name=op.f("fk_request_asset_asset_id_asset"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["linked_by_id"], ["user_account.id"],
                                name=op.f("fk_request_asset_linked_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("request_id", "asset_id", name=op.f("pk_request_asset")),
    )
    op.create_index(op.f("ix_request_asset_asset_id"), "request_asset", ["asset_id"],
                    unique=False)

    op.create_table(
        "asset_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"],
                                name=op.f("fk_asset_history_asset_id_asset"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"],
                                name=op.f("fk_asset_history_actor_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["service_request.id"],
                                name=op.f("fk_asset_history_request_id_service_request"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_history")),
    )
    op.create_index("ix_asset_history_asset_at", "asset_history", ["asset_id", "at"],
                    unique=False)
    op.create_index(op.f("ix_asset_history_request_id"), "asset_history", ["request_id"],
                    unique=False)

    op.create_table(
        "asset_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_type", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("max_value", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_counter")),
        sa.UniqueConstraint("asset_type", "code", name=op.f("uq_asset_counter_asset_type")),
    )

    op.create_table(
        "asset_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("is_reset", sa.Boolean(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"],
                                name=op.f("fk_asset_reading_asset_id_asset"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["counter_id"], ["asset_counter.id"],
                                name=op.f("fk_asset_reading_counter_id_asset_counter"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entered_by_id"], ["user_account.id"],
                                name=op.f("fk_asset_reading_entered_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_reading")),
    )
    op.create_index("ix_asset_reading_asset_counter_at", "asset_reading",
                    ["asset_id", "counter_id", "read_at"], unique=False)
    op.create_index(op.f("ix_asset_reading_counter_id"), "asset_reading", ["counter_id"],
                    unique=False)

    op.create_table(
        "asset_threshold_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["counter_id"], ["asset_counter.id"],
                                name=op.f("fk_asset_threshold_rule_counter_id_asset_counter"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requester_id"], ["user_account.id"],
                                name=op.f("fk_asset_threshold_rule_requester_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_threshold_rule")),
    )
    op.create_index(op.f("ix_asset_threshold_rule_counter_id"), "asset_threshold_rule",
                    ["counter_id"], unique=False)

    op.create_table(
        "asset_threshold_firing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("crossing", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["rule_id"], ["asset_threshold_rule.id"],
                                name=op.f("fk_asset_threshold_firing_rule_id_asset_threshold_rule"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"],
                                name=op.f("fk_asset_threshold_firing_asset_id_asset"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["service_request.id"],
                                name=op.f("fk_asset_threshold_firing_request_id_service_request"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_threshold_firing")),
        sa.UniqueConstraint("rule_id", "asset_id", "crossing",
                            name=op.f("uq_asset_threshold_firing_rule_id")),
    )
    op.create_index(op.f("ix_asset_threshold_firing_asset_id"), "asset_threshold_firing",
                    ["asset_id"], unique=False)


def downgrade() -> None:
    """Drop the installed base's tables."""
    for table in ("asset_threshold_firing", "asset_threshold_rule", "asset_reading",
                  "asset_counter", "asset_history", "request_asset", "asset"):
        op.drop_table(table)
