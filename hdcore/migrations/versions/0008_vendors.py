"""The vendor register: contacts, contracts with their service terms, and the engagements'
contract, task, cost, reopen count and overdue escalations.

Revision ID: 0008_vendors
Revises: 0007_merge
Create Date: 2026-11-29 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0008_vendors'
down_revision: str | Sequence[str] | None = '0007_merge'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create the contacts and contracts tables; extend the engagements."""
    op.create_table('vendor_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_contact_vendor_id_vendor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_contact'))
    )
    op.create_index(op.f('ix_vendor_contact_vendor_id'), 'vendor_contact', ['vendor_id'], unique=False)
    op.create_table('vendor_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('coverage', sa.String(length=20), nullable=False),
    sa.Column('response_minutes', sa.Integer(), nullable=True),
    sa.Column('repair_minutes', sa.Integer(), nullable=True),
    sa.Column('calendar_id', sa.Integer(), nullable=True),
    sa.Column('price_cents', sa.Integer(), nullable=True),
    sa.Column('price_basis', sa.String(length=20), nullable=False),
    sa.Column('asset_types', JSON, nullable=False),
    sa.Column('categories', JSON, nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendar.id'], name=op.f('fk_vendor_contract_calendar_id_sla_calendar'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_contract_vendor_id_vendor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_contract')),
    sa.UniqueConstraint('vendor_id', 'number', name=op.f('uq_vendor_contract_vendor_id'))
    )
    op.create_index(op.f('ix_vendor_contract_vendor_id'), 'vendor_contract', ['vendor_id'], unique=False)
    op.create_index(op.f('ix_vendor_contract_calendar_id'), 'vendor_contract', ['calendar_id'], unique=False)
    # A batch block: SQLite rebuilds the table to add the foreign keys, PostgreSQL alters it.
    with op.batch_alter_table('vendor_engagement') as batch_op:
        batch_op.add_column(sa.Column('contract_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cost_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('response_overdue_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('completion_overdue_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(op.f('fk_vendor_engagement_contract_id_vendor_contract'), 'vendor_contract', ['contract_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(op.f('fk_vendor_engagement_task_id_task'), 'task', ['task_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(op.f('ix_vendor_engagement_contract_id'), ['contract_id'], unique=False)


def downgrade() -> None:
    """Drop the engagements' new columns, the contracts and the contacts."""
    with op.batch_alter_table('vendor_engagement') as batch_op:
        batch_op.drop_index(op.f('ix_vendor_engagement_contract_id'))
        batch_op.drop_constraint(op.f('fk_vendor_engagement_task_id_task'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_vendor_engagement_contract_id_vendor_contract'), type_='foreignkey')
        batch_op.drop_column('completion_overdue_at')
        batch_op.drop_column('response_overdue_at')
        batch_op.drop_column('reopen_count')
        batch_op.drop_column('cost_cents')
        batch_op.drop_column('task_id')
        batch_op.drop_column('contract_id')
    op.drop_index(op.f('ix_vendor_contract_calendar_id'), table_name='vendor_contract')
    op.drop_index(op.f('ix_vendor_contract_vendor_id'), table_name='vendor_contract')
    op.drop_table('vendor_contract')
    op.drop_index(op.f('ix_vendor_contact_vendor_id'), table_name='vendor_contact')
    op.drop_table('vendor_contact')
