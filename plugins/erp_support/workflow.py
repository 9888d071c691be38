"""The ERP support workflow as data: vendor hand-off, sign-off, test, verification, production.

The core's *in progress* is where the technician investigates; from there a request may go to
the ERP vendor and back, get the department head's sign-off, be applied in the test system
for the requester to verify, and be applied in production before the core's *resolve*.
"""

from __future__ import annotations

from datetime import timedelta

from hdcore import (
    ASSIGNEE,
    DEPARTMENT_HEAD,
    REQUESTER,
    SUPERVISORS,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    WorkflowContribution,
)
from hdcore import lazy_gettext as _
from plugins.erp_support.constants import TASK_APPLY_PRODUCTION, TASK_APPLY_TEST
from plugins.erp_support.schemas import (
    ApplyProductionSchema,
    CommentSchema,
    RaiseToVendorSchema,
    ReasonSchema,
    RequestApprovalSchema,
    SubmitForVerificationSchema,
    VendorAnsweredSchema,
)

#: The technician on the request (or a member of its group) and the desk's supervisors.
WORKERS = SUPERVISORS | {ASSIGNEE}
#: The requester checks the fix; their department head (the key user) or the desk may record it.
VERIFIERS = SUPERVISORS | {REQUESTER, DEPARTMENT_HEAD}
#: Only the head of the requester's department signs off a change to the production ERP.
APPROVERS = frozenset({DEPARTMENT_HEAD})

STATES = (
    State("waiting_vendor", _("Waiting for the ERP vendor"), StateKind.WAITING),
    State("awaiting_approval", _("Awaiting sign-off"), StateKind.WAITING),
    State("ready_for_verification", _("Ready for verification in test"), StateKind.WAITING),
    State("verified", _("Verified in test"), StateKind.ACTIVE),
)

TRANSITIONS = (
    Transition(
        "raise_to_vendor", _("Raise with the ERP vendor"), ("in_progress",), "waiting_vendor",
        roles=WORKERS, schema=RaiseToVendorSchema,
    ),
    Transition(
        "vendor_answered", _("Vendor answered"), ("waiting_vendor",), "in_progress",
        roles=WORKERS, schema=VendorAnsweredSchema,
    ),
    Transition(
        "recall_from_vendor", _("Take back from the vendor"), ("waiting_vendor",), "in_progress",
        roles=WORKERS, schema=ReasonSchema, style="secondary",
    ),
    Transition(
        "request_approval", _("Ask for sign-off"), ("in_progress", "verified"),
        "awaiting_approval", roles=WORKERS, schema=RequestApprovalSchema, style="secondary",
    ),
    Transition(
        "approve_change", _("Sign off the change"), ("awaiting_approval",), "in_progress",
        roles=APPROVERS, schema=CommentSchema,
    ),
    Transition(
        "decline_change", _("Decline the change"), ("awaiting_approval",), "in_progress",
        roles=APPROVERS, schema=ReasonSchema, style="danger",
    ),
    Transition(
        "withdraw_approval", _("Withdraw the sign-off request"), ("awaiting_approval",),
        "in_progress", roles=WORKERS, schema=ReasonSchema, style="secondary",
    ),
    Transition(
        "submit_for_verification", _("Applied in test: ask to verify"), ("in_progress",),
        "ready_for_verification", roles=WORKERS, schema=SubmitForVerificationSchema,
    ),
    Transition(
        "confirm_verification", _("Works in test"), ("ready_for_verification",), "verified",
        roles=VERIFIERS, schema=CommentSchema,
    ),
    Transition(
        "reject_verification", _("Does not work in test"), ("ready_for_verification",),
        "in_progress", roles=VERIFIERS, schema=ReasonSchema, style="danger",
    ),
    Transition(
        "apply_production", _("Applied in production"), ("in_progress", "verified"),
        "in_progress", roles=WORKERS, schema=ApplyProductionSchema,
    ),
)

ERP_WORKFLOW = WorkflowContribution(states=STATES, transitions=TRANSITIONS)

# -- tasks created when a change is signed off (their group is the request's ERP team) ----------

APPLY_IN_TEST = TaskTemplate(
    TASK_APPLY_TEST, _("Apply the change in the test environment"),
    _("Make the signed-off change in TEST, then ask the requester to verify it there."),
    due_in=timedelta(days=2),
)
APPLY_IN_PRODUCTION = TaskTemplate(
    TASK_APPLY_PRODUCTION, _("Apply the change in production"),
    _("Once the requester has verified it in TEST, make the same change in PROD."),
    due_in=timedelta(days=5), depends_on=(TASK_APPLY_TEST,),
)
SET_UP_USER = TaskTemplate(
    TASK_APPLY_PRODUCTION, _("Set up the ERP user and responsibilities in production"),
    _("Make the signed-off user and responsibility changes in PROD and tell the user."),
    due_in=timedelta(days=1),
)
