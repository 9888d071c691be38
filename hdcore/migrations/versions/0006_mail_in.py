"""Mail in: every message received, stored raw before processing, and what became of it.

Revision ID: 0006_mail_in
Revises: 0001
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006_mail_in'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the inbound_message table."""
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('envelope_sender', sa.String(length=254), nullable=True),
    sa.Column('envelope_recipients', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('reason_detail', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('times_received', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_inbound_message_comment_id_comment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_inbound_message_handled_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_inbound_message_request_id_service_request'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('sender', 'message_id', name=op.f('uq_inbound_message_sender'))
    )
    op.create_index('ix_inbound_message_sender_received', 'inbound_message', ['sender', 'received_at'], unique=False)
    op.create_index('ix_inbound_message_status_received', 'inbound_message', ['status', 'received_at'], unique=False)
    op.create_index(op.f('ix_inbound_message_request_id'), 'inbound_message', ['request_id'], unique=False)


def downgrade() -> None:
    """Drop the inbound_message table."""
    op.drop_index(op.f('ix_inbound_message_request_id'), table_name='inbound_message')
    op.drop_index('ix_inbound_message_status_received', table_name='inbound_message')
    op.drop_index('ix_inbound_message_sender_received', table_name='inbound_message')
    op.drop_table('inbound_message')
