"""Escalating overdue vendor work: once per broken promise, to the technician who owns it.

The worker's ``vendor_overdue`` job finds open engagements whose promised response or
completion has passed with nothing recorded, claims each with a conditional UPDATE of its
``*_overdue_at`` column (whoever sets it first escalates; a second worker, or the same job run
again, finds it set), and writes a ``vendor_overdue`` event in the request's history. The
vendors plugin turns that event into a notification for the request's owner.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hdcore.i18n import lazy_gettext as _
from hdcore.models import VendorEngagement
from hdcore.services.base import company_timezone, record, service
from hdcore.vendors.clock import COMPLETION, RESPONSE

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

JOB = "vendor_overdue"
EVENT = "vendor_overdue"
BATCH = 100

_COLUMNS = {
    RESPONSE: ("promised_response_at", "responded_at", "response_overdue_at"),
    COMPLETION: ("promised_completion_at", "completed_at", "completion_overdue_at"),
}


def overdue_job(helpdesk: HelpDesk, now: datetime) -> int:
    """The ``vendor_overdue`` job: escalate every broken promise not escalated yet."""
    with helpdesk.session_scope() as session:
        return escalate_overdue(session, now)


def reason(facts: dict[str, Any]) -> str:
    """The sentence for people, in the current locale (the facts stay beside it)."""
    values = {"vendor": facts["vendor"], "reference": facts.get("reference") or "-",
              "promised": facts.get("promised_local") or ""}
    if facts["target"] == RESPONSE:
        return str(_("%(vendor)s (reference %(reference)s) has not responded; they promised "
                     "to by %(promised)s.")) % values
    return str(_("%(vendor)s (reference %(reference)s) has not finished the job; they "
                 "promised to by %(promised)s.")) % values


@service
def escalate_overdue(session: Session, now: datetime, batch: int = BATCH) -> int:
    """Escalate the vendor work overdue at ``now`` (each promise once); how many."""
    table = VendorEngagement.__table__
    zone = company_timezone(session)
    taken = 0
    for target, (promised, actual, flag) in _COLUMNS.items():
        ids = session.scalars(
            select(table.c.id).where(table.c.status == "open", table.c[promised].is_not(None),
                                     table.c[promised] < now, table.c[actual].is_(None),
                                     table.c[flag].is_(None))
            .order_by(table.c[promised], table.c.id).limit(batch)).all()
        for eng_id in ids:
            claimed = session.execute(update(table).where(
                table.c.id == eng_id, table.c[flag].is_(None)).values({flag: now}))
            if not claimed.rowcount:  # type: ignore[attr-defined]
                continue
            eng = session.get(VendorEngagement, eng_id, populate_existing=True)
            assert eng is not None
            due: datetime = getattr(eng, promised)
            facts = {
                "engagement_id": eng.id, "vendor": eng.vendor.name, "vendor_id": eng.vendor_id,
                "reference": eng.reference, "target": target, "promised_at": due.isoformat(),
                "promised_local": due.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "assignee_id": eng.request.assignee_id, "task_id": eng.task_id,
                "automatic": True,
            }
            facts["reason"] = reason(facts)
            record(session, eng.request, None, EVENT, data=facts, public=False)
            taken += 1
    return taken
