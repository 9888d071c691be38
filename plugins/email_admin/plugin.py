"""The e-mail account administration plugin: metadata and thin hooks over its modules."""

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
from plugins.email_admin import rules, vendors
from plugins.email_admin.samples import SAMPLES
from plugins.email_admin.schemas import CATEGORY, EmailRequestSchema
from plugins.email_admin.summary import summarise
from plugins.email_admin.tasks import carry_out_tasks
from plugins.email_admin.workflow import WORKFLOW


class EmailAdminPlugin(HelpdeskPlugin):
    """Company mailboxes: new, closed, quota, password, aliases, lists and troubleshooting."""

    name = "email_admin"
    title = _("E-mail account administration")
    description = _("Opening, closing, changing and troubleshooting company mailboxes: "
                    "quota, password, aliases and distribution lists.")

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        """The one category this plugin provides."""
        return [CategorySpec(CATEGORY, _("E-mail account administration"),
                             _("New or closed mailboxes, quota, passwords, aliases, "
                               "distribution lists, and mail that does not work."),
                             icon="mail")]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        """The request's fields."""
        return EmailRequestSchema if category == CATEGORY else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        """Approval, carrying out and the mail provider, on top of the core lifecycle."""
        return WORKFLOW if category == CATEGORY else None

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        """The hosted mail provider."""
        return [vendors.MAIL_PROVIDER_KIND]

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        """Example requests, each walked to a different point of the workflow."""
        return list(SAMPLES) if category == CATEGORY else None

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> list[str] | None:
        """Vetoes and request-dependent field checks of this category's steps."""
        if ctx.request.category != CATEGORY:
            return None
        return [*rules.check(ctx), *vendors.check_step(ctx)]

    @hookimpl
    def hd_transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate] | None:
        """The action's tasks when the change is carried out."""
        if ctx.request.category != CATEGORY or ctx.transition.name != "carry_out":
            return None
        return carry_out_tasks(ctx)

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        """Keep the mail provider's engagement in step with the request."""
        if ctx.request.category == CATEGORY:
            vendors.on_transition(ctx)

    @hookimpl
    def hd_detail_summary(self, category: str,
                          details: dict[str, Any]) -> list[tuple[str, str]] | None:
        """The action, the quota and the address lists in a few lines."""
        return summarise(details) if category == CATEGORY else None
