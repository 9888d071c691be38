"""The network security steps, as data: one machine whose four paths are kept apart by guards.

Firewall change: assess risk -> approve (or reject) -> implement -> verify [-> keep until the end
date -> remove the temporary rule] -> resolve. Virus notice: isolate -> clean up -> verify
clean. Security incident: contain -> eradicate -> recover (post-incident review tasks).
Vulnerability: assess -> patch -> verify. Incidents and vulnerabilities can wait for the
security vendor. The core's resolve, cancel and wait steps apply to every active state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hdcore import (
    ASSIGNEE,
    SUPERVISORS,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    TransitionContext,
    WorkflowContribution,
)
from hdcore import lazy_gettext as _
from plugins.network_security import steps
from plugins.network_security.kinds import (
    APPROVE_PERMISSION,
    FIREWALL,
    INCIDENT,
    KIND_LABELS,
    VIRUS,
    VULNERABILITY,
)

WORKERS = SUPERVISORS | {ASSIGNEE}
APPROVERS = frozenset({f"perm:{APPROVE_PERMISSION}"})

ACTIVE, WAITING = StateKind.ACTIVE, StateKind.WAITING

STATES = (
    State("awaiting_approval", _("Awaiting approval"), WAITING),
    State("change_approved", _("Change approved"), ACTIVE),
    State("change_rejected", _("Change rejected"), ACTIVE),
    State("change_implemented", _("Change implemented"), ACTIVE),
    State("change_verified", _("Change verified"), ACTIVE),
    State("temporary_rule_active", _("Temporary rule in place"), WAITING),
    State("rule_removed", _("Temporary rule removed"), ACTIVE),
    State("host_isolated", _("Host isolated"), ACTIVE),
    State("host_cleaned", _("Host cleaned"), ACTIVE),
    State("host_verified_clean", _("Host verified clean"), ACTIVE),
    State("incident_contained", _("Incident contained"), ACTIVE),
    State("incident_eradicated", _("Incident eradicated"), ACTIVE),
    State("incident_recovered", _("Incident recovered"), ACTIVE),
    State("vulnerability_assessed", _("Vulnerability assessed"), ACTIVE),
    State("vulnerability_patched", _("Vulnerability patched"), ACTIVE),
    State("vulnerability_verified", _("Fix verified"), ACTIVE),
    State("waiting_vendor", _("Waiting for the security vendor"), WAITING),
)


def for_kinds(*kinds: str) -> Callable[[TransitionContext], str | None]:
    """A guard refusing a step on requests of other kinds than ``kinds``."""

    def guard(ctx: TransitionContext) -> str | None:
        kind = ctx.request.details.get("kind")
        if kind in kinds:
            return None
        return str(_("“%(step)s” is not a step for this kind of request (%(kind)s).")) % {
            "step": str(ctx.transition.label),
            "kind": str(KIND_LABELS.get(kind, kind)),
        }

    return guard


def _step(name: str, label: str, sources: tuple[str, ...], target: str, kinds: tuple[str, ...],
          **kw: Any) -> Transition:
    """A step of the given kinds' path; ``meta["details"]`` lets interfaces hide the others."""
    kw.setdefault("roles", WORKERS)
    return Transition(name, label, sources, target, guards=(for_kinds(*kinds),),
                      meta={"details": {"kind": list(kinds)}}, **kw)


REVIEW_TASKS = (
    TaskTemplate(
        "ns_post_incident_review", _("Hold the post-incident review"),
        _("Go through the timeline with everyone involved: what happened, what worked, what "
          "must change."),
        due_in=timedelta(days=5),
    ),
    TaskTemplate(
        "ns_incident_report", _("Write the incident report and lessons learned"),
        _("Record the cause, the impact, the actions and the agreed improvements."),
        due_in=timedelta(days=7), depends_on=("ns_post_incident_review",),
    ),
)
#: The key of the task reminding IT to take a temporary rule out again.
REMOVAL_TASK = "ns_remove_temporary_rule"

FW, VI, IN, VU = (FIREWALL,), (VIRUS,), (INCIDENT,), (VULNERABILITY,)
BOTH_VENDOR_KINDS = (INCIDENT, VULNERABILITY)

TRANSITIONS = (
    # -- firewall change ---------------------------------------------------------------------
    _step("assess_risk", _("Assess the risk"),
          ("in_progress", "change_rejected", "change_approved"), "awaiting_approval", FW,
          schema=steps.AssessRiskSchema, public=False),
    _step("approve_change", _("Approve the change"), ("awaiting_approval",), "change_approved",
          FW, roles=APPROVERS, schema=steps.ApproveSchema),
    _step("reject_change", _("Reject the change"), ("awaiting_approval",), "change_rejected",
          FW, roles=APPROVERS, schema=steps.RejectSchema, style="danger"),
    _step("implement_change", _("Implement the change"), ("change_approved",),
          "change_implemented", FW, schema=steps.ImplementSchema),
    _step("verify_change", _("Verify the change"), ("change_implemented",), "change_verified",
          FW, schema=steps.VerifyChangeSchema),
    _step("fail_verification", _("Verification failed"), ("change_implemented",),
          "change_approved", FW, schema=steps.FailedVerificationSchema, style="secondary"),
    _step("keep_until_end_date", _("Keep until the end date"), ("change_verified",),
          "temporary_rule_active", FW, style="secondary"),
    _step("remove_temporary_rule", _("Remove the temporary rule"), ("temporary_rule_active",),
          "rule_removed", FW, schema=steps.RemoveRuleSchema),
    # -- virus notice ------------------------------------------------------------------------
    _step("isolate_host", _("Isolate the host"), ("in_progress",), "host_isolated", VI,
          schema=steps.IsolateHostSchema),
    _step("clean_host", _("Clean up the host"), ("host_isolated",), "host_cleaned", VI,
          schema=steps.CleanHostSchema),
    _step("verify_clean", _("Verify the host is clean"), ("host_cleaned",),
          "host_verified_clean", VI, schema=steps.VerifyCleanSchema),
    _step("reinfection_found", _("Still infected"), ("host_cleaned",), "host_isolated", VI,
          schema=steps.ReinfectionSchema, style="secondary"),
    # -- security incident -------------------------------------------------------------------
    _step("contain_incident", _("Contain the incident"), ("in_progress",),
          "incident_contained", IN, schema=steps.ContainSchema),
    _step("eradicate_incident", _("Eradicate the cause"), ("incident_contained",),
          "incident_eradicated", IN, schema=steps.EradicateSchema, public=False),
    _step("recover_incident", _("Recover the systems"), ("incident_eradicated",),
          "incident_recovered", IN, schema=steps.RecoverSchema, tasks=REVIEW_TASKS),
    # -- vulnerability -----------------------------------------------------------------------
    _step("assess_vulnerability", _("Assess the vulnerability"), ("in_progress",),
          "vulnerability_assessed", VU, schema=steps.AssessVulnerabilitySchema),
    _step("patch_vulnerability", _("Apply the fix"), ("vulnerability_assessed",),
          "vulnerability_patched", VU, schema=steps.PatchSchema),
    _step("verify_fix", _("Verify the fix"), ("vulnerability_patched",),
          "vulnerability_verified", VU, schema=steps.VerifyFixSchema),
    _step("fix_failed", _("Fix did not work"), ("vulnerability_patched",),
          "vulnerability_assessed", VU, schema=steps.FixFailedSchema, style="secondary"),
    # -- the security vendor -----------------------------------------------------------------
    _step("raise_to_vendor", _("Raise to the security vendor"),
          ("incident_contained", "vulnerability_assessed"), "waiting_vendor",
          BOTH_VENDOR_KINDS, schema=steps.RaiseToVendorSchema, public=False,
          style="secondary"),
    _step("update_vendor", _("Record vendor news"), ("waiting_vendor",), "waiting_vendor",
          BOTH_VENDOR_KINDS, schema=steps.UpdateVendorSchema, public=False,
          style="secondary"),
    _step("vendor_analysis_back", _("Vendor's analysis back"), ("waiting_vendor",),
          "incident_contained", IN, schema=steps.VendorDoneSchema, public=False),
    _step("vendor_fix_back", _("Vendor's fix back"), ("waiting_vendor",),
          "vulnerability_assessed", VU, schema=steps.VendorDoneSchema, public=False),
)

CONTRIBUTION = WorkflowContribution(states=STATES, transitions=TRANSITIONS)
