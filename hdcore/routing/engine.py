"""Automatic assignment of a new request, made through ``assign`` with its reasons recorded.

The route comes from a rule, else from the plugin's suggestion; the group's policy picks the
person. Called by ``submit_request`` inside the submission's transaction. A category is routed
only while its automatic assignment is switched on (:class:`~hdcore.models.RoutingSetting`). The
whole decision runs in a savepoint: if the assignment is refused (a group removed meanwhile),
the request is still filed, unassigned, and an internal ``unrouted`` event says why. The
``assigned`` event's ``data["routing"]`` holds the reasons (see :func:`route_new_request`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import shared_config
from hdcore.errors import HelpdeskError
from hdcore.models import Group, RoutingRule, RoutingSetting, ServiceRequest, Skill, User
from hdcore.plugin_types import RouteSuggestion
from hdcore.routing.conditions import conditions_hold
from hdcore.routing.policies import Pick, pick, survey
from hdcore.services.base import record


@dataclass
class Route:
    """Where a request goes before a person is picked, and on whose word."""

    source: str
    group: Group | None
    skill: Skill | None = None
    rule: RoutingRule | None = None
    suggestion: RouteSuggestion | None = None
    #: A person named by the plugin's suggestion.
    person: User | None = None


shared_config.watch(RoutingSetting)


def setting_of(session: Session, category: str) -> RoutingSetting | None:
    """The category's routing switch (None: never set, so automatic assignment is off)."""
    return session.get(RoutingSetting, category)


def switch_of(session: Session, category: str) -> tuple[bool, bool]:
    """Whether the category routes new requests, and whether it follows its plugin's
    suggestions: asked for every request filed, so kept per process (hdcore.shared_config)."""
    kept = shared_config.cache(session, "routing")
    found = kept.get(category)
    if found is None:
        row = setting_of(session, category)
        found = (False, False) if row is None else (bool(row.enabled), bool(row.use_suggestion))
        kept[category] = found
    return found  # type: ignore[no-any-return]


def rules_of(session: Session, category: str, *, enabled_only: bool = False
             ) -> list[RoutingRule]:
    """The category's rules in the order they are tried."""
    query = select(RoutingRule).where(RoutingRule.category == category)
    if enabled_only:
        query = query.where(RoutingRule.enabled.is_(True))
    return list(session.scalars(query.order_by(RoutingRule.position, RoutingRule.id)))


def matching_rule(session: Session, request: ServiceRequest) -> RoutingRule | None:
    """The first enabled rule of the request's category whose conditions it meets."""
    return next((r for r in rules_of(session, request.category, enabled_only=True)
                 if conditions_hold(request, r.conditions or [])), None)


def _suggested_route(session: Session, suggestion: RouteSuggestion
                     ) -> tuple[Route | None, str | None]:
    """The route a plugin suggested, or None and why it cannot be followed."""
    group = person = None
    if suggestion.group:
        group = session.scalar(select(Group).where(Group.name == suggestion.group))
        if group is None:
            return None, "unknown_group"
    if suggestion.assignee:
        person = session.scalar(select(User).where(User.username == suggestion.assignee))
        if person is None and group is None:
            return None, "unknown_person"
    if group is None and person is None:
        return None, "empty_suggestion"
    return Route("suggestion", group, suggestion=suggestion, person=person), None


def _rule_data(rule: RoutingRule) -> dict[str, Any]:
    return {"id": rule.id, "name": rule.name, "position": rule.position,
            "conditions": list(rule.conditions or [])}


def _suggestion_data(s: RouteSuggestion) -> dict[str, Any]:
    return {"group": s.group, "assignee": s.assignee, "reason": str(s.reason or "")}


def _decide(session: Session, route: Route) -> tuple[User | None, Pick | None, dict[str, Any]]:
    """The person for ``route``: the suggested one if available, else the group's policy."""
    extra: dict[str, Any] = {}
    if route.person is not None:
        seen = survey(session, [route.person])[0]
        extra["suggested_person"] = seen.as_data()
        if seen.skipped is None:
            return route.person, None, extra
        if route.group is None:
            return None, None, extra
    assert route.group is not None
    result = pick(session, route.group, skill=route.skill)
    return result.chosen, result, extra


def _why(route: Route, person: User | None, result: Pick | None,
         extra: dict[str, Any]) -> dict[str, Any]:
    """The reasons of an automatic assignment, as stored in the ``assigned`` event."""
    why: dict[str, Any] = {
        "source": route.source,
        "rule": _rule_data(route.rule) if route.rule is not None else None,
        "suggestion": (_suggestion_data(route.suggestion)
                       if route.suggestion is not None else None),
        "group": route.group.name if route.group is not None else None,
        "group_id": route.group.id if route.group is not None else None,
        "skill": route.skill.name if route.skill is not None else None,
        "policy": result.policy if result is not None else "suggested_person",
        "candidates": [s.as_data() for s in result.candidates] if result else [],
        "skipped": [s.as_data() for s in result.skipped] if result else [],
        "chosen": ({"id": person.id, "username": person.username, "name": person.full_name}
                   if person is not None else None),
        "outcome": "person" if person is not None else "group_only",
        "note": result.note if result is not None else None,
    }
    why.update(extra)
    return why


def _unrouted(session: Session, request: ServiceRequest, reason: str,
              **data: Any) -> None:
    record(session, request, None, "unrouted", data={"why": reason, **data}, public=False)


def route_new_request(session: Session, request: ServiceRequest,
                      suggestion: RouteSuggestion | None) -> None:
    """Assign a just-filed request automatically, when its category is switched on.

    The first matching rule names the group (and the skill looked for); without one, the
    category plugin's ``suggestion`` (a group and/or a person) is followed if the category
    allows it. The group's policy then picks a person; if nobody is available the request
    goes to the group alone. The ``assigned`` event's ``data["routing"]`` records the rule or
    suggestion, the policy, the candidates with their load and capacity, who was skipped and
    why, and who was chosen. When no route is found, an internal ``unrouted`` event says why.
    """
    enabled, use_suggestion = switch_of(session, request.category)
    if not enabled:
        return
    from hdcore.services.assignment import assign  # the services import this module

    rule = matching_rule(session, request)
    route: Route | None = None
    if rule is not None:
        route = Route("rule", rule.group, skill=rule.skill, rule=rule)
    elif suggestion is not None and use_suggestion:
        route, problem = _suggested_route(session, suggestion)
        if route is None:
            _unrouted(session, request, problem or "no_rule",
                      suggestion=_suggestion_data(suggestion))
            return
    if route is None:
        _unrouted(session, request, "no_rule",
                  suggestion=_suggestion_data(suggestion) if suggestion else None)
        return
    try:
        with session.begin_nested():
            person, result, extra = _decide(session, route)
            if person is None and route.group is None:
                _unrouted(session, request, "suggested_person_unavailable", **extra,
                          suggestion=_suggestion_data(route.suggestion)
                          if route.suggestion else None)
                return
            # ``automatic`` and ``rule`` at the top too, for readers of plain event data.
            data: dict[str, Any] = {"automatic": True,
                                    "routing": _why(route, person, result, extra)}
            if route.rule is not None:
                data["rule"] = route.rule.name
            assign(session, None, request.id, assignee=person, group=route.group, data=data)
    except HelpdeskError as exc:
        _unrouted(session, request, "refused", error=str(exc))
