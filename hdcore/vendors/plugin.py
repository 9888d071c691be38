"""Vendor tracking as an essential plugin: the overdue sweep, the owner's notification, and
counting a request reopened after a vendor's work as a reopening of that work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.hookspecs import hookimpl
from hdcore.i18n import lazy_gettext as _
from hdcore.i18n import use_locale
from hdcore.models import Event, Group, Role, ServiceRequest, User, VendorEngagement
from hdcore.notify import kinds
from hdcore.notify.compose import deliver, locale_of
from hdcore.notify.rules import Notice, excerpt
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import Permission
from hdcore.vendors import overdue
from hdcore.worker import Job

#: The right to keep the vendor register (leads and managers; administrators hold all).
MANAGE_PERMISSION = "vendors.manage"
#: How often the worker looks for overdue vendor work.
SWEEP_EVERY = timedelta(minutes=5)


def owners(session: Session, request: ServiceRequest) -> list[User]:
    """Who owns the request: its technician, else its group's staff, else the leads."""
    if request.assignee is not None and request.assignee.is_active:
        return [request.assignee]
    group = session.get(Group, request.group_id) if request.group_id else None
    members = [u for u in (group.members if group else []) if u.is_active and u.is_staff]
    if members:
        return sorted(members, key=lambda u: u.id)
    return list(session.scalars(select(User).where(User.role == Role.LEAD.value,
                                                   User.is_active.is_(True)).order_by(User.id)))


def notify_overdue(session: Session, request: ServiceRequest, event: Event) -> None:
    """Tell the owner, in their own language, that a vendor broke a promise."""
    by_locale: dict[str, list[User]] = {}
    for user in owners(session, request):
        by_locale.setdefault(locale_of(user), []).append(user)
    for locale, people in by_locale.items():
        with use_locale(locale):
            text = overdue.reason(dict(event.data or {}))
        notice = Notice(kinds.ESCALATED, people,
                        {"level": request.escalation_level, "reason": excerpt(text)},
                        {"reason": text, "level": request.escalation_level})
        notice.params = {"number": request.number, "title": excerpt(request.title, 200),
                         "actor": "", **notice.params}
        deliver(session, request, event, notice)


def count_reopening(session: Session, request: ServiceRequest) -> None:
    """A reopened request reopens the vendor work that had finished it (the latest job)."""
    with session.no_autoflush:
        eng = session.scalar(select(VendorEngagement).where(
            VendorEngagement.request_id == request.id, VendorEngagement.status == "done",
            VendorEngagement.completed_at.is_not(None))
            .order_by(VendorEngagement.completed_at.desc(), VendorEngagement.id.desc()).limit(1))
    if eng is not None:
        eng.reopen_count = (eng.reopen_count or 0) + 1


class VendorsPlugin(HelpdeskPlugin):
    """Keeps vendors to their word; cannot be disabled."""

    name = "vendors"
    title = _("Vendors")
    description = _("The vendor register with contracts and service terms, the vendor's clock "
                    "in business time, escalation of overdue vendor work, and scorecards.")
    essential = True

    @hookimpl
    def hd_on_event(self, session: Session, request: ServiceRequest, event: Event) -> None:
        """Notify the owner of overdue vendor work; count reopenings against the vendor."""
        if event.kind == overdue.EVENT:
            with session.no_autoflush:
                notify_overdue(session, request, event)
        elif event.kind == "transition" and (event.data or {}).get("transition") == "reopen":
            count_reopening(session, request)

    @hookimpl
    def hd_worker_jobs(self) -> list[Job]:
        """The overdue sweep."""
        return [Job(overdue.JOB, SWEEP_EVERY, overdue.overdue_job)]

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """Who keeps the vendor register."""
        return [Permission(MANAGE_PERMISSION, _("Keep the vendor register and contracts"),
                           frozenset({"lead", "manager", "admin"}))]
