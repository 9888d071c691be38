"""The repair workflow as data: the vendor's states, the steps between them, and their tasks.

new → assigned → in progress → *dispatch* → with the vendor → *vendor arrived* → vendor working
(→ *parts ordered* → waiting for parts → *parts arrived* →) → *vendor repaired* → to verify →
*verified: works* → repair verified → resolve (core) → closed. *Not fixed* sends the job back to
the same vendor; a *vendor exception* takes it out of the vendor's hands to chase, re-dispatch
or escalate it.
"""

from __future__ import annotations

from datetime import timedelta

from hdcore import (
    ASSIGNEE,
    REQUESTER,
    SUPERVISORS,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    TransitionContext,
    WorkflowContribution,
)
from hdcore import lazy_gettext as _
from plugins.outsourcing import names as n
from plugins.outsourcing import schemas as s
from plugins.outsourcing.vendors import open_job

#: The assigned technician, their group, and the desk's supervisors.
WORKERS = SUPERVISORS | {ASSIGNEE}

STATES = (
    # The vendor holds the job in these three: WAITING pauses IT's clock (pauses_sla).
    State(n.WITH_VENDOR, _("With the vendor"), StateKind.WAITING),
    State(n.VENDOR_WORKING, _("Vendor working on it"), StateKind.WAITING),
    State(n.WAITING_PARTS, _("Waiting for parts"), StateKind.WAITING),
    # The vendor says it is fixed; the requester or IT checks. Waiting, like 'resolved': the
    # work is done and nobody in IT is working it until someone tries the device.
    State(n.TO_VERIFY, _("Repair to verify"), StateKind.WAITING),
    State(n.REPAIR_VERIFIED, _("Repair verified"), StateKind.ACTIVE),
    # IT has stepped in: its own clock runs again until the job is back with a vendor.
    State(n.VENDOR_EXCEPTION, _("Vendor exception"), StateKind.ACTIVE),
)


def needs_open_job(ctx: TransitionContext) -> str | None:
    """Refuse a vendor step when no vendor holds the job any more."""
    if open_job(ctx.session, ctx.request) is None:
        return str(_("No vendor holds this job now; dispatch it to a vendor first."))
    return None


def needs_completed_job(ctx: TransitionContext) -> str | None:
    """Refuse verifying a repair the vendor has not reported done."""
    job = open_job(ctx.session, ctx.request)
    if job is None or job.completed_at is None:
        return str(_("The vendor has not reported the repair done yet."))
    return None


#: Tasks made when a job is dispatched, picked by the dispatch's fields (see ``dispatch_tasks``).
BACKUP_TASK = TaskTemplate(
    "backup_data", _("Back up the user's data before the vendor's repair"),
    _("Copy the user's files off the device (or check last night's backup of the server) "
      "before the engineer opens it or takes it away."),
)
ESCORT_TASK = TaskTemplate(
    "escort_engineer", _("Arrange access and escort the engineer on site"),
    _("Book the visitor pass, meet the engineer at the gate, stay with them, and note when "
      "they arrive and leave."),
    depends_on=("backup_data",),
)
HANDOVER_TASK = TaskTemplate(
    "hand_over_device", _("Hand the device to the vendor and get a receipt"),
    _("Pack the device, remove the asset's SIM or security key, and keep the vendor's receipt "
      "with its serial number."),
    depends_on=("backup_data",),
)
REMOTE_TASK = TaskTemplate(
    "remote_access", _("Give the vendor remote access and remove it afterwards"),
    _("Open a time-limited remote session for the vendor and close the account when the "
      "repair is done."),
)


#: What "IT arranges access" means for each way of servicing.
ACCESS_TASKS = {"on_site": ESCORT_TASK, "depot": HANDOVER_TASK, "remote": REMOTE_TASK}


def dispatch_tasks(service_mode: str, access: bool, backup: bool,
                   due_in: timedelta | None) -> list[TaskTemplate]:
    """The tasks a dispatch needs, due when the vendor promised to respond."""
    tasks: list[TaskTemplate] = []
    if backup:
        tasks.append(BACKUP_TASK)
    if access:
        tasks.append(ACCESS_TASKS[service_mode])
    return [
        TaskTemplate(t.key, t.title, t.description, t.group, due_in,
                     tuple(k for k in t.depends_on if backup))
        for t in tasks
    ]


TRANSITIONS = (
    Transition(
        n.DISPATCH, _("Dispatch to a vendor"), ("assigned", "in_progress", n.VENDOR_EXCEPTION),
        n.WITH_VENDOR, roles=WORKERS, schema=s.DispatchSchema,
    ),
    Transition(
        n.VENDOR_ARRIVED, _("Vendor arrived"), (n.WITH_VENDOR,), n.VENDOR_WORKING,
        roles=WORKERS, schema=s.VendorArrivedSchema, guards=(needs_open_job,),
    ),
    Transition(
        n.ORDER_PARTS, _("Parts ordered"), (n.VENDOR_WORKING,), n.WAITING_PARTS,
        roles=WORKERS, schema=s.OrderPartsSchema, guards=(needs_open_job,),
        style="secondary",
    ),
    Transition(
        n.PARTS_ARRIVED, _("Parts arrived"), (n.WAITING_PARTS,), n.VENDOR_WORKING,
        roles=WORKERS, schema=s.PartsArrivedSchema, guards=(needs_open_job,),
    ),
    Transition(
        n.VENDOR_REPAIRED, _("Vendor finished the repair"), (n.VENDOR_WORKING,), n.TO_VERIFY,
        roles=WORKERS, schema=s.VendorRepairedSchema, guards=(needs_open_job,),
    ),
    Transition(
        n.VERIFY_FIXED, _("Verified: it works"), (n.TO_VERIFY,), n.REPAIR_VERIFIED,
        roles=WORKERS | {REQUESTER}, schema=s.VerifyFixedSchema,
        guards=(needs_completed_job,),
    ),
    Transition(
        n.VERIFY_FAILED, _("Not fixed: back to the vendor"), (n.TO_VERIFY,), n.WITH_VENDOR,
        roles=WORKERS | {REQUESTER}, schema=s.VerifyFailedSchema,
        guards=(needs_completed_job,), style="secondary",
    ),
    Transition(
        n.RECORD_EXCEPTION, _("Record a vendor exception"),
        (*n.VENDOR_STATES, n.TO_VERIFY, "in_progress"), n.VENDOR_EXCEPTION,
        roles=WORKERS, schema=s.RecordExceptionSchema, guards=(needs_open_job,),
        public=False, style="danger",
    ),
    Transition(
        n.BACK_TO_VENDOR, _("Back to the vendor"), (n.VENDOR_EXCEPTION,), n.WITH_VENDOR,
        roles=WORKERS, schema=s.BackToVendorSchema, guards=(needs_open_job,),
        style="secondary",
    ),
)

CONTRIBUTION = WorkflowContribution(states=STATES, transitions=TRANSITIONS)
