"""Assigning a request to a technician, an IT group, or both."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.errors import PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Group, ServiceRequest, User, utcnow
from hdcore.services.access import group_ids, require_staff, require_view
from hdcore.services.base import check_version, get_request, get_user, host_of, record, service
from hdcore.services.tasks import _group
from hdcore.workflow import SUPERVISORS


def _technician_may_assign(actor: User, req: ServiceRequest, person: User | None,
                           grp: Group | None) -> bool:
    """Technicians take requests for themselves, or hand over ones that are theirs."""
    mine = req.assignee_id == actor.id or (
        req.group_id is not None and req.group_id in group_ids(actor)
    )
    taking = person is not None and person.id == actor.id and (
        req.assignee_id is None or mine
    )
    return taking or mine


@service
def assign(
    session: Session,
    actor: User | None,
    request_id: int | str,
    *,
    assignee: int | str | User | None = None,
    group: int | str | Group | None = None,
    reason: str = "",
    expected_version: int | None = None,
    data: Mapping[str, Any] | None = None,
) -> ServiceRequest:
    """Assign a request to a person and/or a group; a new request becomes *assigned*.

    Supervisors assign anything; a technician may take an unassigned request or one of their
    group's, and hand over their own. The assignee must be active IT staff.

    ``actor`` None is **the system**: automatic assignment (:mod:`hdcore.routing`) calls it so,
    nested in the submission's transaction. It skips the permission checks (no person acts),
    keeps every other check, and records the event without an actor. Interfaces always pass
    the signed-in user, never None. ``data`` is stored in the event beside the reason (the
    routing's reasons under ``"routing"``).
    """
    req = get_request(session, request_id)
    if actor is not None:
        require_view(actor, req)
        require_staff(actor)
    wf = host_of(session).workflow(req.category)
    if wf.is_final(req.status):
        raise TransitionRefused(str(_("A closed request cannot be reassigned.")))
    errors: dict[str, list[str]] = {}
    person = grp = None
    try:
        person = get_user(session, assignee, "assignee")
        if person is not None and not person.is_staff:
            errors["assignee"] = [str(_("Requests go to IT staff."))]
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        grp = _group(session, group, "group")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if person is None and grp is None and not errors:
        errors["assignee"] = [str(_("Choose a person or a group."))]
    if errors:
        raise ValidationFailed(errors)
    if (actor is not None and actor.role not in SUPERVISORS
            and not _technician_may_assign(actor, req, person, grp)):
        raise PermissionDenied(str(_("Only the help desk lead can assign this request.")))
    check_version(req, expected_version)

    changes: dict[str, list[object]] = {}
    if (person.id if person else None) != req.assignee_id:
        changes["assignee_id"] = [req.assignee_id, person.id if person else None]
    new_group_id = grp.id if grp else (req.group_id if person is not None else None)
    if new_group_id != req.group_id:
        changes["group_id"] = [req.group_id, new_group_id]
    req.assignee = person
    req.group_id = new_group_id
    if req.status == "new" and "assign" in wf.transitions:
        changes["status"] = [req.status, wf.transitions["assign"].target]
        req.status = wf.transitions["assign"].target
    req.updated_at = utcnow()
    event_data = {**(data or {}), **({"reason": reason} if reason else {})}
    record(session, req, actor, "assigned", changes, event_data, public=True)
    signals.emit(session, signals.request_assigned, "assign", request_id=req.id,
                 assignee_id=req.assignee_id, group_id=req.group_id,
                 actor_id=actor.id if actor is not None else None)
    return req
