"""The fields of an ERP support request and of its workflow steps (marshmallow schemas)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from hdcore import lazy_gettext as _
from hdcore import now
from plugins.erp_support.constants import COMPANY_TZ, NEEDS_SIGN_OFF, VENDOR_KIND

REQUEST_TYPES = [
    ("question", _("Question")),
    ("fault", _("Fault")),
    ("configuration_change", _("Configuration change")),
    ("user_change", _("User/responsibility change")),
]

MODULES = [
    ("GL", _("GL – General Ledger")),
    ("AP", _("AP – Payables")),
    ("AR", _("AR – Receivables")),
    ("FA", _("FA – Fixed Assets")),
    ("CE", _("CE – Cash Management")),
    ("INV", _("INV – Inventory")),
    ("PO", _("PO – Purchasing")),
    ("OM", _("OM – Order Management")),
    ("WIP", _("WIP – Work in Process")),
    ("BOM", _("BOM – Bills of Material")),
    ("CST", _("CST – Cost Management")),
    ("MRP", _("MRP – Material Requirements Planning")),
    ("QA", _("QA – Quality")),
    ("HR", _("HR – Human Resources")),
    ("PAY", _("PAY – Payroll")),
    ("SYSADMIN", _("SYSADMIN – System Administration")),
    ("OTHER", _("Other / not sure")),
]

ENVIRONMENTS = [
    ("production", _("Production (PROD)")),
    ("test", _("Test (TEST)")),
]

IMPACTS = [
    ("none", _("No impact on the business")),
    ("one_user", _("One user")),
    ("department", _("A whole department")),
    ("company", _("The whole company")),
]

USER_ACTIONS = [
    ("new_user", _("Create a new ERP user")),
    ("change", _("Change responsibilities")),
    ("end_date", _("End-date (disable) the user")),
]

RESPONSIBILITY_ACTIONS = [("add", _("Add")), ("remove", _("Remove"))]

VENDOR_SEVERITIES = [
    ("1", _("1 – Critical: production stopped")),
    ("2", _("2 – Significant: a key function is lost")),
    ("3", _("3 – Standard: some loss of function")),
    ("4", _("4 – Minimal: question or documentation")),
]

VENDOR_OUTCOMES = [
    ("solution", _("Solution")),
    ("workaround", _("Workaround")),
    ("patch", _("Patch to apply")),
    ("more_information", _("Asks for more information")),
    ("no_fix", _("No fix (works as designed or not supported)")),
]

_REQUIRED = {"required": _("This field is required.")}
TEXT_MAX = 10_000


def _values(choices: list[tuple[str, Any]]) -> list[str]:
    return [value for value, _label in choices]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def company_today() -> date:
    """Today's date where the company works."""
    return now().astimezone(COMPANY_TZ).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day``, company time."""
    return datetime.combine(day, time.min, tzinfo=COMPANY_TZ)


def select(label: str, choices: list[tuple[str, Any]], *, help: str = "",
           required: bool = True, **kw: Any) -> fields.String:
    """A drop-down list of ``choices``."""
    return fields.String(
        required=required,
        validate=validate.OneOf(_values(choices), error=_("Choose one of the listed values.")),
        error_messages=_REQUIRED,
        metadata={"label": label, "help": help, "widget": "select", "choices": choices},
        **kw,
    )


def text(label: str, *, help: str = "", required: bool = False, widget: str = "textarea",
         max_length: int = TEXT_MAX, pattern: validate.Regexp | None = None,
         error_messages: dict[str, Any] | None = None) -> fields.String:
    """A free-text field (a text area unless told otherwise)."""
    checks: list[validate.Validator] = [validate.Length(max=max_length)]
    if pattern is not None:
        checks.append(pattern)
    return fields.String(
        required=required,
        validate=checks,
        error_messages=error_messages or _REQUIRED,
        metadata={"label": label, "help": help, "widget": widget},
    )


class FormSchema(Schema):
    """A schema fed by forms: a blank input counts as not given, so "required" says so."""

    @pre_load
    def _drop_blanks(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {key: value for key, value in data.items() if not _blank(value)}


# -- the request's own fields ------------------------------------------------------------------


class ResponsibilityLineSchema(FormSchema):
    """One responsibility to add to or remove from an ERP user."""

    action = select(_("Add or remove"), RESPONSIBILITY_ACTIONS)
    responsibility = text(
        _("Responsibility"), required=True, widget="text", max_length=100,
        help=_("As named in the ERP, e.g. “AP Manager – Shanghai”."),
    )
    until = fields.Date(
        metadata={"label": _("Until"), "widget": "date",
                  "help": _("For temporary access: the last day it is needed.")},
    )

    @validates("until")
    def _until_not_past(self, value: date, **kwargs: Any) -> None:
        if value < company_today():
            raise ValidationError(_("The end date cannot be in the past."))


class ErpRequestSchema(FormSchema):
    """What an employee tells IT about an ERP question, fault or change."""

    request_type = select(
        _("Request type"), REQUEST_TYPES,
        help=_("A question, a fault, a change to the ERP set-up, or a change to a user's access."),
    )
    module = select(_("ERP module"), MODULES, help=_("The ERP module the request is about."))
    environment = select(
        _("Environment"), ENVIRONMENTS,
        help=_("Where it happens: the production system or the test system."),
    )
    business_impact = select(
        _("Business impact"), IMPACTS, help=_("Who cannot work normally because of it."),
    )
    impact_note = text(
        _("Impact details"),
        help=_("Optional: e.g. month-end close is blocked, 30 orders cannot ship."),
    )
    erp_function = text(
        _("Form, report or program"), widget="text", max_length=200,
        help=_("Optional: the screen, report or concurrent program, e.g. “Enter Journals”."),
    )
    error_message = text(
        _("Error message"), help=_("Optional: copy the exact error text, e.g. APP-SQLAP-10000."),
    )
    steps_to_reproduce = text(
        _("Steps to reproduce"), help=_("Optional: what you did, step by step, before it failed."),
    )
    erp_username = text(
        _("ERP user name"), widget="text", max_length=100,
        pattern=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9._@-]*$",
            error=_("Use letters, digits and . _ @ - only, as the ERP user name is written."),
        ),
        help=_("The user name in the ERP, e.g. ZHANG.WEI. Required for user/responsibility "
               "changes."),
    )
    user_action = select(
        _("What to do with the user"), USER_ACTIONS, required=False,
        help=_("Required for user/responsibility changes."),
    )
    responsibilities = fields.List(
        fields.Nested(ResponsibilityLineSchema),
        validate=validate.Length(max=30, error=_("At most 30 responsibilities per request.")),
        metadata={
            "label": _("Responsibilities"), "widget": "rows",
            "help": _("For user/responsibility changes: each responsibility to add or remove."),
        },
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _user_change_needs_user(self, data: dict[str, Any], original: Any,
                                **kwargs: Any) -> None:
        if not isinstance(original, dict) or data.get("request_type") != "user_change":
            return
        errors: dict[str, list[str]] = {}
        if _blank(original.get("erp_username")):
            errors["erp_username"] = [_("Give the ERP user name for a user/responsibility "
                                        "change.")]
        if _blank(original.get("user_action")):
            errors["user_action"] = [_("Choose what to do with the user.")]
        wants_lines = original.get("user_action") != "end_date"
        if wants_lines and not original.get("responsibilities"):
            errors["responsibilities"] = [_("List at least one responsibility to add or "
                                            "remove.")]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _upper_user_name(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # The ERP stores user names in capitals; keep the request matching what admins see.
        if data.get("erp_username"):
            data["erp_username"] = data["erp_username"].upper()
        return data


# -- the steps' fields -------------------------------------------------------------------------


class ReasonSchema(FormSchema):
    """A required reason (declining, withdrawing, rejecting)."""

    reason = text(_("Reason"), required=True)


class CommentSchema(FormSchema):
    """An optional remark."""

    comment = text(_("Comment"), help=_("Optional."))


class RaiseToVendorSchema(FormSchema):
    """Raising the problem with the ERP vendor: who, their reference, when, what they promised."""

    vendor = fields.String(
        required=True, validate=validate.Length(max=200),
        error_messages={"required": _("Choose the vendor the problem was raised with.")},
        metadata={"label": _("ERP vendor"), "widget": "vendor", "vendor_kind": VENDOR_KIND,
                  "help": _("One of the registered ERP vendors.")},
    )
    vendor_reference = text(
        _("Vendor's SR number"), required=True, widget="text", max_length=120,
        error_messages={"required": _("Give the service request number the vendor issued.")},
        help=_("The number the vendor gave the problem, e.g. SR 3-12345678901."),
    )
    raised_on = fields.Date(
        load_default=company_today,
        metadata={"label": _("Date raised"), "widget": "date",
                  "help": _("When the problem was raised with the vendor (today if empty).")},
    )
    severity = select(_("Severity given to the vendor"), VENDOR_SEVERITIES, required=False,
                      load_default="3")
    promised_response_at = fields.AwareDateTime(
        default_timezone=COMPANY_TZ, load_default=None,
        metadata={"label": _("Promised response by"), "widget": "datetime",
                  "help": _("Optional: when the vendor promised to answer.")},
    )
    problem_summary = text(
        _("What was raised"), help=_("Optional: the problem as described to the vendor."),
    )

    @validates("raised_on")
    def _raised_not_future(self, value: date, **kwargs: Any) -> None:
        if value > company_today():
            raise ValidationError(_("The date raised cannot be in the future."))

    @validates_schema
    def _promise_after_raise(self, data: dict[str, Any], **kwargs: Any) -> None:
        promised, raised = data.get("promised_response_at"), data.get("raised_on")
        if promised is not None and raised is not None and promised < start_of_day(raised):
            raise ValidationError(
                _("The promised response cannot be before the problem was raised."),
                field_name="promised_response_at",
            )


class VendorAnsweredSchema(FormSchema):
    """The vendor's answer, and when it came."""

    vendor_answer = text(
        _("Vendor's answer"), required=True,
        error_messages={"required": _("Write down what the vendor answered.")},
    )
    outcome = select(_("What the vendor gave"), VENDOR_OUTCOMES)
    answered_at = fields.AwareDateTime(
        default_timezone=COMPANY_TZ, load_default=None,
        metadata={"label": _("Answered at"), "widget": "datetime",
                  "help": _("When the vendor answered (now if empty).")},
    )

    @validates("answered_at")
    def _answer_not_future(self, value: datetime | None, **kwargs: Any) -> None:
        # A few minutes' leeway for clocks that differ between the desk and the browser.
        if value is not None and value > now().astimezone(COMPANY_TZ) + timedelta(minutes=5):
            raise ValidationError(_("The answer cannot be in the future."))


class RequestApprovalSchema(FormSchema):
    """What the department head is asked to sign off."""

    change_summary = text(
        _("Change to sign off"), required=True,
        error_messages={"required": _("Describe the change the department head signs off.")},
        help=_("What will change in the production ERP, in words the department head follows."),
    )
    rollback_plan = text(_("How to undo it"), help=_("Optional: how the change is reversed."))


class SubmitForVerificationSchema(FormSchema):
    """What was applied in the test system and how the requester checks it."""

    test_change = text(
        _("What was changed in test"), required=True,
        help=_("The fix or set-up change applied in the TEST system."),
    )
    how_to_verify = text(
        _("How to verify"), required=True,
        help=_("The steps the requester follows in TEST to check it works."),
    )


class ApplyProductionSchema(FormSchema):
    """What was done in the production system."""

    production_change = text(
        _("What was changed in production"), required=True,
        help=_("The change as made in PROD (patch number, set-up values, user changes)."),
    )


# -- summary lines for the request page --------------------------------------------------------


def detail_summary(details: dict[str, Any]) -> list[tuple[str, str]]:
    """Lines the request page shows besides the fields: the access asked for, the sign-off."""
    lines: list[tuple[str, str]] = []
    actions = dict(RESPONSIBILITY_ACTIONS)
    rows = []
    for row in details.get("responsibilities") or []:
        item = f"{actions.get(row.get('action'), row.get('action'))}: {row.get('responsibility')}"
        if row.get("until"):
            item += str(_(" (until %(day)s)")) % {"day": row["until"]}
        rows.append(item)
    if rows:
        lines.append((str(_("Responsibilities")), "; ".join(rows)))
    if details.get("request_type") in NEEDS_SIGN_OFF:
        lines.append((str(_("Sign-off")),
                      str(_("Needs the department head's sign-off before production."))))
    return lines
