"""Why a request went where it went: the latest automatic assignment's reasons, on the desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from hdcore import Event, ServiceRequest, User
from hdcore.routing import POLICIES, SKIP_REASONS, describe, fields_by_name
from web.context import db
from web.desk.blueprint import bp


@dataclass
class RoutingWhy:
    """What the request page shows about automatic assignment."""

    #: The automatic ``assigned`` event, or the ``unrouted`` one when no route was found.
    event: Event
    data: dict[str, Any]
    automatic: bool
    conditions: list[str] = field(default_factory=list)
    #: A later assignment by hand (the lead's override), with who made it.
    overridden: Event | None = None
    overridden_by: User | None = None

    def until(self, seen: dict[str, Any]) -> date | None:
        """The last day of leave of a member skipped for it."""
        value = seen.get("until")
        return date.fromisoformat(value) if value else None


def routing_why(req: ServiceRequest) -> RoutingWhy | None:
    """The reasons of the latest automatic assignment of ``req`` (or of finding no route)."""
    events = list(db().scalars(
        select(Event).where(Event.request_id == req.id,
                            Event.kind.in_(("assigned", "unrouted")))
        .order_by(Event.id)))
    auto = [ev for ev in events
            if ev.kind == "unrouted" or (ev.data or {}).get("routing")]
    if not auto:
        return None
    latest = auto[-1]
    if latest.kind == "unrouted":
        later = [ev for ev in events if ev.id > latest.id]
        why = RoutingWhy(event=latest, data=dict(latest.data or {}), automatic=False)
    else:
        routing = dict(latest.data["routing"])
        rule = routing.get("rule") or {}
        fields = fields_by_name(db(), req.category)
        why = RoutingWhy(event=latest, data=routing, automatic=True,
                         conditions=[describe(fields, c) for c in rule.get("conditions", [])])
        later = [ev for ev in events if ev.id > latest.id and ev.kind == "assigned"]
    if later:
        why.overridden = later[-1]
        if later[-1].actor_id:
            why.overridden_by = db().get(User, later[-1].actor_id)
    return why


@bp.context_processor
def _routing_helpers() -> dict[str, Any]:
    return {"routing_why": routing_why, "routing_policies": POLICIES,
            "routing_skips": SKIP_REASONS}
