"""Surveys, staff evaluation and the per-request figures reports are computed from.

Revision ID: 0008_analytics
Revises: 0007_merge
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_analytics"
down_revision: str | Sequence[str] | None = "0007_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def upgrade() -> None:
    """Create the metrics, survey and evaluation tables."""
    op.create_table(
        "request_metrics",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("first_response_at", TS, nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("response_seconds", sa.Integer(), nullable=True),
        sa.Column("resolution_seconds", sa.Integer(), nullable=True),
        sa.Column("response_on_time", sa.Boolean(), nullable=True),
        sa.Column("resolution_on_time", sa.Boolean(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("escalation_count", sa.Integer(), nullable=False),
        sa.Column("auto_closed", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        _fk("request_metrics", "request_id", "service_request", "CASCADE"),
        _fk("request_metrics", "group_id", "it_group", "SET NULL"),
        _fk("request_metrics", "assignee_id", "user_account", "SET NULL"),
        _fk("request_metrics", "requester_id", "user_account", "CASCADE"),
        _fk("request_metrics", "department_id", "department", "SET NULL"),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_metrics")),
    )
    for name, cols in (
        ("ix_request_metrics_created_at", ["created_at"]),
        ("ix_request_metrics_resolved_at", ["resolved_at"]),
        ("ix_request_metrics_closed_at", ["closed_at"]),
        ("ix_request_metrics_assignee_created", ["assignee_id", "created_at"]),
        ("ix_request_metrics_group_created", ["group_id", "created_at"]),
        ("ix_request_metrics_category_created", ["category", "created_at"]),
        ("ix_request_metrics_department_created", ["department_id", "created_at"]),
        ("ix_request_metrics_assignee_resolved", ["assignee_id", "resolved_at"]),
    ):
        op.create_index(name, "request_metrics", cols, unique=False)

    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("closes_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        _fk("survey", "department_id", "department", "SET NULL"),
        _fk("survey", "created_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
    )
    op.create_table(
        "survey_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("choices", JSON, nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("survey_question", "survey_id", "survey", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_question")),
    )
    op.create_index("ix_survey_question_category", "survey_question", ["category"])
    op.create_index("ix_survey_question_survey_id", "survey_question", ["survey_id"])
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        _fk("survey_response", "survey_id", "survey", "CASCADE"),
        _fk("survey_response", "request_id", "service_request", "CASCADE"),
        _fk("survey_response", "user_id", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint("request_id", name=op.f("uq_survey_response_request_id")),
        sa.UniqueConstraint("survey_id", "user_id", name=op.f("uq_survey_response_survey_id")),
    )
    op.create_index("ix_survey_response_user_id", "survey_response", ["user_id"])
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        _fk("survey_answer", "response_id", "survey_response", "CASCADE"),
        _fk("survey_answer", "question_id", "survey_question", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
        sa.UniqueConstraint("response_id", "question_id",
                            name=op.f("uq_survey_answer_response_id")),
    )
    op.create_index("ix_survey_answer_question_id", "survey_answer", ["question_id"])

    op.create_table(
        "evaluation_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _fk("evaluation_cycle", "created_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_cycle")),
    )
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("evaluation", "cycle_id", "evaluation_cycle", "CASCADE"),
        _fk("evaluation", "technician_id", "user_account", "CASCADE"),
        _fk("evaluation", "evaluator_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
        sa.UniqueConstraint("cycle_id", "technician_id", name=op.f("uq_evaluation_cycle_id")),
    )
    op.create_index("ix_evaluation_technician_id", "evaluation", ["technician_id"])


def downgrade() -> None:
    """Drop them again."""
    for table in ("evaluation", "evaluation_cycle", "survey_answer", "survey_response",
                  "survey_question", "survey", "request_metrics"):
        op.drop_table(table)
