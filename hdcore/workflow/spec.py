"""The parts a workflow is made of, as plain data: states, transitions, task templates.

Plugins describe their steps with these classes (see ``hd_workflow``); the core assembles one
:class:`~hdcore.workflow.machine.Workflow` per category from them at start-up.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from marshmallow import Schema

if TYPE_CHECKING:
    from hdcore.workflow.machine import TransitionContext


class StateKind(enum.StrEnum):
    """What a state means to the core (SLA clocks, queues, who acts next)."""

    NEW = "new"  #: filed, nobody on it yet
    ACTIVE = "active"  #: IT is working on it
    WAITING = "waiting"  #: waiting for the requester or a third party (SLA clock paused)
    RESOLVED = "resolved"  #: IT says it is done; the requester confirms
    FINAL = "final"  #: closed or cancelled: nothing more happens


#: Pseudo-roles a transition may allow besides the account roles.
REQUESTER = "requester"  #: the person the request is for
DEPARTMENT_HEAD = "department_head"  #: the head of the requester's department
ASSIGNEE = "assignee"  #: the technician the request is assigned to, or a member of its group

#: Roles of IT staff who work requests (technicians act on their own and their groups').
STAFF = frozenset({"technician", "lead", "manager", "admin"})
SUPERVISORS = frozenset({"lead", "manager", "admin"})


@dataclass(frozen=True)
class State:
    """A state of a request: a name unique in its category, a label and a kind."""

    name: str
    label: str
    kind: StateKind = StateKind.ACTIVE
    #: The plugin that contributed it (filled in by the host; used in error messages).
    origin: str = ""


Guard = Callable[["TransitionContext"], "str | None"]


@dataclass(frozen=True)
class TaskTemplate:
    """A task created automatically when a transition is taken."""

    key: str
    title: str
    description: str = ""
    #: Name of an IT group to assign it to, if it exists.
    group: str | None = None
    due_in: timedelta | None = None
    #: Keys of other templates (in the same batch) this task depends on.
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    """A step from one of ``sources`` to ``target``.

    ``roles`` says who may take it (account roles and the pseudo-roles ``requester``,
    ``department_head`` and ``assignee``); ``schema`` validates the fields it requires;
    ``guards`` may refuse it with a reason; ``tasks`` are created when it is taken.
    ``sources`` may name states or kinds (``"@active"`` means every state of kind active).
    """

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str] = STAFF | {ASSIGNEE}
    schema: type[Schema] | None = None
    guards: tuple[Guard, ...] = ()
    tasks: tuple[TaskTemplate, ...] = ()
    #: Whether the requester sees this step in the public history.
    public: bool = True
    #: How the interfaces present it: ``primary``, ``secondary`` or ``danger``.
    style: str = "primary"
    origin: str = ""
    #: Extra metadata. ``{"details": {"kind": ["a", "b"]}}`` limits the step to requests whose
    #: details have one of those values (one machine serving several kinds of request);
    #: ``{"returns": "previous"}`` sends it back to the state it came from; others are for the
    #: interfaces (icons, confirmation text, ...).
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def applies_to(self, details: dict[str, Any]) -> bool:
        """Whether the step belongs to a request with these details (see ``meta["details"]``)."""
        wanted = self.meta.get("details") or {}
        return all(details.get(key) in values for key, values in wanted.items())


@dataclass(frozen=True)
class WorkflowContribution:
    """What one plugin adds to one category's workflow."""

    states: tuple[State, ...] = ()
    transitions: tuple[Transition, ...] = ()
