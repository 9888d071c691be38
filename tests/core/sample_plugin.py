"""A small category plugin used by the core's tests (a hardware loan desk)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    Permission,
    SampleRequest,
    State,
    StateKind,
    TaskTemplate,
    Transition,
    TransitionContext,
    VendorKind,
    WorkflowContribution,
    hookimpl,
)
from hdcore import lazy_gettext as _


class LoanSchema(Schema):
    """What a loan request needs."""

    item = fields.String(required=True, validate=validate.OneOf(["laptop", "projector"]),
                         metadata={"label": _("Item")})
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=30),
                          metadata={"label": _("Days")})


class HandOverSchema(Schema):
    """Fields of the hand-over step."""

    asset_tag = fields.String(required=True, validate=validate.Length(min=3))


class LoanPlugin(HelpdeskPlugin):
    """Lends equipment: approve, hand over, get back."""

    name = "loans"
    title = "Loans"
    seen: list[str] = []

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        return [CategorySpec("loan", _("Equipment loan"))]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        return LoanSchema if category == "loan" else None

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        if category != "loan":
            return None
        return WorkflowContribution(
            states=(State("lent", _("Lent out"), StateKind.WAITING),),
            transitions=(
                Transition("hand_over", _("Hand over"), ("in_progress",), "lent",
                           schema=HandOverSchema,
                           tasks=(TaskTemplate("prepare", "Prepare the device"),
                                  TaskTemplate("wipe", "Wipe it on return",
                                               depends_on=("prepare",)))),
                Transition("returned", _("Returned"), ("lent",), "in_progress",
                           roles=frozenset({"perm:loans.receive"})),
            ),
        )

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        return [Permission("loans.receive", _("Receive returned devices"),
                           frozenset({"technician", "lead"}))]

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        return [VendorKind("rental", _("Rental company"))]

    @hookimpl
    def hd_check_transition(self, ctx: TransitionContext) -> str | None:
        if ctx.transition.name == "hand_over" and ctx.request.details.get("days", 0) > 14:
            return "Loans over two weeks need the manager's approval first."
        return None

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        self.seen.append(ctx.transition.name)

    @hookimpl
    def hd_sample_requests(self, category: str) -> list[SampleRequest] | None:
        if category != "loan":
            return None
        return [SampleRequest("Laptop for a trip", "Need one for a week.",
                              {"item": "laptop", "days": 7})]
