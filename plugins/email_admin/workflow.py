"""The e-mail workflow as data: approval, carrying out, the mail provider, and the tasks."""

from __future__ import annotations

from datetime import timedelta

from hdcore import (
    ASSIGNEE,
    DEPARTMENT_HEAD,
    SUPERVISORS,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    WorkflowContribution,
)
from hdcore import lazy_gettext as _
from plugins.email_admin import rules
from plugins.email_admin.schemas import (
    CLOSE_MAILBOX,
    NEW_MAILBOX,
    PASSWORD_RESET,
    ApproveSchema,
    CarryOutSchema,
    ProviderDoneSchema,
    ProviderRespondedSchema,
    RaiseToProviderSchema,
    RecordDoneSchema,
    RejectSchema,
    RequestApprovalSchema,
)

#: The technician on the request (or their group), and the desk's supervisors.
WORKERS = SUPERVISORS | {ASSIGNEE}

STATES = (
    State("awaiting_approval", _("Awaiting the department head's approval"), StateKind.WAITING),
    State("approved", _("Approved"), StateKind.ACTIVE),
    State("implementing", _("Change being carried out"), StateKind.ACTIVE),
    State("waiting_provider", _("Waiting for the mail provider"), StateKind.WAITING),
)

TRANSITIONS = (
    Transition(
        "request_approval", _("Send for the department head's approval"),
        ("assigned", "in_progress", "approved"), "awaiting_approval", roles=WORKERS,
        schema=RequestApprovalSchema, guards=(rules.guard_request_approval,),
    ),
    Transition(
        "approve", _("Approve"), ("awaiting_approval",), "approved",
        roles=frozenset({DEPARTMENT_HEAD}), schema=ApproveSchema,
    ),
    # A rejected change is not sent back to the requester: the head has decided, IT cannot
    # make the change acceptable, and the requester cannot edit a request being worked on.
    # The reason is posted to them; a different change is a new request.
    Transition(
        "reject", _("Reject"), ("awaiting_approval",), "cancelled",
        roles=frozenset({DEPARTMENT_HEAD}), schema=RejectSchema, style="danger",
    ),
    Transition(
        "carry_out", _("Carry out the change"), ("in_progress", "approved"), "implementing",
        roles=WORKERS, schema=CarryOutSchema, guards=(rules.guard_carry_out,),
    ),
    Transition(
        "record_done", _("Record the change as done"), ("implementing",), "resolved",
        roles=WORKERS, schema=RecordDoneSchema, guards=(rules.guard_record_done,),
    ),
    Transition(
        "raise_to_provider", _("Raise to the mail provider"), ("in_progress",),
        "waiting_provider", roles=WORKERS, schema=RaiseToProviderSchema, style="secondary",
    ),
    Transition(
        "provider_responded", _("Record the provider's answer"), ("waiting_provider",),
        "waiting_provider", roles=WORKERS, schema=ProviderRespondedSchema, style="secondary",
    ),
    Transition(
        "provider_done", _("Provider has finished"), ("waiting_provider",), "in_progress",
        roles=WORKERS, schema=ProviderDoneSchema,
    ),
)

WORKFLOW = WorkflowContribution(states=STATES, transitions=TRANSITIONS)

#: Tasks created when an action is carried out. Titles take ``%(mailbox)s``,
#: ``%(employee)s``, ``%(lists)s`` and ``%(forward_to)s`` from the request.
ACTION_TASKS: dict[str, tuple[TaskTemplate, ...]] = {
    NEW_MAILBOX: (
        TaskTemplate("mailbox_create", _("Create the mailbox %(mailbox)s for %(employee)s"),
                     _("Standard size unless the request gives a quota; list it in the "
                       "address book."), due_in=timedelta(days=1)),
        TaskTemplate("mailbox_lists", _("Add %(mailbox)s to the distribution lists"),
                     _("Lists requested: %(lists)s"), depends_on=("mailbox_create",)),
        TaskTemplate("mailbox_pc", _("Set up the mailbox on the user's PC"),
                     _("Outlook profile and signature; send a test message in and out."),
                     depends_on=("mailbox_create",)),
        TaskTemplate("mailbox_password", _("Hand over the initial password in person"),
                     _("Check the staff badge; the password must be changed at first "
                       "sign-in."), depends_on=("mailbox_create",)),
    ),
    CLOSE_MAILBOX: (
        TaskTemplate("close_archive", _("Archive the mailbox %(mailbox)s"),
                     _("Export it and keep the archive as long as the retention rule says.")),
        TaskTemplate("close_forward", _("Forward mail for %(mailbox)s to %(forward_to)s"),
                     _("Also set an automatic reply naming the new contact.")),
        TaskTemplate("close_disable", _("Disable sign-in to %(mailbox)s"),
                     _("Remove it from distribution lists and the address book."),
                     depends_on=("close_archive",)),
        TaskTemplate("close_licence", _("Release the mail licence"),
                     depends_on=("close_disable",)),
    ),
    PASSWORD_RESET: (
        TaskTemplate("reset_verify", _("Verify the employee's identity"),
                     _("Staff badge in person, or call back the number on file.")),
        TaskTemplate("reset_password", _("Reset the password of %(mailbox)s"),
                     _("It must be changed at the next sign-in."),
                     depends_on=("reset_verify",), due_in=timedelta(hours=4)),
    ),
}

#: Tasks made only when the request has the detail they act on.
TASK_NEEDS_DETAIL = {"mailbox_lists": "join_lists", "close_forward": "forward_to"}
