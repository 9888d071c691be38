"""Join the branches of the third round of core features (knowledge base and search, installed
base and counters, vendor contracts, surveys and analytics, login protection, plugin
versions), which were written in parallel on top of 0007_merge.

Revision ID: 0009_merge
Revises: 0008_analytics, 0008_assets, 0008_kb, 0008_plugin_versions, 0008_security,
0008_vendors
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0009_merge"
down_revision: str | Sequence[str] | None = (
    "0008_analytics", "0008_assets", "0008_kb", "0008_plugin_versions", "0008_security",
    "0008_vendors",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the merge only joins the history."""


def downgrade() -> None:
    """Nothing to change: the merge only joins the history."""
