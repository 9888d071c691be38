"""The core's defaults, as an essential plugin: the shared lifecycle and its guards."""

from __future__ import annotations

from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import Permission
from hdcore.services.base import host_of
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
        finishing = wf.kind(ctx.transition.target) is StateKind.RESOLVED or name == "close"
        if finishing and any(t.is_open for t in ctx.request.tasks):
            reasons.append(str(_("All tasks must be completed or cancelled first.")))
        if (
            name == "reopen"
            and ctx.request.status == "closed"
            and ctx.actor.role not in SUPERVISORS
        ):
            reasons.append(
                str(_("Only the help desk lead or a manager can reopen a closed request."))
            )
        return reasons


def builtin_plugins() -> list[HelpdeskPlugin]:
    """The core's essential plugins, registered first by every host (core features that use
    the same hooks as the category plugins: the lifecycle, and more as the core grows)."""
    return [CorePlugin()]
