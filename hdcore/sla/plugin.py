"""Service levels as an essential plugin: due times kept in step with every event, and the
worker's sweeps (escalations, reminders and auto-close)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import Permission
from hdcore.sla import jobs
from hdcore.sla.duetime import refresh
from hdcore.worker import Job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hdcore.models import Event, ServiceRequest

#: The right to edit business calendars and SLA policies.
MANAGE_PERMISSION = "sla.manage"
#: How often the worker looks for actions that fell due.
SWEEP_EVERY = timedelta(minutes=1)


class SlaPlugin(HelpdeskPlugin):
    """Due times, escalation levels and the reminder ladder; cannot be disabled."""

    name = "sla"
    title = _("Service levels")
    description = _("Business-time due dates, automatic escalation, reminders and the "
                    "closing of requests nobody confirms.")
    essential = True

    @hookimpl
    def hd_on_event(self, session: Session, request: ServiceRequest, event: Event) -> None:
        """Recompute the request's due times and next check in the change's transaction."""
        refresh(session, request)

    @hookimpl
    def hd_worker_jobs(self) -> list[Job]:
        """The two sweeps: escalation levels, and the reminder ladder with auto-close."""
        return [
            Job(jobs.ESCALATION_JOB, SWEEP_EVERY, jobs.escalation_job),
            Job(jobs.REMINDER_JOB, SWEEP_EVERY, jobs.reminder_job),
        ]

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """Who edits calendars and policies (administrators hold every right anyway)."""
        return [Permission(MANAGE_PERMISSION, _("Edit business calendars and SLA policies"),
                           frozenset({"admin"}))]
