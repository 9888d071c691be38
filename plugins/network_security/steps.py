"""The fields each network security step asks for (risk assessment, approval, clean-up, ...)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from hdcore import lazy_gettext as _
from plugins.network_security.fields import (
    FormSchema,
    checkbox,
    day,
    long_text,
    select,
    text,
    when,
)
from plugins.network_security.kinds import RISK_CHOICES, VENDOR_KIND
from plugins.network_security.validators import today

# -- firewall change ---------------------------------------------------------------------------


class AssessRiskSchema(FormSchema):
    """The technician's risk assessment of a firewall change."""

    risk_level = select(
        _("Risk level"), RISK_CHOICES,
        _("High-risk changes need the IT manager's own approval."), required=True,
    )
    assessment_notes = long_text(
        _("Assessment notes"),
        _("What the rule exposes, to whom, and how the risk is kept small."), required=True,
    )


class ApproveSchema(FormSchema):
    """The approver's optional note."""

    approval_note = long_text(_("Approval note"), _("Conditions or remarks, if any."))


class RejectSchema(FormSchema):
    """Why a change is turned down; the requester reads it."""

    reason = long_text(_("Reason for rejection"), _("The requester sees it."), required=True)


class ImplementSchema(FormSchema):
    """The firewall change as carried out."""

    change_reference = text(
        _("Change reference"),
        _("The firewall's rule id or the change record number, e.g. FW-2026-0187."),
        required=True, max_length=60,
    )
    implemented_at = when(
        _("Implemented at"), _("Leave empty for now."), default_now=True,
    )


class VerifyChangeSchema(FormSchema):
    """Who checked that the rule works, and how."""

    verified_by = text(
        _("Verified by"), _("The person who tested the access, e.g. the requester."),
        required=True, max_length=120,
    )
    result = long_text(
        _("Verification result"), _("What was tested and what happened."), required=True,
    )


class FailedVerificationSchema(FormSchema):
    """What went wrong when the change was tested."""

    problem = long_text(_("Problem found"), required=True)
    rolled_back = checkbox(_("Rule rolled back"), _("Tick if the rule was taken out again."))


class RemoveRuleSchema(FormSchema):
    """The removal of a temporary rule."""

    removal_reference = text(
        _("Removal reference"), _("The change record of the removal."),
        required=True, max_length=60,
    )
    removed_at = when(_("Removed at"), _("Leave empty for now."), default_now=True)


# -- virus notice ------------------------------------------------------------------------------

ISOLATION_CHOICES = [
    ("switch_port", _("Switch port shut down")),
    ("edr_quarantine", _("Network quarantine by the endpoint agent")),
    ("quarantine_vlan", _("Moved to the quarantine VLAN")),
    ("unplugged", _("Unplugged from the network")),
]
CLEANUP_CHOICES = [
    ("antivirus", _("Removed with the antivirus")),
    ("manual", _("Removed by hand")),
    ("reimaged", _("Disk wiped and system reinstalled")),
]


class IsolateHostSchema(FormSchema):
    """How the infected computer was taken off the network."""

    isolation_method = select(_("Isolation method"), ISOLATION_CHOICES, required=True)
    isolated_at = when(_("Isolated at"), _("Leave empty for now."), default_now=True)
    notes = long_text(_("Notes"))


class CleanHostSchema(FormSchema):
    """How the virus was removed."""

    cleanup_action = select(_("Clean-up"), CLEANUP_CHOICES, required=True)
    cleanup_notes = long_text(
        _("Clean-up notes"), _("What was found and removed; any data lost or restored."),
        required=True,
    )


class VerifyCleanSchema(FormSchema):
    """The scan showing the computer is clean."""

    scan_tool = text(
        _("Scan tool"), _("The scanner and its signature date."), required=True, max_length=120,
    )
    scan_result = long_text(_("Scan result"), required=True)
    kept_offline = checkbox(
        _("Kept off the network"), _("Tick if the computer stays disconnected for now."),
    )


class ReinfectionSchema(FormSchema):
    """What the check after clean-up still found."""

    finding = long_text(_("What was still found"), required=True)


# -- security incident -------------------------------------------------------------------------


class ContainSchema(FormSchema):
    """How the incident was stopped from spreading."""

    containment_actions = long_text(
        _("Containment actions"),
        _("Accounts locked, hosts isolated, traffic blocked, evidence kept."), required=True,
    )
    contained_at = when(_("Contained at"), _("Leave empty for now."), default_now=True)


class EradicateSchema(FormSchema):
    """The cause of the incident and its removal."""

    root_cause = long_text(_("Root cause"), required=True)
    eradication_actions = long_text(_("Eradication actions"), required=True)


class RecoverSchema(FormSchema):
    """How the affected systems were brought back."""

    recovery_actions = long_text(_("Recovery actions"), required=True)
    restored_at = when(
        _("Service restored at"), _("Leave empty for now."), default_now=True,
    )


# -- vulnerability -----------------------------------------------------------------------------

EXPOSURE_CHOICES = [
    ("affected", _("Affected: our systems must be fixed")),
    ("not_affected", _("Not affected: the vulnerable version or feature is not in use")),
]
REMEDIATION_CHOICES = [
    ("patch", _("Install the vendor's patch")),
    ("upgrade", _("Upgrade to a fixed version")),
    ("workaround", _("Apply a workaround or configuration change")),
]
VERIFY_METHOD_CHOICES = [
    ("rescan", _("Vulnerability scan repeated")),
    ("version_check", _("Installed version checked")),
    ("vendor_tool", _("Vendor's check tool")),
]


class AssessVulnerabilitySchema(FormSchema):
    """Whether our systems are exposed, and the plan to fix them."""

    exposure = select(_("Exposure"), EXPOSURE_CHOICES, required=True)
    assessment = long_text(_("Assessment"), _("Which systems run what, and why."),
                           required=True)
    remediation = select(_("Remediation"), REMEDIATION_CHOICES, _("Needed when affected."))
    planned_fix_date = day(_("Planned fix date"), _("Needed when affected."))

    @validates_schema(skip_on_field_errors=False)
    def _plan_when_affected(self, data: dict[str, Any], **kwargs: Any) -> None:
        """An affected system needs a remediation and a date that has not passed."""
        errors: dict[str, list[str]] = {}
        if data.get("exposure") == "affected":
            if "remediation" not in data:
                errors["remediation"] = [str(_("Say how the affected systems will be fixed."))]
            if "planned_fix_date" not in data:
                errors["planned_fix_date"] = [str(_("Say when the fix is planned."))]
        if data.get("planned_fix_date") and data["planned_fix_date"] < today():
            errors.setdefault("planned_fix_date", []).append(
                str(_("The planned date has already passed."))
            )
        if errors:
            raise ValidationError(errors)


class PatchSchema(FormSchema):
    """The fix as applied."""

    fix_applied = long_text(
        _("Fix applied"), _("Patch, KB or version number, or the workaround."), required=True,
    )
    patched_at = when(_("Fixed at"), _("Leave empty for now."), default_now=True)


class VerifyFixSchema(FormSchema):
    """The check that the vulnerability is gone."""

    verification_method = select(_("Verification method"), VERIFY_METHOD_CHOICES, required=True)
    result = long_text(_("Verification result"), required=True)


class FixFailedSchema(FormSchema):
    """What the check after the fix still found."""

    problem = long_text(_("Problem found"), required=True)


# -- the security vendor -----------------------------------------------------------------------

OUTCOME_CHOICES = [
    ("delivered", _("The vendor delivered")),
    ("withdrawn", _("Withdrawn: we go on without the vendor")),
]


class RaiseToVendorSchema(FormSchema):
    """Handing an incident or a vulnerability to the security vendor."""

    vendor = text(
        _("Security vendor"), _("The antivirus, firewall or security service provider."),
        required=True, widget="vendor", vendor_kind=VENDOR_KIND,
    )
    vendor_reference = text(
        _("Vendor's reference"), _("Their ticket number, if they gave one already."),
        max_length=120,
    )
    request_to_vendor = long_text(_("What we asked the vendor"), required=True)
    promised_response_at = when(
        _("Promised response by"), _("When the vendor promised to answer."),
        required=True, past=False,
    )
    promised_completion_at = when(
        _("Promised completion by"), _("When the vendor promised to finish, if they did."),
        past=False,
    )

    @validates_schema(skip_on_field_errors=False)
    def _promises_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A vendor cannot promise to finish before they answer."""
        response, done = data.get("promised_response_at"), data.get("promised_completion_at")
        if response and done and done < response:
            raise ValidationError(
                str(_("The promised completion comes before the promised response.")),
                field_name="promised_completion_at",
            )


class UpdateVendorSchema(FormSchema):
    """News from the vendor while they have the work."""

    vendor_note = long_text(_("What the vendor said"), required=True)
    vendor_reference = text(_("Vendor's reference"), max_length=120)
    responded_at = when(
        _("Vendor responded at"), _("When the vendor first answered, if they did."),
    )
    promised_completion_at = when(
        _("Promised completion by"), _("A new or first promise to finish."), past=False,
    )


class VendorDoneSchema(FormSchema):
    """The vendor's work coming back (or being taken back)."""

    outcome = select(_("Outcome"), OUTCOME_CHOICES, required=True)
    vendor_findings = long_text(
        _("Vendor's findings"), _("Their analysis, fix or advice; or why we withdrew."),
        required=True,
    )
    vendor_reference = text(_("Vendor's reference"), max_length=120)
    completed_at = when(
        _("Vendor finished at"), _("Leave empty for now."), default_now=True,
    )
