"""The plugin's settings: the amount above which the budget holder approves, and who that is."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from hdcore import TransitionContext, User
from hdcore import lazy_gettext as _
from hdcore import services as svc

PLUGIN = "procurement"
DEFAULTS: dict[str, Any] = {"approval_threshold": 50000, "budget_holder": ""}


class ProcurementSettingsSchema(Schema):
    """What an administrator sets on the plugins page."""

    approval_threshold = fields.Integer(
        required=True, validate=validate.Range(min=0, max=99_999_999),
        metadata={"label": _("Budget holder's approval above (yuan)"),
                  "help": _("Purchases above this amount are approved by the budget holder; "
                            "up to it, the help desk lead approves."),
                  "widget": "number"})
    budget_holder = fields.String(
        load_default="", validate=validate.Length(max=80),
        metadata={"label": _("Budget holder (user name)"),
                  "help": _("Leave empty for the head of the requester's department; give a "
                            "user name (an IT manager, say) to have one person approve every "
                            "large purchase."),
                  "widget": "text"})


def settings(ctx: TransitionContext) -> dict[str, Any]:
    """The settings in force now."""
    return {**DEFAULTS, **svc.host_of(ctx.session).plugin_settings(ctx.session, PLUGIN)}


def threshold(ctx: TransitionContext) -> Decimal:
    """The amount above which the budget holder must approve."""
    return Decimal(int(settings(ctx)["approval_threshold"]))


def budget_holder(ctx: TransitionContext) -> User | None:
    """Who approves large purchases: the configured person if active, else the head of the
    requester's department (None when there is neither)."""
    name = (settings(ctx).get("budget_holder") or "").strip()
    if name:
        user = ctx.session.scalar(select(User).where(User.username == name))
        if user is not None and user.is_active:
            return user
    dept = ctx.request.requester.department if ctx.request.requester else None
    head = dept.head if dept is not None else None
    return head if head is not None and head.is_active else None
