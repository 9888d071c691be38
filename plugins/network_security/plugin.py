"""The network security plugin class: metadata and thin hooks over the package's modules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    Permission,
    SampleRequest,
    ServiceRequest,
    TaskTemplate,
    TransitionContext,
    User,
    VendorKind,
    WorkflowContribution,
    hookimpl,
)
from hdcore import lazy_gettext as _
from hdcore import services as svc
from plugins.network_security import privacy, rules, samples, summary, vendors
from plugins.network_security.kinds import APPROVE_PERMISSION, CATEGORY, VIEW_INCIDENTS_PERMISSION
from plugins.network_security.schemas import NetworkSecuritySchema
from plugins.network_security.validators import COMPANY_TZ, now
from plugins.network_security.workflow import CONTRIBUTION, REMOVAL_TASK

#: When on its end date a temporary rule is due to come out (local time).
REMOVAL_TIME = time(18, 0)


class NetworkSecurityPlugin(HelpdeskPlugin):
    """Firewall changes, virus notices and clean-up, security incidents, vulnerability fixes."""

    name = "network_security"
    title = _("Network security")
    description = _("Firewall changes with risk assessment and approval, virus clean-up, "
                    "security incidents and vulnerability fixes, with the security vendor "
                    "tracked.")

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        """The one category this plugin provides."""
        return [CategorySpec(
            CATEGORY, _("Network security"),
            _("Firewall changes, virus notices and clean-up, security incidents, vulnerability "
              "fixes."),
            icon="shield",
        )]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        """The request form of the category."""
        return NetworkSecuritySchema if category == CATEGORY else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        """The category's states and steps."""
        return CONTRIBUTION if category == CATEGORY else None

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        """The security vendors incidents and vulnerabilities are raised to."""
        return [vendors.SECURITY_VENDOR]

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """Approving firewall changes (the IT manager by default); seeing every security
        incident (the desk lead and the IT manager by default)."""
        return [Permission(APPROVE_PERMISSION, _("Approve or reject firewall changes"),
                           frozenset({"manager"})),
                Permission(VIEW_INCIDENTS_PERMISSION, _("See every security incident"),
                           frozenset({"lead", "manager"}))]

    @hookimpl
    def hd_restrict_visibility(self, session: Session, actor: User) -> Any:
        """Security incidents only for the people on them and the permission holders."""
        return privacy.condition(session, actor)

    @hookimpl
    def hd_can_view_request(self, actor: User, request: ServiceRequest) -> bool | None:
        """The same rule for one loaded request."""
        return privacy.may_view(actor, request)

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        """Example requests of every kind, left in different states."""
        return samples.build() if category == CATEGORY else None

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> list[str] | None:
        """The category's vetoes (path order, approval rules) and vendor field checks."""
        if ctx.request.category != CATEGORY:
            return None
        vendors.check(ctx)
        check = rules.CHECKS.get(ctx.transition.name)
        return check(ctx) if check else None

    @hookimpl
    def hd_transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate] | None:
        """A reminder, due on the end date, to take a temporary rule out again."""
        if ctx.request.category != CATEGORY or ctx.transition.name != "keep_until_end_date":
            return None
        end = ctx.request.details.get("end_date")
        if not end:
            return None
        due = datetime.combine(date.fromisoformat(end), REMOVAL_TIME, COMPANY_TZ)
        return [TaskTemplate(
            REMOVAL_TASK, _("Remove the temporary firewall rule"),
            str(_("Allowed until %(date)s: %(rule)s. Take it out, then record the step "
                  "“Remove the temporary rule”.")) % {
                "date": end, "rule": summary.rule_line(ctx.request.details)},
            due_in=max(due - now(), timedelta(minutes=1)),
        )]

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        """Keep the vendor's record, and close the removal reminder when the rule is out."""
        if ctx.request.category != CATEGORY:
            return
        vendors.react(ctx)
        if ctx.transition.name == "remove_temporary_rule":
            for task in ctx.request.tasks:
                if task.template == REMOVAL_TASK and task.is_open:
                    svc.complete_task(ctx.session, ctx.actor, task.id,
                                      note=str(ctx.data["removal_reference"]))

    @hookimpl
    def hd_detail_summary(self, category: str,
                          details: dict[str, Any]) -> list[tuple[str, str]] | None:
        """The rule in one line, the end date, the severity."""
        return summary.lines(details) if category == CATEGORY else None
