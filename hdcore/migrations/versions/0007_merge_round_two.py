"""Join the branches of the second round of core features (SLA, resources, API tokens,
outbox, mail intake), which were written in parallel on top of 0001.

Revision ID: 0007_merge
Revises: 0002_sla, 0003_resources, 0004_api_tokens, 0005_outbox, 0006_mail_in
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0007_merge"
down_revision: str | Sequence[str] | None = (
    "0002_sla", "0003_resources", "0004_api_tokens", "0005_outbox", "0006_mail_in",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the merge only joins the history."""


def downgrade() -> None:
    """Nothing to change: the merge only joins the history."""
