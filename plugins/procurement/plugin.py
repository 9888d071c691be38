"""The procurement plugin class: metadata and thin hooks delegating to the package's modules."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    Permission,
    SampleRequest,
    TaskStatus,
    TaskTemplate,
    TransitionContext,
    VendorKind,
    WorkflowContribution,
    hookimpl,
)
from hdcore import lazy_gettext as _
from plugins.procurement import rules, tracking
from plugins.procurement.samples import SUPPLIERS, sample_requests
from plugins.procurement.schemas import VENDOR_KIND, ProcurementSchema
from plugins.procurement.settings import DEFAULTS, ProcurementSettingsSchema
from plugins.procurement.summary import summary
from plugins.procurement.workflow import (
    CATEGORY,
    CONTRIBUTION,
    PERM_APPROVE,
    PERM_APPROVE_STANDARD,
    delivery_tasks,
)


class ProcurementPlugin(HelpdeskPlugin):
    """Buying IT equipment and consumables: approval, quote, order, delivery, receipt."""

    name = "procurement"
    title = _("Procurement")
    description = _("Buying IT equipment and consumables (PCs, printers, servers, paper, "
                    "toner) from outside suppliers: approval, quote, order, delivery and "
                    "receipt, with the supplier's promised and actual dates.")
    settings_schema = ProcurementSettingsSchema
    default_settings = DEFAULTS

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        """The one category this plugin provides."""
        return [CategorySpec(CATEGORY, _("Procurement"), _(
            "Buy PCs, laptops, monitors, printers, servers, network equipment, software "
            "licences, toner or paper."), icon="cart")]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        """The purchase's fields."""
        return ProcurementSchema if category == CATEGORY else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        """Approval, quote, order, delivery and receipt steps."""
        return CONTRIBUTION if category == CATEGORY else None

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        """Suppliers of equipment and consumables; the clock pauses while they deliver."""
        return [VendorKind(VENDOR_KIND, _("Supplier of IT equipment and consumables"),
                           pauses_sla=True, samples=SUPPLIERS)]

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """Approving purchases: any amount (manager) or up to the threshold (lead)."""
        return [
            Permission(PERM_APPROVE, _("Approve purchases of any amount"),
                       frozenset({"manager"})),
            Permission(PERM_APPROVE_STANDARD, _("Approve purchases up to the approval threshold"),
                       frozenset({"lead", "manager"})),
        ]

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        """Realistic purchases in several states."""
        return sample_requests() if category == CATEGORY else None

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> list[str] | None:
        """Approval limits, no order without approval and quote, receipt before resolving."""
        return rules.check(ctx) if ctx.request.category == CATEGORY else None

    @hookimpl
    def hd_transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate] | None:
        """On delivery: asset tagging, then setting up what was bought."""
        if ctx.request.category != CATEGORY or ctx.transition.name != "record_delivery":
            return None
        existing = [t.template for t in ctx.request.tasks
                    if t.template and t.status != TaskStatus.CANCELLED.value]
        return delivery_tasks(ctx.request.details.get("items") or [], existing)

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        """Record the step's facts on the request and the supplier's engagement."""
        if ctx.request.category == CATEGORY:
            tracking.record(ctx)

    @hookimpl
    def hd_detail_summary(self, category: str, details: dict[str, Any]
                          ) -> list[tuple[str, str]] | None:
        """Estimated total, approval, quote, order and delivery at a glance."""
        return summary(details) if category == CATEGORY else None
