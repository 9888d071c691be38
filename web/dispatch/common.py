"""What the dispatch and management pages share: links to a request, the assign form and its
choices with each person's and group's open work."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hdcore import (
    CategoryDisabled,
    Conflict,
    PermissionDenied,
    Role,
    ServiceRequest,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from hdcore.queries.workload import GroupLoad, PersonLoad, group_workload, staff_workload
from web.context import db
from web.views_common import flash_refusal

#: Where the full request workspace lives, best first (the portal page is the fallback).
REQUEST_PAGES = ("desk.request", "desk.request_page")


def request_url(number: str) -> str:
    """The page where staff open a request: the desk's workspace, else the portal's page."""
    for endpoint in REQUEST_PAGES:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, number=number)
    return url_for("portal.detail", number=number)


def form_int(name: str) -> int | None:
    """A posted whole number (a select's id), or None when empty or not a number."""
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


def arg_int(name: str) -> int | None:
    """A whole number from the query string, or None."""
    raw = (request.args.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


@dataclass
class AssignChoices:
    """Who a request can go to, each with their open work: technicians, other staff, groups."""

    technicians: list[PersonLoad]
    others: list[PersonLoad]
    groups: list[GroupLoad]

    def person(self, user_id: int | None) -> PersonLoad | None:
        """The listed person with this id."""
        return next((p for p in self.technicians + self.others if p.user.id == user_id), None)

    def group(self, group_id: int | None) -> GroupLoad | None:
        """The listed group with this id."""
        return next((g for g in self.groups if g.group.id == group_id), None)


def assign_choices() -> AssignChoices:
    """Active IT staff and every group, with their open work (two grouped queries)."""
    people = [p for p in staff_workload(db()) if p.user.is_active and p.user.is_staff]
    return AssignChoices(
        technicians=[p for p in people if p.user.role == Role.TECHNICIAN.value],
        others=[p for p in people if p.user.role != Role.TECHNICIAN.value],
        groups=group_workload(db()),
    )


@dataclass
class AssignState:
    """An assign form drawn again after a refused post: the choice kept, why it was refused."""

    number: str
    assignee_id: int | None = None
    group_id: int | None = None
    reason: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: Someone else changed the request after the form was drawn.
    conflict: bool = False

    def other_errors(self) -> list[str]:
        """Errors that belong to neither select nor the reason."""
        return [m for k, msgs in self.errors.items()
                if k not in ("assignee", "group", "reason") for m in msgs]


def assigned_to_text(req: ServiceRequest) -> str:
    """Who has the request now, in words."""
    if req.assignee is not None and req.group is not None:
        return f"{req.assignee.full_name} ({req.group.name})"
    if req.assignee is not None:
        return req.assignee.full_name
    if req.group is not None:
        return req.group.name
    return _("nobody")


def submit_assign(req: ServiceRequest) -> AssignState | None:
    """Assign ``req`` as posted (``assignee``, ``group``, ``reason``, ``version``).

    Returns None when done or refused outright (a flash says which); the form's state when it
    must be drawn again: a bad choice, or a stale version (the request changed meanwhile).
    """
    state = AssignState(req.number, form_int("assignee"), form_int("group"),
                        (request.form.get("reason") or "").strip()[:2000])
    try:
        done = svc.assign(db(), current_user, req.id, assignee=state.assignee_id,
                          group=state.group_id, reason=state.reason,
                          expected_version=form_int("version"))
    except ValidationFailed as exc:
        state.errors = exc.errors
        return state
    except Conflict:
        state.conflict = True
        return state
    except (TransitionRefused, PermissionDenied, CategoryDisabled) as exc:
        flash_refusal(exc)
        return None
    flash(_("%(number)s is now with %(who)s.", number=done.number, who=assigned_to_text(done)),
          "success")
    return None
