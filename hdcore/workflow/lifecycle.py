"""The core lifecycle every category shares: new, assigned, in progress, waiting, resolved, closed.

Categories add their own states and transitions on top (see ``hd_workflow``). Core transitions
whose sources are written ``@active`` also leave every *active* state a plugin adds, so a
plugin's work states can be resolved, cancelled or put on hold without restating that.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hdcore.i18n import _
from hdcore.workflow.spec import (
    ASSIGNEE,
    REQUESTER,
    STAFF,
    SUPERVISORS,
    State,
    StateKind,
    Transition,
    WorkflowContribution,
)

_required = {"required": _("This field is required.")}


def _text(label: str, *, required: bool = True, help: str = "") -> fields.String:
    checks = [validate.Length(max=10_000)]
    if required:  # an empty text is as missing as no text
        checks.insert(0, validate.Length(min=1, error=_("This field is required.")))
    return fields.String(
        required=required,
        validate=checks,
        error_messages=_required,
        metadata={"label": label, "help": help, "widget": "textarea"},
    )


class ResolveSchema(Schema):
    """Fields of the resolve step."""

    resolution = _text(_("Solution"), help=_("What was done; the requester sees it."))


class MessageSchema(Schema):
    """Fields of asking the requester for information."""

    message = _text(_("Question for the requester"))


class ReasonSchema(Schema):
    """A required reason (reopen, force-close)."""

    reason = _text(_("Reason"))


class OptionalReasonSchema(Schema):
    """An optional reason (cancel)."""

    reason = _text(_("Reason"), required=False)


STATES = (
    State("new", _("New"), StateKind.NEW),
    State("assigned", _("Assigned"), StateKind.ACTIVE),
    State("in_progress", _("In progress"), StateKind.ACTIVE),
    State("waiting_requester", _("Waiting for requester"), StateKind.WAITING),
    State("resolved", _("Resolved"), StateKind.RESOLVED),
    State("closed", _("Closed"), StateKind.FINAL),
    State("cancelled", _("Cancelled"), StateKind.FINAL),
)

_WORKERS = SUPERVISORS | {ASSIGNEE}

TRANSITIONS = (
    Transition(
        "assign", _("Assign"), ("new",), "assigned", roles=STAFF,
        meta={"via": "assign"},  # taken by the assign service, which names the assignee
    ),
    Transition("start", _("Start work"), ("assigned",), "in_progress", roles=_WORKERS),
    Transition(
        "wait_requester", _("Ask the requester"), ("@active",), "waiting_requester",
        roles=_WORKERS, schema=MessageSchema, style="secondary",
    ),
    Transition(
        "resume", _("Resume work"), ("waiting_requester",), "in_progress",
        roles=_WORKERS | {REQUESTER}, style="secondary",
        # back to the state the request was waiting from (a plugin's step, say), not always
        # to "in progress": the target above is the fallback
        meta={"returns": "previous"},
    ),
    Transition(
        "resolve", _("Resolve"), ("@active",), "resolved", roles=_WORKERS, schema=ResolveSchema,
    ),
    Transition("close", _("Confirm and close"), ("resolved",), "closed",
               roles=SUPERVISORS | {REQUESTER}),
    Transition(
        "reopen", _("Not fixed: reopen"), ("resolved", "closed"), "in_progress",
        roles=_WORKERS | {REQUESTER}, schema=ReasonSchema, style="secondary",
    ),
    Transition(
        "cancel", _("Cancel request"), ("new", "@active", "@waiting"), "cancelled",
        roles=SUPERVISORS | {REQUESTER}, schema=OptionalReasonSchema, style="danger",
    ),
    Transition(
        "force_close", _("Force close"), ("new", "@active", "@waiting", "resolved"), "closed",
        roles=SUPERVISORS, schema=ReasonSchema, style="danger",
    ),
    Transition(
        "auto_close", _("Closed automatically"), ("resolved",), "closed", roles=frozenset(),
        schema=ReasonSchema,
        # taken by the worker when the requester never confirmed (the SLA reminder ladder);
        # nobody takes it by hand
        meta={"via": "system"},
    ),
)

CORE_WORKFLOW = WorkflowContribution(states=STATES, transitions=TRANSITIONS)
