"""The help desk acting on its own (the worker's sweeps): the system actor and its steps.

The system is no account: its history rows carry no actor (``actor_id`` None, shown as
"System"). Plugins' guards and reactions still see an actor object during a system step, one
that answers the questions they ask of a user (``is_staff``, ``username``, ``role``) as IT
staff would, so a category's own bookkeeping (ending a vendor's engagement when a request
closes) runs as it does for people.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hdcore.errors import TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import ServiceRequest, User
from hdcore.services.base import get_request, host_of, load, service

#: ``Transition.meta["via"]`` of the steps only the system takes.
VIA_SYSTEM = "system"


class SystemActor:
    """Stands in for a user while the system takes a step; recorded as no actor at all."""

    id = None
    username = "system"
    full_name = "System"
    role = "system"
    email = None
    locale = None
    timezone = "Asia/Shanghai"
    department = None
    department_id = None
    groups: list[Any] = []
    is_active = True
    is_staff = True
    is_supervisor = False
    is_system = True

    def __repr__(self) -> str:
        return "<SystemActor>"


SYSTEM = SystemActor()


def is_system(actor: object) -> bool:
    """Whether ``actor`` is the system rather than a person."""
    return bool(getattr(actor, "is_system", False))


@service
def system_transition(session: Session, request_id: int | str, name: str,
                      data: dict[str, Any] | None = None) -> ServiceRequest:
    """Take the system's own step ``name`` (one whose ``meta["via"]`` is ``"system"``).

    Guards and plugins' vetoes apply as to any step; the history records it with no actor and
    ``automatic: true``.
    """
    from hdcore.services.workflow import take_step

    req = get_request(session, request_id)
    wf = host_of(session).workflow(req.category)
    t = wf.transition(name)
    if t is None or t.meta.get("via") != VIA_SYSTEM:
        raise TransitionRefused(str(_("Unknown step %(name)s.")) % {"name": name})
    if req.status not in t.sources:
        raise TransitionRefused(
            str(_("“%(step)s” is not possible while the request is “%(state)s”."))
            % {"step": str(t.label), "state": str(wf.state(req.status).label)}
        )
    loaded: dict[str, Any] = {}
    if t.schema is not None:
        loaded, errors = load(t.schema, data)
        if errors:
            raise ValidationFailed(errors)
    actor: User = SYSTEM  # type: ignore[assignment]
    return take_step(session, actor, req, t, loaded, {"automatic": True})
