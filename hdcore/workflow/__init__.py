"""Workflows: the data plugins describe steps with, and the per-category state machine."""

from hdcore.workflow.machine import (
    CLOSED_STATE,
    INITIAL_STATE,
    TransitionContext,
    Workflow,
    build_workflow,
    validate_workflow,
)
from hdcore.workflow.spec import (
    ASSIGNEE,
    DEPARTMENT_HEAD,
    REQUESTER,
    STAFF,
    SUPERVISORS,
    Guard,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    WorkflowContribution,
)

__all__ = [
    "ASSIGNEE",
    "CLOSED_STATE",
    "DEPARTMENT_HEAD",
    "INITIAL_STATE",
    "REQUESTER",
    "STAFF",
    "SUPERVISORS",
    "Guard",
    "State",
    "StateKind",
    "TaskTemplate",
    "Transition",
    "TransitionContext",
    "Workflow",
    "WorkflowContribution",
    "build_workflow",
    "validate_workflow",
]
