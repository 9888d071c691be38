"""The notifications plugin: an essential core plugin that turns history into notices and mail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.models import Event, ServiceRequest
from hdcore.notify.compose import deliver
from hdcore.notify.rules import notices_for
from hdcore.notify.sender import send_outbox
from hdcore.plugin import HelpdeskPlugin
from hdcore.worker import Job


class NotificationsPlugin(HelpdeskPlugin):
    """Tells people what happened to their requests, in the application and by e-mail."""

    name = "notifications"
    title = _("Notifications")
    description = _("In-app notifications and e-mail through an outbox that survives outages.")
    essential = True

    @hookimpl
    def hd_on_event(self, session: Session, request: ServiceRequest, event: Event) -> None:
        """Write the notifications and outbox e-mails the event causes, in its transaction."""
        # No flush from here: the service decides when its rows are written (and versioned).
        with session.no_autoflush:
            for notice in notices_for(session, request, event):
                deliver(session, request, event, notice)

    @hookimpl
    def hd_worker_jobs(self) -> list[Job]:
        """Send the outbox every few seconds."""
        return [Job("outbox", timedelta(seconds=10), send_outbox)]
