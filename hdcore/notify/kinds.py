"""The kinds of notification: their names, who they are for, and their one-line text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdcore.i18n import LazyString
from hdcore.i18n import lazy_gettext as _

RECEIVED = "received"
ASSIGNED = "assigned"
REPLY = "reply"
WAITING = "waiting"
RESOLVED = "resolved"
REMINDER = "reminder"
CLOSED = "closed"
REOPENED = "reopened"
ESCALATED = "escalated"
TASK_ASSIGNED = "task_assigned"
DUE_SOON = "due_soon"
LOW_RATING = "low_rating"


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its label (for the preferences page) and its audience."""

    name: str
    label: LazyString
    help: LazyString
    #: Sent to requesters (every account), or to IT staff only.
    staff_only: bool = False


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind(RECEIVED, _("Request received"),
         _("Confirmation with the request's number when a request is filed for you.")),
    Kind(REPLY, _("New reply"), _("Someone wrote on a request of yours or one you work on.")),
    Kind(WAITING, _("Waiting for you"), _("IT asks you for information to go on.")),
    Kind(RESOLVED, _("Request resolved"), _("IT solved your request: confirm it or reopen it.")),
    Kind(REMINDER, _("Reminder"), _("A solved request still waits for your confirmation.")),
    Kind(CLOSED, _("Request closed"), _("Your request was closed: rate the service.")),
    Kind(ASSIGNED, _("Request assigned"), _("A request was assigned to you or your group."),
         staff_only=True),
    Kind(TASK_ASSIGNED, _("Task assigned"), _("A task was assigned to you or your group."),
         staff_only=True),
    Kind(REOPENED, _("Request reopened"), _("A request you work on was reopened."),
         staff_only=True),
    Kind(DUE_SOON, _("Time target at risk"),
         _("A request you work on is close to missing its time target."), staff_only=True),
    Kind(ESCALATED, _("Request escalated"),
         _("A request was escalated (for the lead, the managers and its assignee)."),
         staff_only=True),
    Kind(LOW_RATING, _("Low satisfaction score"),
         _("A requester gave a low score to the service (for the leads)."), staff_only=True),
)}


def kinds_for(is_staff: bool) -> list[Kind]:
    """The kinds a person can receive: requesters' kinds for everyone, the rest for staff."""
    return [k for k in KINDS.values() if is_staff or not k.staff_only]


def describe(kind: str, params: Mapping[str, Any]) -> str:
    """The notification's one line, in the current locale (``params`` as stored)."""
    p = {"number": "", "title": "", "actor": "", "excerpt": "", "group": "", "task": "",
         "level": "", "reason": "", **params}
    if kind == RECEIVED:
        return _("Your request %(number)s was received: %(title)s") % p
    if kind == ASSIGNED:
        if p.get("group") and not p.get("personal"):
            return _("%(number)s was assigned to your group %(group)s: %(title)s") % p
        return _("%(number)s was assigned to you: %(title)s") % p
    if kind == REPLY:
        return _("%(actor)s wrote on %(number)s: %(excerpt)s") % p
    if kind == WAITING:
        return _("IT needs information from you on %(number)s: %(excerpt)s") % p
    if kind == RESOLVED:
        return _("%(number)s was resolved; please confirm or reopen it") % p
    if kind == REMINDER:
        return _("Reminder: %(number)s is waiting for your confirmation") % p
    if kind == CLOSED:
        if p.get("rated"):
            return _("%(number)s was closed") % p
        return _("%(number)s was closed; please rate the service") % p
    if kind == REOPENED:
        return _("%(actor)s reopened %(number)s: %(excerpt)s") % p
    if kind == ESCALATED:
        if p.get("late"):
            return _("%(number)s was escalated (level %(level)s): its time target was missed") % p
        return _("%(number)s was escalated (level %(level)s): %(reason)s") % p
    if kind == DUE_SOON:
        return _("%(number)s is close to missing its time target: %(title)s") % p
    if kind == LOW_RATING:
        return _("%(number)s was rated %(score)s out of 5: %(excerpt)s") % {"score": "", **p}
    if kind == TASK_ASSIGNED:
        if p.get("group") and not p.get("personal"):
            return _("Task “%(task)s” on %(number)s was assigned to your group %(group)s") % p
        return _("Task “%(task)s” on %(number)s was assigned to you") % p
    return f"{p['number']}: {p['title']}"
