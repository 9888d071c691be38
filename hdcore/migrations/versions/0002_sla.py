"""Service levels: business calendars and their days, SLA and reminder policies, fired actions,
the requests' next SLA check; seeds the "Mainland China" calendar and the default policies.

The seed is part of the migration (not made at first use) so that it happens once, in the
migration's own transaction under its lock, before any request is filed: no two processes race
to create it, and no user's transaction carries hidden writes. The holidays come from
``chinesecalendar`` (2026: the official arrangement with make-up working days) and
``holidays.China`` (2027: statutory holidays; the make-up days are entered when announced).

Revision ID: 0002_sla
Revises: 0001
Create Date: 2026-11-29 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002_sla'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

CALENDAR_NAME = "Mainland China"
SEED_YEARS = (2026, 2027)
WORKING_DAY = [["08:30", "12:00"], ["13:00", "17:30"]]
#: priority: (first response, resolution) in business minutes (a working day is 8 hours).
TARGETS = {
    "urgent": (30, 240),
    "high": (60, 480),
    "normal": (240, 1440),
    "low": (480, 2400),
}
LADDER = [
    {"target": "response", "percent": 100, "after_minutes": 0, "action": "notify_lead"},
    {"target": "resolution", "percent": 75, "after_minutes": 0, "action": "warn_assignee"},
    {"target": "resolution", "percent": 100, "after_minutes": 0, "action": "notify_lead"},
    {"target": "resolution", "percent": 100, "after_minutes": 240, "action": "notify_manager"},
]


def upgrade() -> None:
    """Create the SLA tables and the next-check column, and seed the defaults."""
    op.create_table('sla_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('week', JSON, nullable=False),
    sa.Column('workday_hours', JSON, nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_calendar')),
    sa.UniqueConstraint('name', name=op.f('uq_sla_calendar_name'))
    )
    op.create_table('sla_reminder_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('reminder_days', JSON, nullable=False),
    sa.Column('close_after_days', sa.Integer(), nullable=True),
    sa.Column('reopen_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_reminder_policy')),
    sa.UniqueConstraint('category', name=op.f('uq_sla_reminder_policy_category'))
    )
    op.create_table('sla_calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('hours', JSON, nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendar.id'], name=op.f('fk_sla_calendar_day_calendar_id_sla_calendar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_calendar_day')),
    sa.UniqueConstraint('calendar_id', 'day', name=op.f('uq_sla_calendar_day_calendar_id'))
    )
    op.create_table('sla_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('vendor_pauses', sa.Boolean(), nullable=False),
    sa.Column('escalation', JSON, nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendar.id'], name=op.f('fk_sla_policy_calendar_id_sla_calendar')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policy')),
    sa.UniqueConstraint('category', 'priority', name=op.f('uq_sla_policy_category'))
    )
    op.create_index(op.f('ix_sla_policy_calendar_id'), 'sla_policy', ['calendar_id'], unique=False)
    op.create_table('sla_fired_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('action_key', sa.String(length=80), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('details', JSON, nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_sla_fired_action_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_fired_action')),
    sa.UniqueConstraint('request_id', 'action_key', name=op.f('uq_sla_fired_action_request_id'))
    )
    op.add_column('service_request', sa.Column('sla_next_check_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_service_request_sla_next_check_at'), 'service_request', ['sla_next_check_at'], unique=False)
    _seed()


def _seed() -> None:
    """The "Mainland China" calendar with its holidays, and the default policies."""
    from hdcore.clock import now
    from hdcore.sla.official_days import official_days

    stamp = now()
    calendar = sa.table('sla_calendar', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                        sa.column('timezone', sa.String()), sa.column('week', JSON),
                        sa.column('workday_hours', JSON), sa.column('is_default', sa.Boolean()),
                        sa.column('description', sa.Text()),
                        sa.column('updated_at', sa.DateTime(timezone=True)))
    days = sa.table('sla_calendar_day', sa.column('calendar_id', sa.Integer()),
                    sa.column('day', sa.Date()), sa.column('kind', sa.String()),
                    sa.column('name', sa.String()), sa.column('hours', JSON),
                    sa.column('source', sa.String()))
    policy = sa.table('sla_policy', sa.column('category', sa.String()),
                      sa.column('priority', sa.String()), sa.column('response_minutes', sa.Integer()),
                      sa.column('resolution_minutes', sa.Integer()),
                      sa.column('calendar_id', sa.Integer()), sa.column('vendor_pauses', sa.Boolean()),
                      sa.column('escalation', JSON), sa.column('updated_at', sa.DateTime(timezone=True)))
    reminders = sa.table('sla_reminder_policy', sa.column('category', sa.String()),
                         sa.column('reminder_days', JSON), sa.column('close_after_days', sa.Integer()),
                         sa.column('reopen_days', sa.Integer()),
                         sa.column('updated_at', sa.DateTime(timezone=True)))
    op.bulk_insert(calendar, [{
        'id': 1, 'name': CALENDAR_NAME, 'timezone': 'Asia/Shanghai',
        'week': [WORKING_DAY] * 5 + [[], []], 'workday_hours': WORKING_DAY, 'is_default': True,
        'description': None,
        'updated_at': stamp,
    }])
    if op.get_bind().dialect.name == 'postgresql':  # the explicit id leaves the sequence behind
        op.execute("SELECT setval(pg_get_serial_sequence('sla_calendar', 'id'), "
                   "(SELECT max(id) FROM sla_calendar))")
    op.bulk_insert(days, [
        {'calendar_id': 1, 'day': d.day, 'kind': d.kind, 'name': d.name[:120], 'hours': None,
         'source': d.source}
        for year in SEED_YEARS for d in official_days(year)
    ])
    op.bulk_insert(policy, [
        {'category': '*', 'priority': priority, 'response_minutes': response,
         'resolution_minutes': resolution, 'calendar_id': 1, 'vendor_pauses': True,
         'escalation': LADDER, 'updated_at': stamp}
        for priority, (response, resolution) in TARGETS.items()
    ])
    op.bulk_insert(reminders, [{'category': '*', 'reminder_days': [2, 4], 'close_after_days': 5,
                                'reopen_days': 7, 'updated_at': stamp}])


def downgrade() -> None:
    """Drop the SLA tables and the next-check column (stored due times stay)."""
    with op.batch_alter_table('service_request') as batch:
        batch.drop_index(op.f('ix_service_request_sla_next_check_at'))
        batch.drop_column('sla_next_check_at')
    op.drop_table('sla_fired_action')
    op.drop_index(op.f('ix_sla_policy_calendar_id'), table_name='sla_policy')
    op.drop_table('sla_policy')
    op.drop_table('sla_calendar_day')
    op.drop_table('sla_reminder_policy')
    op.drop_table('sla_calendar')
