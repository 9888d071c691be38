"""The category's vetoes: finish the path before resolving, approval rules, rule edits, risk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hdcore import TransitionContext, ValidationFailed
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.network_security import progress
from plugins.network_security.kinds import CATEGORY, FIREWALL, PORTED_PROTOCOLS, RISK_CHOICES
from plugins.network_security.schemas import NetworkSecuritySchema
from plugins.network_security.validators import is_whole_internet, local_time, port_count

#: The role whose approval a high-risk change needs, whoever else holds the permission.
IT_MANAGER = "manager"
#: A port range wider than this opens enough services to be at least medium risk.
WIDE_RANGE = 100
_RISK_ORDER = ("low", "medium", "high")


def _step_label(ctx: TransitionContext, name: str) -> str:
    t = svc.host_of(ctx.session).workflow(CATEGORY).transition(name)
    return str(t.label) if t is not None else name


def before_resolve(ctx: TransitionContext) -> list[str]:
    """A request is resolved before its path starts or once it is finished, not half-way."""
    nxt = progress.next_step(ctx.session, ctx.request)
    if nxt is None:
        return []
    if nxt == "keep_until_end_date":
        return [str(_("This firewall rule is temporary: keep it until its end date and remove "
                      "it before resolving the request."))]
    return [str(_("The work is not finished; the next step is “%(step)s”."))
            % {"step": _step_label(ctx, nxt)}]


def before_waiting(ctx: TransitionContext) -> list[str]:
    """Half-way through a path, ask the requester with a comment: waiting would lose the place."""
    nxt = progress.next_step(ctx.session, ctx.request)
    if nxt is None:
        return []
    return [str(_("The work is half-way (next: “%(step)s”). Ask the requester with a comment "
                  "instead, so the request keeps its place.")) % {"step": _step_label(ctx, nxt)}]


def before_approval(ctx: TransitionContext) -> list[str]:
    """Nobody approves their own change; a high-risk change needs the IT manager."""
    reasons: list[str] = []
    if ctx.request.requester_id == ctx.actor.id:
        reasons.append(str(_("You cannot approve a change you asked for yourself.")))
    assessment = progress.last(ctx.session, ctx.request, "assess_risk")
    if assessment and assessment.data.get("risk_level") == "high" and (
        ctx.actor.role != IT_MANAGER
    ):
        reasons.append(str(_("A high-risk change needs the IT manager's approval.")))
    return reasons


def before_implementation(ctx: TransitionContext) -> list[str]:
    """Only the change as approved is carried out, and not before its approval."""
    assessment = progress.last(ctx.session, ctx.request, "assess_risk")
    approval = progress.last(ctx.session, ctx.request, "approve_change")
    if assessment is None or approval is None or approval.id < assessment.id:
        return [str(_("A firewall change cannot be implemented before it is approved."))]
    edited = progress.rule_edits_since(ctx.session, ctx.request, assessment)
    if edited:
        fields = NetworkSecuritySchema().fields
        names = ", ".join(str(fields[n].metadata["label"]) for n in edited)
        return [str(_("The rule was changed after its risk assessment (%(fields)s); assess the "
                      "risk again and get a new approval.")) % {"fields": names}]
    done_at = ctx.data.get("implemented_at")
    if isinstance(done_at, datetime) and done_at < approval.at:
        raise ValidationFailed({"implemented_at": [
            str(_("The change was approved at %(at)s; it cannot have been carried out before."))
            % {"at": local_time(approval.at)}
        ]})
    return []


def minimum_risk(details: dict[str, Any]) -> tuple[str, str] | None:
    """The lowest risk level a rule can have, with the reason, or None if any level will do."""
    protocol = details.get("protocol")
    if details.get("direction") == "inbound" and is_whole_internet(details.get("source")):
        return "high", str(_("it lets anyone on the internet in"))
    if protocol == "any":
        return "medium", str(_("it allows every protocol"))
    if protocol in PORTED_PROTOCOLS and port_count(details.get("port")) > WIDE_RANGE:
        return "medium", str(_("it opens more than %(n)d ports")) % {"n": WIDE_RANGE}
    return None


def before_assessment(ctx: TransitionContext) -> list[str]:
    """A rule open to the whole internet, or to many ports, cannot be assessed as low risk."""
    floor = minimum_risk(ctx.request.details)
    level = ctx.data.get("risk_level")
    if floor and level in _RISK_ORDER and _RISK_ORDER.index(level) < _RISK_ORDER.index(floor[0]):
        raise ValidationFailed({"risk_level": [
            str(_("This rule is at least “%(level)s” risk: %(why)s."))
            % {"level": str(dict(RISK_CHOICES)[floor[0]]), "why": floor[1]}
        ]})
    return []


def before_keeping(ctx: TransitionContext) -> list[str]:
    """Only a temporary rule waits for its end date."""
    if ctx.request.details.get("kind") == FIREWALL and not ctx.request.details.get("temporary"):
        return [str(_("This rule is permanent; resolve the request instead."))]
    return []


def before_cancelling(ctx: TransitionContext) -> list[str]:
    """While the vendor has the work, IT calls them off; the requester cannot do it for IT."""
    if ctx.request.status == "waiting_vendor" and not ctx.actor.is_staff:
        return [str(_("A security vendor is working on this request; ask the technician to "
                      "call them off first."))]
    return []


CHECKS: dict[str, Callable[[TransitionContext], list[str]]] = {
    "resolve": before_resolve,
    "wait_requester": before_waiting,
    "assess_risk": before_assessment,
    "approve_change": before_approval,
    "implement_change": before_implementation,
    "keep_until_end_date": before_keeping,
    "cancel": before_cancelling,
}
