"""Service levels for people: how a request's due times were computed, and de-escalation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from hdcore.clock import now
from hdcore.errors import PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Event, ServiceRequest, User, utcnow
from hdcore.services.access import require_view
from hdcore.services.base import check_version, get_request, record, service
from hdcore.sla.explain import Explanation, explain
from hdcore.workflow import SUPERVISORS

NOTE_MAX = 2000


def explain_due_times(session: Session, actor: User, request_id: int | str, *,
                      events: Sequence[Event] | None = None) -> Explanation | None:
    """Why the request is due when it is: per target, the business hours that counted, the
    pauses and their reasons, the holidays and non-working days skipped (None: no policy
    applies). Anyone who may see the request may see this.

    ``events`` are all the request's stored events, in order, when the caller has read them
    already (the request page has, for its history).
    """
    req = get_request(session, request_id)
    require_view(actor, req)
    return explain(session, req, now(), events)


@service
def de_escalate(session: Session, actor: User, request_id: int | str, note: str = "", *,
                expected_version: int | None = None) -> ServiceRequest:
    """The lead or a manager takes a request off the escalated list (level back to 0), with an
    optional note for the history. Automatic levels that already fired do not fire again."""
    req = get_request(session, request_id)
    require_view(actor, req)
    if actor.role not in SUPERVISORS:
        raise PermissionDenied(str(_("Only the help desk lead or a manager can de-escalate.")))
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": [str(_("At most %(n)d characters.")) % {"n": NOTE_MAX}]})
    if not req.escalation_level:
        raise TransitionRefused(str(_("The request is not escalated.")))
    check_version(req, expected_version)
    old = req.escalation_level
    req.escalation_level = 0
    req.updated_at = utcnow()
    record(session, req, actor, "de_escalated", {"escalation_level": [old, 0]},
           {"note": note} if note else {}, public=False)
    return req
