"""The outsourced-maintenance plugin: its metadata and thin hooks over the modules beside it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    SampleRequest,
    TaskTemplate,
    TransitionContext,
    VendorKind,
    WorkflowContribution,
    hookimpl,
)
from hdcore import lazy_gettext as _
from plugins.outsourcing import names as n
from plugins.outsourcing.equipment import promised_response
from plugins.outsourcing.samples import VENDORS, sample_requests
from plugins.outsourcing.schemas import RepairRequestSchema, utcnow
from plugins.outsourcing.summary import detail_summary
from plugins.outsourcing.vendors import resolve_veto, track, validate_step
from plugins.outsourcing.workflow import CONTRIBUTION, dispatch_tasks


def _mine(ctx: TransitionContext) -> bool:
    return ctx.request.category == n.CATEGORY


class OutsourcingPlugin(HelpdeskPlugin):
    """Repairs and maintenance done by outside vendors, tracked by IT against their promises."""

    name = "outsourcing"
    title = _("Outsourced maintenance")
    description = _("Hardware and software repairs done by outside maintenance vendors: "
                    "dispatch, the vendor's reference, on-site visits, promised and actual "
                    "times, and follow-up of vendor exceptions.")

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        """The one category: outsourced maintenance."""
        return [CategorySpec(
            n.CATEGORY, _("Outsourced maintenance"),
            _("A device or a program is broken and an outside vendor repairs it: PCs, "
              "laptops, printers, copiers, servers, network devices, UPS, software."),
            icon="wrench",
        )]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        """What the requester fills in about the broken equipment."""
        return RepairRequestSchema if category == n.CATEGORY else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        """The vendor's states and steps."""
        return CONTRIBUTION if category == n.CATEGORY else None

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        """Maintenance vendors; IT's clock stops while they hold the job."""
        return [VendorKind(n.VENDOR_KIND, _("Maintenance vendor"), pauses_sla=True,
                           samples=VENDORS)]

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        """Example repair requests."""
        return sample_requests() if category == n.CATEGORY else None

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> str | None:
        """Refuse resolving while a vendor holds the job.

        Field values the vendor register or the job contradict (an unknown vendor, an arrival
        before the dispatch) raise ValidationFailed naming the field, before anything changes.
        """
        if not _mine(ctx):
            return None
        validate_step(ctx)
        return resolve_veto(ctx) if ctx.transition.name == "resolve" else None

    @hookimpl
    def hd_transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate] | None:
        """A dispatch creates the access and backup tasks it asked for."""
        if not _mine(ctx) or ctx.transition.name != n.DISPATCH:
            return None
        response = promised_response(ctx)
        due_in = response - utcnow() if response is not None else None
        return dispatch_tasks(ctx.data["service_mode"], ctx.data["access_required"],
                              ctx.data["backup_required"], due_in)

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        """Record the step on the vendor's job."""
        if _mine(ctx):
            track(ctx)

    @hookimpl
    def hd_detail_summary(self, category: str,
                          details: dict[str, Any]) -> list[tuple[str, str]] | None:
        """The equipment at a glance and how long it has been broken."""
        return detail_summary(details) if category == n.CATEGORY else None
