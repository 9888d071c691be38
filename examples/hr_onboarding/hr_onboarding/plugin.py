"""The plugin class: metadata and settings, and thin hooks delegating to the modules."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import (
    CategorySpec,
    Event,
    HelpdeskPlugin,
    SampleRequest,
    ServiceRequest,
    StateMove,
    TaskTemplate,
    TransitionContext,
    WorkflowContribution,
    hookimpl,
)
from hdcore import lazy_gettext as _
from hdcore import services as svc
from hr_onboarding import samples, schemas, workflow
from hr_onboarding.models import OnboardingSetup
from hr_onboarding.workflow import CATEGORY


class OnboardingSettings(Schema):
    """Which IT group gets which kind of set-up task."""

    mailbox_group = fields.String(
        required=True, validate=validate.Length(min=1, max=100),
        metadata={"label": _("Group that creates mailboxes"), "widget": "text"})
    erp_group = fields.String(
        required=True, validate=validate.Length(min=1, max=100),
        metadata={"label": _("Group that creates ERP accounts"), "widget": "text"})
    pc_group = fields.String(
        required=True, validate=validate.Length(min=1, max=100),
        metadata={"label": _("Group that provides PCs"), "widget": "text"})


class OnboardingPlugin(HelpdeskPlugin):
    """New-employee IT set-up: one request per newcomer, one task per need."""

    name = "hr_onboarding"
    title = _("New-employee IT set-up")
    description = _("HR announces a newcomer; IT prepares the mailbox, the ERP account and the "
                    "PC as tasks of one request and hands everything over on the first day.")
    #: 1.1.0 dropped the state "awaiting_equipment" of 1.0: the PC became a task.
    version = "1.1.0"
    settings_schema = OnboardingSettings
    default_settings = {"mailbox_group": "Infrastructure", "erp_group": "Applications",
                        "pc_group": "Infrastructure"}

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        """The category HR files newcomers in."""
        return [CategorySpec(CATEGORY, _("New employee set-up"),
                             _("Mailbox, ERP account and PC for someone joining the company"),
                             icon="user-plus")]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        """The newcomer's details."""
        return schemas.OnboardingSchema if category == CATEGORY else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        """Setting up, then everything ready."""
        return workflow.CONTRIBUTION if category == CATEGORY else None

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        """Example newcomers."""
        return samples.sample_requests() if category == CATEGORY else None

    @hookimpl
    def hd_state_moves(self) -> list[StateMove]:
        """Requests left in 1.0's "awaiting equipment" continue in "setting up"."""
        return [StateMove(CATEGORY, "awaiting_equipment", "provisioning", since="1.1.0",
                          reason=_("The PC is now a task of the set-up."))]

    @hookimpl
    def hd_transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate] | None:
        """Starting the set-up creates one task per need."""
        if ctx.request.category != CATEGORY or ctx.transition.name != "provision":
            return None
        groups = svc.host_of(ctx.session).plugin_settings(ctx.session, self.name)
        return workflow.need_tasks(ctx.request.details, groups)

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        """Keep the set-up record in step: which task is which, and when it was ready."""
        if ctx.request.category != CATEGORY:
            return
        setup = _setup_of(ctx.session, ctx.request)
        if ctx.transition.name == "provision":
            setup.tasks = {t.template: t.id for t in ctx.request.tasks if t.template}
        elif ctx.transition.name == "hand_over":
            setup.ready_on = ctx.data["ready_on"]

    @hookimpl
    def hd_on_event(self, session: Session, request: ServiceRequest, event: Event) -> None:
        """A new (or edited) request of the category writes its set-up record."""
        if request.category != CATEGORY or event.kind not in ("created", "updated"):
            return
        details = request.details
        if not details.get("employee_name"):
            return  # filed by mail without the details yet
        setup = _setup_of(session, request)
        setup.employee_name = details["employee_name"]
        setup.start_date = schemas.OnboardingSchema().fields["start_date"].deserialize(
            details["start_date"])
        setup.department = details["department"]

    @hookimpl
    def hd_cli_commands(self) -> list[Any]:
        """``helpdesk newcomers``: who starts soon, and whether they are set up."""
        from hr_onboarding.cli import newcomers

        return [newcomers]

    @hookimpl
    def hd_detail_summary(self, category: str,
                          details: dict[str, Any]) -> list[tuple[str, str]] | None:
        """What is to be prepared, in one line."""
        if category != CATEGORY:
            return None
        labels = {"needs_mailbox": _("Mailbox"), "needs_erp_account": _("ERP account"),
                  "needs_pc": _("PC")}
        wanted = [str(label) for need, label in labels.items() if details.get(need)]
        return [(str(_("To prepare")), ", ".join(wanted))] if wanted else None


def _setup_of(session: Session, request: ServiceRequest) -> OnboardingSetup:
    """The request's set-up record (made on first use, inside the caller's transaction)."""
    session.flush()
    setup = session.scalar(select(OnboardingSetup).where(
        OnboardingSetup.request_id == request.id))
    if setup is None:
        setup = OnboardingSetup(request_id=request.id, employee_name="", department="",
                                start_date=schemas.office_today())
        session.add(setup)
    return setup
