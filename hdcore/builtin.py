"""The core's defaults, as an essential plugin: the shared lifecycle and its guards."""

from __future__ import annotations

from hdcore.analytics.plugin import AnalyticsPlugin
from hdcore.assets.plugin import AssetsPlugin
from hdcore.clock import now
from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.mail.plugin import MailPlugin
from hdcore.notify.plugin import NotificationsPlugin
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import Permission
from hdcore.search.plugin import SearchPlugin
from hdcore.services.base import company_timezone, host_of
from hdcore.sla.ladder import reopen_deadline
from hdcore.sla.plugin import SlaPlugin
from hdcore.vendors.plugin import VendorsPlugin
from hdcore.workflow import SUPERVISORS, StateKind, TransitionContext, WorkflowContribution
from hdcore.workflow.lifecycle import CORE_WORKFLOW


class CorePlugin(HelpdeskPlugin):
    """Contributes the core lifecycle to every category; cannot be disabled."""

    name = "core"
    title = _("Core")
    description = _("The request lifecycle every service category shares.")
    essential = True

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution:
        """Every category starts from the core lifecycle."""
        return CORE_WORKFLOW

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """The core's own rights."""
        return [
            Permission("core.manage_plugins", _("Enable and disable plugins"),
                       frozenset({"admin"})),
            Permission("core.force_close", _("Close a request without the requester"),
                       frozenset(SUPERVISORS)),
        ]

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> list[str]:
        """Keep open tasks from being forgotten and closed requests closed for requesters."""
        reasons: list[str] = []
        name = ctx.transition.name
        wf = host_of(ctx.session).workflow(ctx.request.category)
        finishing = (wf.kind(ctx.transition.target) is StateKind.RESOLVED
                     or name in ("close", "auto_close"))
        if finishing and any(t.is_open for t in ctx.request.tasks):
            reasons.append(str(_("All tasks must be completed or cancelled first.")))
        if (
            name == "reopen"
            and ctx.request.status == "closed"
            and ctx.actor.role not in SUPERVISORS
        ):
            reasons.extend(_reopen_refusal(ctx))
        return reasons


def _reopen_refusal(ctx: TransitionContext) -> list[str]:
    """Why someone other than a supervisor may not reopen this closed request (if they may).

    A request that closed itself for want of an answer may be reopened by its requester for
    the reopen window of the category's reminder policy.
    """
    deadline = reopen_deadline(ctx.session, ctx.request)
    if deadline is None or ctx.request.requester_id != ctx.actor.id:
        return [str(_("Only the help desk lead or a manager can reopen a closed request."))]
    if now() > deadline:
        local = deadline.astimezone(company_timezone(ctx.session)).strftime("%Y-%m-%d %H:%M")
        return [str(_("The request closed itself because nobody confirmed it; it could be "
                      "reopened until %(until)s. Please file a new request, or ask the help "
                      "desk to reopen it.")) % {"until": local}]
    return []


def builtin_plugins() -> list[HelpdeskPlugin]:
    """The core's essential plugins, registered first by every host (core features that use
    the same hooks as the category plugins: the lifecycle, service levels, and more as the
    core grows)."""
    return [CorePlugin(), SlaPlugin(), NotificationsPlugin(), MailPlugin(),
            AnalyticsPlugin(),
            SearchPlugin(),
            VendorsPlugin(),
            AssetsPlugin()]
