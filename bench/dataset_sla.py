"""The SLA state of generated requests still open (or resolved and waiting for confirmation),
computed by the SLA's own code from their history, as the worker's sweeps would have left it:
every escalation level and reminder that fell due before the data set's end taken, the due
times and the next check stored."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bench.dataset_life import Life
from bench.dataset_sql import to_datetime, to_seconds
from hdcore.errors import NotFound
from hdcore.sla.clock import LogEntry, build_clocks
from hdcore.sla.duetime import (
    AUTO_CLOSE,
    ESCALATION,
    PendingAction,
    SlaState,
    _escalations,
    _reminders,
)
from hdcore.sla.escalation import AUDIENCE, describe, reason_text
from hdcore.sla.policy import (
    ACTION_LEVEL,
    WARN_ASSIGNEE,
    Policy,
    pausing_vendor_kinds,
    policy_for,
    reminders_for,
)
from hdcore.workflow import StateKind


class SlaContext:
    """The policies, ladders and workflows of a help desk, read once."""

    def __init__(self, session: Session) -> None:
        from hdcore.services.base import host_of

        self.session = session
        self.host = host_of(session)
        self._kinds: dict[str, Callable[[str], StateKind]] = {}
        self._pausing: dict[str, frozenset[str]] = {}

    def policy(self, category: str, priority: str) -> Policy | None:
        """The policy of the category and priority (cached by the SLA for the transaction)."""
        return policy_for(self.session, category, priority)

    def targets(self, categories: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
        """category -> priority -> (response, resolution) minutes."""
        out: dict[str, dict[str, tuple[int, int]]] = {}
        for category in categories:
            out[category] = {}
            for priority in ("low", "normal", "high", "urgent"):
                p = self.policy(category, priority)
                if p is not None:
                    out[category][priority] = (int(p.response.total_seconds() // 60),
                                               int(p.resolution.total_seconds() // 60))
        return out

    def kind_of(self, category: str) -> Callable[[str], StateKind]:
        """A state's kind in the category's workflow (unknown states count as work)."""
        if category not in self._kinds:
            wf = self.host.workflow(category)
            self._kinds[category] = lambda s: wf.kind(s) if s in wf.states else StateKind.ACTIVE
        return self._kinds[category]

    def pausing(self, category: str) -> frozenset[str]:
        """The vendor kinds that pause the category's clock."""
        if category not in self._pausing:
            try:
                self._pausing[category] = pausing_vendor_kinds(self.session, category)
            except NotFound:
                self._pausing[category] = frozenset()
        return self._pausing[category]

    def is_final(self, life: Life) -> bool:
        """Whether the request has ended (closed or cancelled)."""
        return self.kind_of(life.category)(life.status) is StateKind.FINAL

    def evaluate(self, life: Life) -> SlaState | None:
        """What the SLA knows of the request now: its clocks and its pending actions (every
        action, fired or not: the generator's fired ones are removed by the caller)."""
        policy = self.policy(life.category, life.priority)
        if policy is None:
            return None
        kind_of = self.kind_of(life.category)
        log = [LogEntry(to_datetime(e[0]), e[2], e[3], e[4], i, None)
               for i, e in enumerate(sorted(life.events, key=lambda e: e[0]))]
        clocks = build_clocks(
            created_at=to_datetime(life.created), events=log, current_status=life.status,
            first_response_at=(to_datetime(life.first_response)
                               if life.first_response is not None else None),
            kind_of=kind_of, pausing=self.pausing(life.category),
            vendor_pauses=policy.vendor_pauses, response=policy.response,
            resolution=policy.resolution, calendar=policy.calendar)
        kind = kind_of(life.status)
        pending: list[PendingAction] = []
        if kind is StateKind.RESOLVED:
            ladder = reminders_for(self.session, life.category)
            if ladder is not None:
                pending = _reminders(log, kind_of, ladder, policy.calendar)
        elif kind is not StateKind.FINAL:
            pending = _escalations(policy, clocks)
        done = {key for key, _at, _facts in life.fired}
        pending = [a for a in pending if a.key not in done]
        return SlaState(policy, clocks, kind, pending, clocks.response.due_at,
                        clocks.resolution.due_at)

    def settle(self, life: Life, end: float, rng: random.Random, *, fire: bool = True) -> None:
        """Take (``fire``) every automatic action due by ``end``, as the sweeps did, then store
        the due times and the next check; without ``fire`` the due ones stay pending."""
        for _round in range(8):  # a reminder or an escalation taken changes what is pending
            state = self.evaluate(life)
            if state is None:
                return
            due = sorted((a for a in state.pending if to_seconds(a.at) <= end),
                         key=lambda a: a.at)
            if not fire or not due:
                break
            self._take(life, due[0], state, end, rng)
            if self.is_final(life):
                break
        state = self.evaluate(life)
        assert state is not None
        life.response_due = _secs(state.response_due_at)
        life.resolve_due = _secs(state.resolve_due_at)
        life.next_check = None if self.is_final(life) else _secs(state.next_check_at)

    def _take(self, life: Life, action: PendingAction, state: SlaState, end: float,
              rng: random.Random) -> None:
        at = min(to_seconds(action.at) + rng.randrange(5, 120), end)
        if action.kind == ESCALATION:
            assert action.level is not None and state.policy is not None
            level = action.level
            facts = describe(level, state, state.policy.calendar.zone)
            facts["reached_at"] = action.at.isoformat()
            life.fired.append((action.key, at, facts))
            summary: dict[str, Any] = {
                "reason": reason_text(facts), "automatic": True,
                "notify": AUDIENCE[level.action], "target": level.target,
                "due_at": facts["due_at"], "sla": facts}
            if level.action == WARN_ASSIGNEE:
                life.add(at, None, "sla_warning", {}, {**summary, "assignee_id": life.assignee,
                                                       "group_id": life.group}, public=False)
                return
            old = life.escalation_level
            life.escalation_level = max(old, ACTION_LEVEL[level.action])
            life.escalated = at
            changes = ({"escalation_level": [old, life.escalation_level]}
                       if life.escalation_level != old else {})
            life.add(at, None, "escalated", changes, summary)
            return
        if action.kind == AUTO_CLOSE:
            life.fired.append((action.key, at, {}))
            life.move(at, None, "closed", "auto_close", reason="no response", automatic=True)
            life.closed = at
            return
        closing = next((a for a in state.pending if a.kind == AUTO_CLOSE), None)
        facts = {"reminder": action.number, "of": action.of,
                 "resolved_at": action.resolved_at.isoformat() if action.resolved_at else None,
                 "auto_close_at": closing.at.isoformat() if closing else None}
        life.fired.append((action.key, at, facts))
        life.add(at, None, "reminder_sent", {}, {**facts, "automatic": True,
                                                 "requester_id": life.requester})


def _secs(moment: Any) -> int | None:
    return None if moment is None else to_seconds(moment)


def metrics_from_clocks(ctx: SlaContext, life: Life) -> tuple[int | None, int | None,
                                                              bool | None, bool | None] | None:
    """(response seconds, resolution seconds, on time, on time) by the SLA's clocks, or None
    when no policy applies."""
    state = ctx.evaluate(life)
    if state is None or state.clocks is None or state.policy is None:
        return None
    out: list[Any] = [None, None, None, None]
    if life.first_response is not None:
        counted = state.clocks.response.counted(to_datetime(life.first_response))
        out[0], out[2] = int(counted.total_seconds()), counted <= state.policy.response
    if life.resolved is not None and life.status in ("resolved", "closed"):
        counted = state.clocks.resolution.counted(to_datetime(life.resolved))
        out[1], out[3] = int(counted.total_seconds()), counted <= state.policy.resolution
    return out[0], out[1], out[2], out[3]

