"""The resource manager and automatic assignment: skills, capacity, leave, routing rules.

Revision ID: 0003_resources
Revises: 0001
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003_resources'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the resource and routing tables; give IT groups a kind and a policy."""
    op.add_column('it_group', sa.Column('kind', sa.String(length=16), nullable=True))
    op.add_column('it_group', sa.Column('assignment_policy', sa.String(length=16), server_default='least_loaded', nullable=False))
    op.create_table('skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill')),
    sa.UniqueConstraint('name', name=op.f('uq_skill_name'))
    )
    op.create_table('user_skill',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 3', name=op.f('ck_user_skill_level')),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_user_skill_skill_id_skill'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_skill_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'skill_id', name=op.f('pk_user_skill'))
    )
    op.create_index('ix_user_skill_skill_id', 'user_skill', ['skill_id'], unique=False)
    op.create_table('staff_capacity',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_staff_capacity_capacity')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_capacity_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_capacity'))
    )
    op.create_table('role_capacity',
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_role_capacity_capacity')),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_role_capacity'))
    )
    op.create_table('staff_leave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_staff_leave_dates')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_staff_leave_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_leave_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_leave'))
    )
    op.create_index('ix_staff_leave_user_id_ends_on', 'staff_leave', ['user_id', 'ends_on'], unique=False)
    op.create_table('routing_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('conditions', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['it_group.id'], name=op.f('fk_routing_rule_group_id_it_group')),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_routing_rule_skill_id_skill')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rule'))
    )
    op.create_index('ix_routing_rule_category_position', 'routing_rule', ['category', 'position'], unique=False)
    op.create_index(op.f('ix_routing_rule_group_id'), 'routing_rule', ['group_id'], unique=False)
    op.create_index(op.f('ix_routing_rule_skill_id'), 'routing_rule', ['skill_id'], unique=False)
    op.create_table('routing_setting',
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('use_suggestion', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('category', name=op.f('pk_routing_setting'))
    )
    op.create_table('routing_pointer',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('last_user_id', sa.Integer(), nullable=True),
    sa.Column('turns', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['it_group.id'], name=op.f('fk_routing_pointer_group_id_it_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['last_user_id'], ['user_account.id'], name=op.f('fk_routing_pointer_last_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_routing_pointer'))
    )


def downgrade() -> None:
    """Drop the resource and routing tables and the groups' kind and policy."""
    op.drop_table('routing_pointer')
    op.drop_table('routing_setting')
    op.drop_index(op.f('ix_routing_rule_skill_id'), table_name='routing_rule')
    op.drop_index(op.f('ix_routing_rule_group_id'), table_name='routing_rule')
    op.drop_index('ix_routing_rule_category_position', table_name='routing_rule')
    op.drop_table('routing_rule')
    op.drop_index('ix_staff_leave_user_id_ends_on', table_name='staff_leave')
    op.drop_table('staff_leave')
    op.drop_table('role_capacity')
    op.drop_table('staff_capacity')
    op.drop_index('ix_user_skill_skill_id', table_name='user_skill')
    op.drop_table('user_skill')
    op.drop_table('skill')
    # A batch block: SQLite rebuilds the table, PostgreSQL simply drops the columns.
    with op.batch_alter_table('it_group') as batch_op:
        batch_op.drop_column('assignment_policy')
        batch_op.drop_column('kind')
