"""One category's state machine, assembled from the core lifecycle and plugin contributions.

:func:`build_workflow` merges the contributions and validates the result: transitions point at
known states, every state is reachable from ``new``, every non-final state has a way out, and
a closed state exists. A broken contribution raises :class:`~hdcore.errors.PluginError`
naming the plugin and the state, so the help desk refuses to start rather than strand requests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from hdcore.errors import PluginError
from hdcore.workflow.spec import State, StateKind, Transition, WorkflowContribution

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hdcore.models import ServiceRequest, User

INITIAL_STATE = "new"
CLOSED_STATE = "closed"


@dataclass
class TransitionContext:
    """What a guard or a transition check sees: the request, the step, who, and the data."""

    session: Session
    request: ServiceRequest
    transition: Transition
    actor: User
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Workflow:
    """The states and transitions of one category."""

    category: str
    states: dict[str, State]
    transitions: dict[str, Transition]

    def state(self, name: str) -> State:
        """The state called ``name`` (KeyError if unknown)."""
        return self.states[name]

    def transition(self, name: str) -> Transition | None:
        """The transition called ``name``, or None."""
        return self.transitions.get(name)

    def outgoing(self, state: str) -> list[Transition]:
        """Transitions that leave ``state``, in declaration order."""
        return [t for t in self.transitions.values() if state in t.sources]

    def is_final(self, state: str) -> bool:
        """Whether nothing more can happen in ``state``."""
        return self.states[state].kind is StateKind.FINAL

    def kind(self, state: str) -> StateKind:
        """The kind of ``state``."""
        return self.states[state].kind

    def states_of_kind(self, *kinds: StateKind) -> list[str]:
        """Names of states of the given kinds."""
        return [s.name for s in self.states.values() if s.kind in kinds]

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description (for the API and the diagram)."""
        return {
            "states": [
                {"name": s.name, "label": str(s.label), "kind": s.kind.value}
                for s in self.states.values()
            ],
            "transitions": [
                {
                    "name": t.name,
                    "label": str(t.label),
                    "from": list(t.sources),
                    "to": t.target,
                    "roles": sorted(t.roles),
                }
                for t in self.transitions.values()
            ],
        }


def _expand_sources(sources: Iterable[str], states: dict[str, State]) -> tuple[str, ...]:
    out: list[str] = []
    for src in sources:
        if src.startswith("@"):
            kind = StateKind(src[1:])
            out.extend(s.name for s in states.values() if s.kind is kind)
        else:
            out.append(src)
    return tuple(dict.fromkeys(out))


def build_workflow(
    category: str, contributions: Iterable[tuple[str, WorkflowContribution]]
) -> Workflow:
    """Merge ``(plugin name, contribution)`` pairs into a validated workflow for ``category``."""
    states: dict[str, State] = {}
    pending: list[Transition] = []
    for origin, contrib in contributions:
        for st in contrib.states:
            if st.name in states:
                raise PluginError(
                    f"plugin {origin!r}: state {st.name!r} of category {category!r} is already "
                    f"defined by plugin {states[st.name].origin!r}"
                )
            states[st.name] = replace(st, origin=origin)
        pending.extend(replace(t, origin=origin) for t in contrib.transitions)

    transitions: dict[str, Transition] = {}
    for t in pending:
        if t.name in transitions:
            raise PluginError(
                f"plugin {t.origin!r}: transition {t.name!r} of category {category!r} is already "
                f"defined by plugin {transitions[t.name].origin!r}"
            )
        for ref in (*[s for s in t.sources if not s.startswith("@")], t.target):
            if ref not in states:
                raise PluginError(
                    f"plugin {t.origin!r}: transition {t.name!r} of category {category!r} "
                    f"refers to unknown state {ref!r}"
                )
        try:
            sources = _expand_sources(t.sources, states)
        except ValueError as exc:
            raise PluginError(
                f"plugin {t.origin!r}: transition {t.name!r} has an unknown state kind: {exc}"
            ) from exc
        transitions[t.name] = replace(t, sources=sources)

    wf = Workflow(category=category, states=states, transitions=transitions)
    validate_workflow(wf)
    return wf


def validate_workflow(wf: Workflow) -> None:
    """Refuse a workflow that could strand a request; the error names the plugin and state."""
    if INITIAL_STATE not in wf.states:
        raise PluginError(f"category {wf.category!r} has no {INITIAL_STATE!r} state")
    if CLOSED_STATE not in wf.states or not wf.is_final(CLOSED_STATE):
        raise PluginError(f"category {wf.category!r} has no final {CLOSED_STATE!r} state")

    reached = {INITIAL_STATE}
    queue = deque([INITIAL_STATE])
    while queue:
        for t in wf.outgoing(queue.popleft()):
            if t.target not in reached:
                reached.add(t.target)
                queue.append(t.target)
    for st in wf.states.values():
        if st.name not in reached:
            raise PluginError(
                f"plugin {st.origin!r}: state {st.name!r} of category {wf.category!r} "
                f"cannot be reached from {INITIAL_STATE!r}"
            )
        if st.kind is not StateKind.FINAL and not wf.outgoing(st.name):
            raise PluginError(
                f"plugin {st.origin!r}: state {st.name!r} of category {wf.category!r} "
                "has no way out (add a transition leaving it, or make it final)"
            )
        if st.kind is StateKind.FINAL and wf.outgoing(st.name) and st.name != CLOSED_STATE:
            # A final state may only be left by an explicit reopen from 'closed'.
            raise PluginError(
                f"plugin {st.origin!r}: final state {st.name!r} of category {wf.category!r} "
                "has transitions leaving it"
            )
