"""The purchase's steps on top of the core lifecycle: states, transitions and tasks, as data.

approval -> quote -> order -> delivery -> receipt check, with an exception path back to the
supplier. A rejected purchase goes back to the requester (see ``reject``) rather than being
cancelled: most rejections ask for a change (a cheaper model, fewer units, a better reason),
and the requester's answer resumes the request so the technician can revise it and submit it
again. A purchase that will not be made at all is cancelled with the core's *cancel* step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

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
from plugins.procurement.schemas import (
    ApproveSchema,
    ChooseQuoteSchema,
    ConfirmReceiptSchema,
    PlaceOrderSchema,
    RecordDeliverySchema,
    RecordQuoteSchema,
    RejectSchema,
    ReportProblemSchema,
    RequestQuoteSchema,
    ReturnToSupplierSchema,
    SubmitForApprovalSchema,
)

CATEGORY = "procurement"
#: Approves purchases of any amount (the IT manager).
PERM_APPROVE = "procurement.approve"
#: Approves purchases up to the approval threshold (the help desk lead).
PERM_APPROVE_STANDARD = "procurement.approve_standard"

WORKERS = SUPERVISORS | {ASSIGNEE}
#: Who may take the approval step; the amount decides which of them may approve (see rules):
#: up to the plugin's threshold the lead, above it the budget holder (the configured person,
#: else the head of the requester's department).
APPROVERS = frozenset({f"perm:{PERM_APPROVE}", f"perm:{PERM_APPROVE_STANDARD}", DEPARTMENT_HEAD})

STATES = (
    State("awaiting_approval", _("Awaiting approval"), StateKind.WAITING),
    State("approved", _("Approved"), StateKind.ACTIVE),
    State("awaiting_quote", _("Waiting for the supplier's quote"), StateKind.WAITING),
    State("quoted", _("Quote received"), StateKind.ACTIVE),
    State("ordered", _("Ordered, awaiting delivery"), StateKind.WAITING),
    State("delivered", _("Delivered, to be checked"), StateKind.ACTIVE),
    State("delivery_problem", _("Problem with the delivery"), StateKind.ACTIVE),
    State("with_supplier", _("Returned to the supplier"), StateKind.WAITING),
    State("received", _("Received"), StateKind.ACTIVE),
)

#: States in which the purchase is under way with facts the core's *resume* step would lose
#: (it always returns to *in progress*); asking the requester there is done with a comment.
PURCHASE_STATES = frozenset({"approved", "quoted", "delivered", "delivery_problem"})

TRANSITIONS = (
    Transition(
        "submit_for_approval", _("Submit for approval"), ("assigned", "in_progress", "quoted"),
        "awaiting_approval", roles=WORKERS, schema=SubmitForApprovalSchema,
    ),
    Transition(
        "approve", _("Approve purchase"), ("awaiting_approval",), "approved",
        roles=APPROVERS, schema=ApproveSchema,
    ),
    Transition(
        "reject", _("Reject: back to the requester"), ("awaiting_approval",),
        "waiting_requester", roles=APPROVERS, schema=RejectSchema, style="danger",
    ),
    Transition(
        "request_quote", _("Request a quote"), ("approved", "awaiting_quote", "quoted"),
        "awaiting_quote", roles=WORKERS, schema=RequestQuoteSchema, public=False,
        style="secondary",
    ),
    Transition(
        "record_quote", _("Quote received"), ("awaiting_quote",), "quoted",
        roles=WORKERS, schema=RecordQuoteSchema, public=False,
    ),
    Transition(
        "choose_quote", _("Choose a quote"), ("quoted",), "quoted",
        roles=WORKERS, schema=ChooseQuoteSchema, public=False,
    ),
    Transition(
        "place_order", _("Place the order"), ("approved", "quoted"), "ordered",
        roles=WORKERS, schema=PlaceOrderSchema,
    ),
    Transition(
        "record_delivery", _("Goods delivered"), ("ordered", "with_supplier"), "delivered",
        roles=WORKERS, schema=RecordDeliverySchema,
    ),
    Transition(
        "confirm_receipt", _("Confirm receipt"), ("delivered", "delivery_problem"), "received",
        roles=WORKERS | {REQUESTER}, schema=ConfirmReceiptSchema,
    ),
    Transition(
        "report_problem", _("Report a delivery problem"), ("delivered", "received"),
        "delivery_problem", roles=WORKERS | {REQUESTER}, schema=ReportProblemSchema,
        style="danger",
    ),
    Transition(
        "return_to_supplier", _("Return to the supplier"),
        ("delivered", "delivery_problem", "received"), "with_supplier",
        roles=WORKERS, schema=ReturnToSupplierSchema, style="secondary",
    ),
)

CONTRIBUTION = WorkflowContribution(states=STATES, transitions=TRANSITIONS)

# -- tasks created when the goods arrive, by the kinds of item delivered --------------------

ASSET_TAGGING = TaskTemplate(
    "asset_tagging", _("Tag the new equipment and record it in the IT equipment register"),
    _("Put an asset label on every device and record its serial number, department and user."),
    group="Infrastructure", due_in=timedelta(days=2),
)
DESK_SETUP = TaskTemplate(
    "desk_setup", _("Set up the PCs and monitors for their users"),
    _("Install the company image, join the domain, install the software and set it up at "
      "the user's desk."),
    group="Infrastructure", due_in=timedelta(days=5), depends_on=("asset_tagging",),
)
PRINTER_INSTALL = TaskTemplate(
    "printer_install", _("Install the printers"),
    _("Connect them to the network, add the print queues and drivers, print a test page."),
    group="Infrastructure", due_in=timedelta(days=5), depends_on=("asset_tagging",),
)
SERVER_INSTALL = TaskTemplate(
    "server_install", _("Rack, cable and configure the servers and network equipment"),
    _("Mount in the rack, connect power and network, configure and hand over to operations."),
    group="Infrastructure", due_in=timedelta(days=10), depends_on=("asset_tagging",),
)
LICENCE_REGISTER = TaskTemplate(
    "licence_register", _("Register the software licences and hand over the keys"),
    _("Record the licences with their expiry dates and give the keys or accounts to the users."),
    group="Applications", due_in=timedelta(days=3),
)

HARDWARE = frozenset({"pc", "laptop", "monitor", "printer", "server", "network"})
_FOLLOW_UP: tuple[tuple[frozenset[str], TaskTemplate], ...] = (
    (HARDWARE, ASSET_TAGGING),
    (frozenset({"pc", "laptop", "monitor"}), DESK_SETUP),
    (frozenset({"printer"}), PRINTER_INSTALL),
    (frozenset({"server", "network"}), SERVER_INSTALL),
    (frozenset({"software_licence"}), LICENCE_REGISTER),
)


def delivery_tasks(items: Iterable[Mapping[str, Any]], existing: Iterable[str] = ()
                   ) -> list[TaskTemplate]:
    """The follow-up tasks the delivered items call for, minus those the request already has.

    Toner, paper and other consumables need none: checking the receipt hands them over.
    """
    kinds = {item.get("item_type") for item in items if isinstance(item, Mapping)}
    have = set(existing)
    return [tpl for types, tpl in _FOLLOW_UP if kinds & types and tpl.key not in have]
