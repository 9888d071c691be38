"""The fields of an e-mail account request (per action) and of its workflow steps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from hdcore import lazy_gettext as _
from hdcore import now

CATEGORY = "email_admin"
#: Times typed without a zone are the company's local time.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

NEW_MAILBOX = "new_mailbox"
CLOSE_MAILBOX = "close_mailbox"
QUOTA_CHANGE = "quota_change"
PASSWORD_RESET = "password_reset"
ALIAS = "alias"
DISTRIBUTION_LIST = "distribution_list"
TROUBLESHOOTING = "troubleshooting"

ACTION_CHOICES = [
    (NEW_MAILBOX, _("New mailbox")),
    (CLOSE_MAILBOX, _("Close mailbox")),
    (QUOTA_CHANGE, _("Quota change")),
    (PASSWORD_RESET, _("Password reset")),
    (ALIAS, _("Alias")),
    (DISTRIBUTION_LIST, _("Distribution list change")),
    (TROUBLESHOOTING, _("Troubleshooting")),
]
ACTIONS = [value for value, _label in ACTION_CHOICES]
ACTION_LABELS = dict(ACTION_CHOICES)

#: Changes the department head must approve before IT carries them out. A password reset
#: restores access the employee already has, and troubleshooting changes nothing.
NEEDS_APPROVAL = frozenset({NEW_MAILBOX, CLOSE_MAILBOX, QUOTA_CHANGE, ALIAS, DISTRIBUTION_LIST})

#: The largest quota the mail plan offers, in MB (100 GB).
MAX_QUOTA_MB = 102_400

COMMON_FIELDS = ("action", "mailbox", "employee_name", "employee_no")
#: Each action's own fields (required), with the message shown when one is missing.
REQUIRED_BY_ACTION: dict[str, dict[str, str]] = {
    NEW_MAILBOX: {},
    CLOSE_MAILBOX: {"last_working_day": _("Give the employee's last working day.")},
    QUOTA_CHANGE: {"quota_mb": _("Give the new quota in MB.")},
    PASSWORD_RESET: {},
    ALIAS: {"aliases": _("List at least one alias address to add or remove.")},
    DISTRIBUTION_LIST: {
        "list_name": _("Name the distribution list."),
        "members": _("List at least one member to add or remove."),
    },
    TROUBLESHOOTING: {"symptom": _("Describe what goes wrong.")},
}
#: Fields an action may have besides its required ones; fields of other actions are dropped.
OPTIONAL_BY_ACTION: dict[str, tuple[str, ...]] = {
    NEW_MAILBOX: ("quota_mb", "start_date", "join_lists"),
    CLOSE_MAILBOX: ("forward_to",),
    TROUBLESHOOTING: ("client",),
}

_EMPTY = (None, "", [])
#: Fields holding rows of addresses.
ROW_FIELDS = ("aliases", "members")


def _blank(value: Any) -> bool:
    """Whether an answer is missing: none, white space only, or an empty list."""
    return value in _EMPTY or (isinstance(value, str) and not value.strip())
_REQUIRED = {"required": _("This field is required."), "null": _("This field is required.")}


class Trimmed(fields.String):
    """A string with surrounding white space removed before it is validated."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Address(fields.Email):
    """An e-mail address, trimmed and lower-cased (mail systems ignore case)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {
            "invalid": _("Not a valid e-mail address."), **_REQUIRED, **kwargs["error_messages"]
        }
        kwargs.setdefault("validate", validate.Length(max=254))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


class WholeNumber(fields.Integer):
    """An integer that refuses fractions instead of cutting them off (10.5 MB is not 10)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _meta(label: str, help: str = "", widget: str = "text", **extra: Any) -> dict[str, Any]:
    return {"label": label, "help": help, "widget": widget, **extra}


CHANGE_CHOICES = [("add", _("Add")), ("remove", _("Remove"))]


class AddressChangeSchema(Schema):
    """One address to add or remove: an alias of the mailbox, or a member of a list."""

    address = Address(required=True, metadata=_meta(_("Address"), widget="email"))
    change = fields.String(
        load_default="add",
        validate=validate.OneOf([v for v, _label in CHANGE_CHOICES],
                                error=_("Choose add or remove.")),
        metadata=_meta(_("Add or remove"), widget="select", choices=CHANGE_CHOICES),
    )


CLIENT_CHOICES = [
    ("outlook", _("Outlook on the PC")),
    ("webmail", _("Webmail in the browser")),
    ("mobile", _("Mobile phone")),
    ("other", _("Other")),
]


def _normalise(data: Any) -> Any:
    """A blank answer counts as none: forms send every field, filled in or not.

    Likewise a row of addresses without an address is an unused line of the form (its
    add-or-remove choice has a default), not a mistake.
    """
    if not isinstance(data, Mapping):
        return data
    out = {k: None if isinstance(v, str) and _blank(v) else v for k, v in data.items()}
    for name in ROW_FIELDS:
        rows = out.get(name)
        if isinstance(rows, list):
            out[name] = [r for r in rows
                         if not (isinstance(r, Mapping) and _blank(r.get("address")))]
    return out


def _addresses(rows: list[dict[str, Any]] | None) -> list[str]:
    # Rows that failed validation come without their address; they carry their own error.
    return [row["address"] for row in rows or [] if row.get("address")]


def _duplicates(rows: list[dict[str, Any]] | None) -> bool:
    addresses = _addresses(rows)
    return len(addresses) != len(set(addresses))


class EmailRequestSchema(Schema):
    """What an e-mail account request needs; each action adds its own fields."""

    action = fields.String(
        required=True, error_messages={"required": _("Choose what should be done.")},
        validate=validate.OneOf(ACTIONS, error=_("Choose one of the listed actions.")),
        metadata=_meta(_("What should be done"), widget="select", choices=ACTION_CHOICES),
    )
    mailbox = Address(required=True, metadata=_meta(
        _("Mailbox address"),
        _("For a new mailbox, the address you would like; otherwise the existing address."),
        widget="email"))
    employee_name = Trimmed(
        required=True, validate=validate.Length(min=1, max=120), error_messages=_REQUIRED,
        metadata=_meta(_("Employee's name"),
                       _("Whose mailbox it is; may be someone else, e.g. a new hire.")))
    employee_no = Trimmed(
        required=True, error_messages=_REQUIRED,
        validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$",
                                 error=_("Letters, digits and dashes, at most 32 characters.")),
        metadata=_meta(_("Employee number"), _("As printed on the staff badge.")))
    quota_mb = WholeNumber(
        allow_none=True, error_messages={"invalid": _("Give a whole number of MB.")},
        validate=validate.Range(min=1, max=MAX_QUOTA_MB,
                                error=_("Give a quota from 1 to 102400 MB (100 GB).")),
        metadata=_meta(_("New quota (MB)"),
                       _("Quota change: the size wanted. New mailbox: leave empty for the "
                         "standard size."), widget="number"))
    start_date = fields.Date(allow_none=True, metadata=_meta(
        _("First working day"), _("New mailbox: when it must be ready."), widget="date"))
    join_lists = Trimmed(allow_none=True, validate=validate.Length(max=1000), metadata=_meta(
        _("Distribution lists to join"), _("New mailbox: the lists the employee should be on."),
        widget="textarea"))
    last_working_day = fields.Date(allow_none=True, metadata=_meta(
        _("Last working day"), _("Close mailbox: the mailbox is closed after this day."),
        widget="date"))
    forward_to = Address(allow_none=True, metadata=_meta(
        _("Forward mail to"), _("Close mailbox: who receives the mail sent to it afterwards."),
        widget="email"))
    aliases = fields.List(
        fields.Nested(AddressChangeSchema), allow_none=True,
        validate=validate.Length(max=20, error=_("List at most 20 aliases.")),
        metadata=_meta(_("Alias addresses"), _("Alias: the addresses to add or remove."),
                       widget="rows"))
    list_name = Trimmed(allow_none=True, validate=validate.Length(min=1, max=200), metadata=_meta(
        _("Distribution list"), _("Distribution list change: its name or address.")))
    members = fields.List(
        fields.Nested(AddressChangeSchema), allow_none=True,
        validate=validate.Length(max=200, error=_("List at most 200 members.")),
        metadata=_meta(_("Members"), _("Distribution list change: who to add or remove."),
                       widget="rows"))
    symptom = Trimmed(allow_none=True, validate=validate.Length(min=1, max=5000), metadata=_meta(
        _("What goes wrong"),
        _("Troubleshooting: the error message, since when, and who else is affected."),
        widget="textarea"))
    client = fields.String(
        allow_none=True,
        validate=validate.OneOf([v for v, _label in CLIENT_CHOICES],
                                error=_("Choose one of the listed programs.")),
        metadata=_meta(_("Where it happens"), widget="select", choices=CLIENT_CHOICES))

    @pre_load
    def _blank_is_missing(self, data: Any, **kwargs: Any) -> Any:
        """Blank answers and unused lines of address rows count as none (see ``_normalise``)."""
        return _normalise(data)

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _action_fields(self, data: dict[str, Any], original_data: Mapping[str, Any],
                       **kwargs: Any) -> None:
        """Each action's own fields are required, and reported on the field they concern."""
        action = data.get("action")
        if action not in REQUIRED_BY_ACTION:
            return  # the action itself is reported
        errors: dict[str, list[str]] = {}
        given = _normalise(original_data)
        for name, message in REQUIRED_BY_ACTION[action].items():
            # A value that was given but is invalid already carries its own error.
            if _blank(data.get(name)) and _blank(given.get(name)):
                errors[name] = [message]
        mailbox = data.get("mailbox")
        if action == CLOSE_MAILBOX and mailbox and data.get("forward_to") == mailbox:
            errors["forward_to"] = [_("Forward to another mailbox than the one being closed.")]
        if action == ALIAS and data.get("aliases"):
            if mailbox in _addresses(data["aliases"]):
                errors["aliases"] = [_("An alias cannot be the mailbox's own address.")]
            elif _duplicates(data["aliases"]):
                errors["aliases"] = [_("Each address may appear only once.")]
        if action == DISTRIBUTION_LIST and data.get("members") and _duplicates(data["members"]):
            errors["members"] = [_("Each address may appear only once.")]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _keep_action_fields(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Keep only the fields of the chosen action (a form may send the others empty)."""
        action = data["action"]
        keep = {*COMMON_FIELDS, *REQUIRED_BY_ACTION[action], *OPTIONAL_BY_ACTION.get(action, ())}
        return {k: v for k, v in data.items() if k in keep and not _blank(v)}


# -- the workflow steps' fields ---------------------------------------------------------------


def _textarea(label: str, help: str = "", *, required: bool = False,
              max_length: int = 5000) -> Trimmed:
    return Trimmed(
        required=required, allow_none=not required, error_messages=_REQUIRED,
        validate=validate.Length(min=1 if required else 0, max=max_length),
        metadata=_meta(label, help, widget="textarea"),
    )


def _not_future(value: datetime) -> None:
    # A few minutes of leeway for clocks that run slightly apart.
    if value > now() + timedelta(minutes=5):
        raise ValidationError(_("This time is in the future."))


def _moment(label: str, help: str = "", *, required: bool = False,
            past_only: bool = False) -> fields.AwareDateTime:
    return fields.AwareDateTime(
        required=required, allow_none=not required, default_timezone=LOCAL_ZONE,
        error_messages={**_REQUIRED, "invalid": _("Not a valid date and time.")},
        validate=_not_future if past_only else None,
        metadata=_meta(label, help, widget="datetime"),
    )


class RequestApprovalSchema(Schema):
    """Sending the change to the department head."""

    note = _textarea(_("Note for the department head"), max_length=2000)


class ApproveSchema(Schema):
    """The department head's approval."""

    comment = _textarea(_("Comment"), max_length=2000)


class RejectSchema(Schema):
    """The department head's rejection; the reason is posted to the requester."""

    # Named ``message`` so the core posts it to the request's conversation.
    message = _textarea(_("Reason for rejecting"),
                        _("The requester reads this; the request is cancelled."), required=True,
                        max_length=2000)


class CarryOutSchema(Schema):
    """Starting to carry out the change."""

    note = _textarea(_("Plan or notes"), max_length=2000)


HANDOVER_CHOICES = [
    ("in_person", _("Handed over in person")),
    ("phone_callback", _("Told by phone, calling back the number on file")),
    ("sealed_envelope", _("In a sealed envelope to the employee's manager")),
]


class RecordDoneSchema(Schema):
    """Recording the change as done, for the requester to confirm."""

    resolution = _textarea(_("What was done"),
                           _("The requester reads this. Never write a password here."),
                           required=True)
    password_handover = fields.String(
        allow_none=True,
        validate=validate.OneOf([v for v, _label in HANDOVER_CHOICES],
                                error=_("Choose one of the listed ways.")),
        metadata=_meta(_("How the password was handed over"),
                       _("New mailbox and password reset only."), widget="select",
                       choices=HANDOVER_CHOICES),
    )


class RaiseToProviderSchema(Schema):
    """Raising the problem to the hosted mail provider."""

    vendor = Trimmed(required=True, error_messages=_REQUIRED, metadata=_meta(
        _("Mail provider"), widget="vendor", vendor_kind="mail_provider"))
    reference = Trimmed(
        required=True, error_messages=_REQUIRED, validate=validate.Length(min=1, max=120),
        metadata=_meta(_("Provider's ticket number")))
    promised_response_at = _moment(_("Promised response by"), required=True)
    promised_completion_at = _moment(_("Promised fix by"))
    summary = _textarea(_("What was reported to the provider"), required=True)

    @validates_schema
    def _promises_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A fix cannot be promised before the first response."""
        fix, answer = data.get("promised_completion_at"), data.get("promised_response_at")
        if fix and answer and fix < answer:
            raise ValidationError(_("The fix cannot be promised before the response."),
                                  field_name="promised_completion_at")


class ProviderRespondedSchema(Schema):
    """The provider's first answer (the request keeps waiting for their fix)."""

    responded_at = _moment(_("Responded at"), _("Leave empty to use the current time."),
                           past_only=True)
    answer = _textarea(_("What the provider said"), required=True)
    promised_completion_at = _moment(_("Promised fix by"))


class ProviderDoneSchema(Schema):
    """The provider has finished; the work comes back to the technician."""

    completed_at = _moment(_("Finished at"), _("Leave empty to use the current time."),
                           past_only=True)
    outcome = _textarea(_("What the provider did"), required=True)
    fixed = fields.Boolean(load_default=False, metadata=_meta(
        _("The provider fixed the problem"), widget="checkbox"))
