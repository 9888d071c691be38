"""The ERP support plugin class: its metadata and thin hooks delegating to the modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    RouteSuggestion,
    SampleRequest,
    ServiceRequest,
    TaskTemplate,
    TransitionContext,
    VendorKind,
    WorkflowContribution,
    hookimpl,
)
from hdcore import lazy_gettext as _
from plugins.erp_support import rules, vendors
from plugins.erp_support.constants import CATEGORY, VENDOR_KIND
from plugins.erp_support.samples import ERP_VENDORS, sample_requests
from plugins.erp_support.schemas import ErpRequestSchema, detail_summary
from plugins.erp_support.workflow import ERP_WORKFLOW

Hook = Callable[[TransitionContext], Any]

#: Vetoes per step: each returns reasons (or raises ValidationFailed naming a field).
CHECKS: dict[str, Hook] = {
    "raise_to_vendor": vendors.check_vendor,
    "vendor_answered": vendors.check_answer,
    "request_approval": rules.check_request_approval,
    "apply_production": rules.check_apply_production,
    "resolve": rules.check_resolve,
}

#: What a step writes besides the state change, inside its transaction.
REACTIONS: dict[str, Hook] = {
    "raise_to_vendor": vendors.engage,
    "vendor_answered": vendors.record_answer,
    "recall_from_vendor": vendors.withdraw,
    "cancel": vendors.withdraw,
    "force_close": vendors.withdraw,
    "resolve": vendors.finish,
    "submit_for_verification": rules.complete_test_tasks,
    "apply_production": rules.complete_production_tasks,
}


class ErpSupportPlugin(HelpdeskPlugin):
    """ERP support: questions, faults, set-up and access changes, and the ERP vendor."""

    name = "erp_support"
    title = _("ERP support")
    description = _("Questions and faults in the ERP by module, configuration changes, user and "
                    "responsibility changes, and problems raised with the ERP vendor.")

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        """The one category this plugin provides."""
        return [CategorySpec(
            CATEGORY, _("ERP support"),
            _("Ask about the ERP, report a fault, request a set-up change or user access."),
            icon="database",
        )]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        """The request's own fields."""
        return ErpRequestSchema if category == CATEGORY else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        """The vendor, sign-off, test and production steps."""
        return ERP_WORKFLOW if category == CATEGORY else None

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        """The ERP vendor (software maker's support or service partner); SLA pauses with them."""
        return [VendorKind(VENDOR_KIND, _("ERP vendor"), pauses_sla=True, samples=ERP_VENDORS)]

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        """Example requests for the demo and the tests."""
        return sample_requests() if category == CATEGORY else None

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> list[str] | None:
        """Refuse steps the ERP rules do not allow now."""
        if ctx.request.category != CATEGORY or ctx.transition.name not in CHECKS:
            return None
        return CHECKS[ctx.transition.name](ctx) or None

    @hookimpl
    def hd_transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate] | None:
        """A signed-off change breaks into "apply in test" and "apply in production"."""
        if ctx.request.category != CATEGORY or ctx.transition.name != "approve_change":
            return None
        return rules.tasks_on_approval(ctx)

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        """Track the vendor and complete the tasks a step reports done."""
        if ctx.request.category == CATEGORY and ctx.transition.name in REACTIONS:
            REACTIONS[ctx.transition.name](ctx)

    @hookimpl
    def hd_suggest_route(self, session: Session, request: ServiceRequest) -> RouteSuggestion | None:
        """ERP requests go to the desk's ERP team, when it has one."""
        team = rules.erp_group_name(session) if request.category == CATEGORY else None
        if team is None:
            return None
        return RouteSuggestion(group=team, reason=_("The ERP team looks after the ERP."))

    @hookimpl
    def hd_detail_summary(self, category: str,
                          details: dict[str, Any]) -> list[tuple[str, str]] | None:
        """The responsibilities asked for and whether sign-off is needed."""
        return detail_summary(details) if category == CATEGORY else None
