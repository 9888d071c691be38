"""The manager's overview: open work by group and by person, and the oldest open requests."""

from __future__ import annotations

from flask import render_template

from hdcore.models import utcnow
from hdcore.queries.workload import (
    LIVE_KINDS,
    group_workload,
    oldest_open,
    staff_workload,
    total_workload,
    unassigned_workload,
)
from web.context import db
from web.manage.blueprint import bp

#: How many of the oldest open requests the overview lists.
OLDEST = 10


@bp.route("/")
def overview() -> str:
    """Counts by state kind, overdue and escalated, per group and per person."""
    now = utcnow()
    return render_template(
        "manage/overview.html", kinds=[k.value for k in LIVE_KINDS],
        people=staff_workload(db(), now=now, include_idle=False),
        groups=group_workload(db(), now=now), nobody=unassigned_workload(db(), now=now),
        total=total_workload(db(), now=now), oldest=oldest_open(db(), OLDEST), now=now,
    )
