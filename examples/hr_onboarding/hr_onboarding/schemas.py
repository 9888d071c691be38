"""The newcomer's details HR fills in, and the fields of the plugin's steps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from hdcore import lazy_gettext as _
from hdcore import now

#: The office's calendar day decides what "today" is (the company works in China).
OFFICE = ZoneInfo("Asia/Shanghai")
NEEDS = ("needs_mailbox", "needs_erp_account", "needs_pc")
PC_TYPES = ("laptop", "desktop")


def office_today() -> date:
    """Today in the office."""
    return now().astimezone(OFFICE).date()


class OnboardingSchema(Schema):
    """A newcomer and what IT must prepare for their first day."""

    employee_name = fields.String(
        required=True, validate=validate.Length(min=2, max=100),
        error_messages={"required": _("Enter the newcomer's name.")},
        metadata={"label": _("Newcomer's name"), "widget": "text",
                  "help": _("As in the employment contract, e.g. 王小明 or Mary Lin.")})
    start_date = fields.Date(
        required=True, error_messages={"required": _("Enter the first working day.")},
        metadata={"label": _("First working day"), "widget": "date",
                  "help": _("IT needs at least three working days to prepare.")})
    department = fields.String(
        required=True, validate=validate.Length(min=2, max=100),
        error_messages={"required": _("Enter the department the newcomer joins.")},
        metadata={"label": _("Department"), "widget": "text",
                  "help": _("The department the newcomer joins.")})
    position = fields.String(
        load_default="", validate=validate.Length(max=100),
        metadata={"label": _("Position"), "widget": "text", "help": _("Optional.")})
    needs_mailbox = fields.Boolean(
        load_default=True,
        metadata={"label": _("Mailbox"), "widget": "checkbox",
                  "help": _("A company e-mail address and mailbox.")})
    needs_erp_account = fields.Boolean(
        load_default=False,
        metadata={"label": _("ERP account"), "widget": "checkbox",
                  "help": _("An account in the ERP system with the department's roles.")})
    needs_pc = fields.Boolean(
        load_default=True,
        metadata={"label": _("PC"), "widget": "checkbox",
                  "help": _("A computer, bought through procurement if none is in stock.")})
    pc_type = fields.String(
        load_default="laptop", validate=validate.OneOf(PC_TYPES),
        metadata={"label": _("Kind of PC"), "widget": "select",
                  "choices": [("laptop", _("Laptop")), ("desktop", _("Desktop"))],
                  "show_when": {"needs_pc": ["true"]}})

    @validates("start_date")
    def _start_date(self, value: date, **_kwargs: Any) -> None:
        today = office_today()
        if value < today - timedelta(days=30):
            raise ValidationError(_("The first working day is more than a month ago."))
        if value > today + timedelta(days=365):
            raise ValidationError(_("The first working day is more than a year away."))

    @validates_schema
    def _something_needed(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not any(data.get(n) for n in NEEDS):
            raise ValidationError(_("Choose at least one thing to set up."),
                                  field_name="needs_mailbox")


class HandOverSchema(Schema):
    """The fields of the "everything is ready" step."""

    ready_on = fields.Date(
        required=True, error_messages={"required": _("Enter the day everything was ready.")},
        metadata={"label": _("Ready on"), "widget": "date"})
    note = fields.String(
        load_default="", validate=validate.Length(max=2000),
        metadata={"label": _("Note for HR"), "widget": "textarea",
                  "help": _("E.g. where the newcomer collects the PC.")})
