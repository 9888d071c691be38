"""${message}

Revision ID: ${up_revision}
% if down_revision:
Revises: ${down_revision | comma,n}
% endif
Create Date: ${create_date}
"""

from collections.abc import Sequence

% if "sa." in (upgrades or "") + (downgrades or ""):
import sqlalchemy as sa
% endif
from alembic import op
% if imports:
${imports}
% endif

revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    """Apply: ${message}."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Revert: ${message}."""
    ${downgrades if downgrades else "pass"}
