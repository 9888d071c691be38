"""The core tables: people and groups, requests, tasks, comments, attachments, events, vendors.

Revision ID: 0001
Create Date: 2026-11-29 07:33:18.817011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('core',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the core's tables."""
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('cost_centre', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    op.create_table('it_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_it_group')),
    sa.UniqueConstraint('name', name=op.f('uq_it_group_name'))
    )
    op.create_table('plugin_state',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_plugin_state'))
    )
    op.create_table('sequence',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sequence'))
    )
    op.create_table('vendor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kinds', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor')),
    sa.UniqueConstraint('name', name=op.f('uq_vendor_name'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('employee_no', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_account_department_id_department'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('employee_no', name=op.f('uq_user_account_employee_no')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_index(op.f('ix_user_account_department_id'), 'user_account', ['department_id'], unique=False)
    op.create_index(op.f('ix_user_account_email'), 'user_account', ['email'], unique=False)
    # department and user_account refer to each other: the head's key is added once both exist
    # (a batch block, so SQLite rebuilds the still-empty table; PostgreSQL simply alters it).
    with op.batch_alter_table('department') as batch_op:
        batch_op.create_foreign_key(op.f('fk_department_head_id_user_account'), 'user_account', ['head_id'], ['id'], ondelete='SET NULL')
    op.create_table('group_membership',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['it_group.id'], name=op.f('fk_group_membership_group_id_it_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_group_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_group_membership'))
    )
    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolve_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_service_request_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_service_request_entered_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['it_group.id'], name=op.f('fk_service_request_group_id_it_group')),
    sa.ForeignKeyConstraint(['requester_id'], ['user_account.id'], name=op.f('fk_service_request_requester_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request')),
    sa.UniqueConstraint('number', name=op.f('uq_service_request_number'))
    )
    op.create_index('ix_service_request_assignee_status', 'service_request', ['assignee_id', 'status'], unique=False)
    op.create_index(op.f('ix_service_request_created_at'), 'service_request', ['created_at'], unique=False)
    op.create_index(op.f('ix_service_request_group_id'), 'service_request', ['group_id'], unique=False)
    op.create_index(op.f('ix_service_request_requester_id'), 'service_request', ['requester_id'], unique=False)
    op.create_index(op.f('ix_service_request_resolve_due_at'), 'service_request', ['resolve_due_at'], unique=False)
    op.create_index(op.f('ix_service_request_response_due_at'), 'service_request', ['response_due_at'], unique=False)
    op.create_index('ix_service_request_status_category', 'service_request', ['status', 'category'], unique=False)
    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_comment_author_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_comment_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    op.create_index(op.f('ix_comment_request_id'), 'comment', ['request_id'], unique=False)
    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('template', sa.String(length=120), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_task_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_task_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['it_group.id'], name=op.f('fk_task_group_id_it_group')),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_task_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    op.create_index('ix_task_assignee_status', 'task', ['assignee_id', 'status'], unique=False)
    op.create_index(op.f('ix_task_request_id'), 'task', ['request_id'], unique=False)
    op.create_table('vendor_engagement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('engaged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promised_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('promised_completion_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_vendor_engagement_request_id_service_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_engagement_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_engagement'))
    )
    op.create_index(op.f('ix_vendor_engagement_request_id'), 'vendor_engagement', ['request_id'], unique=False)
    op.create_index(op.f('ix_vendor_engagement_vendor_id'), 'vendor_engagement', ['vendor_id'], unique=False)
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_attachment_comment_id_comment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_attachment_request_id_service_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    op.create_index(op.f('ix_attachment_request_id'), 'attachment', ['request_id'], unique=False)
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_event_request_id_service_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_event_task_id_task'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    op.create_index('ix_event_request_at', 'event', ['request_id', 'at'], unique=False)
    op.create_table('task_dependency',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('depends_on_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['depends_on_id'], ['task.id'], name=op.f('fk_task_dependency_depends_on_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_dependency_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'depends_on_id', name=op.f('pk_task_dependency'))
    )


def downgrade() -> None:
    """Drop the core's tables."""
    op.drop_table('task_dependency')
    op.drop_index('ix_event_request_at', table_name='event')
    op.drop_table('event')
    op.drop_index(op.f('ix_attachment_request_id'), table_name='attachment')
    op.drop_table('attachment')
    op.drop_index(op.f('ix_vendor_engagement_vendor_id'), table_name='vendor_engagement')
    op.drop_index(op.f('ix_vendor_engagement_request_id'), table_name='vendor_engagement')
    op.drop_table('vendor_engagement')
    op.drop_index(op.f('ix_task_request_id'), table_name='task')
    op.drop_index('ix_task_assignee_status', table_name='task')
    op.drop_table('task')
    op.drop_index(op.f('ix_comment_request_id'), table_name='comment')
    op.drop_table('comment')
    op.drop_index('ix_service_request_status_category', table_name='service_request')
    op.drop_index(op.f('ix_service_request_response_due_at'), table_name='service_request')
    op.drop_index(op.f('ix_service_request_resolve_due_at'), table_name='service_request')
    op.drop_index(op.f('ix_service_request_requester_id'), table_name='service_request')
    op.drop_index(op.f('ix_service_request_group_id'), table_name='service_request')
    op.drop_index(op.f('ix_service_request_created_at'), table_name='service_request')
    op.drop_index('ix_service_request_assignee_status', table_name='service_request')
    op.drop_table('service_request')
    op.drop_table('group_membership')
    op.drop_index(op.f('ix_user_account_email'), table_name='user_account')
    op.drop_index(op.f('ix_user_account_department_id'), table_name='user_account')
    with op.batch_alter_table('department') as batch_op:
        batch_op.drop_constraint(op.f('fk_department_head_id_user_account'), type_='foreignkey')
    op.drop_table('user_account')
    op.drop_table('vendor')
    op.drop_table('sequence')
    op.drop_table('plugin_state')
    op.drop_table('it_group')
    op.drop_table('department')
