"""The e-mail intake as an essential core plugin: its worker jobs, right, settings and guard."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.mail.imap import poll
from hdcore.mail.intake import retry_pending
from hdcore.mail.routing import DEFAULT_ROUTING, MailRoutingSettings
from hdcore.models import Channel, Event, ServiceRequest
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import Permission
from hdcore.services.base import host_of, load
from hdcore.worker import Job
from hdcore.workflow import SUPERVISORS, StateKind, TransitionContext


def missing_details(session: Session, request: ServiceRequest) -> list[str]:
    """Labels of the category fields a request filed by e-mail still lacks (empty: complete).

    Only requests filed without their details (``details_missing`` in the ``created`` event)
    are checked, so a later change of a category's schema never blocks old requests.
    """
    if request.channel != Channel.EMAIL.value:
        return []
    created = session.scalar(select(Event.data).where(Event.request_id == request.id,
                                                      Event.kind == "created"))
    if not (created or {}).get("details_missing"):
        return []
    schema = host_of(session).request_schema(request.category)
    _loaded, errors = load(schema, request.details)
    fields = schema().fields
    names = sorted({key.split(".")[0] for key in errors})
    return [str(fields[n].metadata.get("label", n)) if n in fields else n for n in names]


class MailPlugin(HelpdeskPlugin):
    """Requests and replies by e-mail: IMAP polling, retries, triage right, routing settings."""

    name = "mail"
    title = _("E-mail intake")
    description = _("Employees write to the help desk by e-mail: a new message opens a "
                    "request, a reply is added to its request. Auto-replies, bounces and "
                    "mailing lists are recognised and never answered.")
    essential = True
    settings_schema = MailRoutingSettings
    default_settings = DEFAULT_ROUTING

    @hookimpl
    def hd_worker_jobs(self) -> list[Job]:
        """Poll the IMAP mailbox (when one is configured) and retry unprocessed mail."""
        return [
            Job("mail_poll", timedelta(minutes=1), poll),
            Job("mail_retry", timedelta(minutes=5), retry_pending),
        ]

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """Filing or discarding held mail."""
        return [Permission("mail.triage", _("File or discard e-mail the help desk held"),
                           frozenset(SUPERVISORS))]

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> list[str] | None:
        """A request filed by e-mail gets its category's details before its category's own
        steps or its resolution (those rely on them; the core's steps, such as asking the
        requester, stay open)."""
        wf = host_of(ctx.session).workflow(ctx.request.category)
        category_step = ctx.transition.origin not in ("", "core")
        resolving = wf.kind(ctx.transition.target) is StateKind.RESOLVED
        if not (category_step or resolving):
            return None
        missing = missing_details(ctx.session, ctx.request)
        if not missing:
            return None
        return [str(_("The request came by e-mail without its details; complete them first "
                      "(edit the request): %(fields)s.")) % {"fields": ", ".join(missing)}]
