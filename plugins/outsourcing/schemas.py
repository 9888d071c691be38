"""The fields of a repair request and of each step of the vendor's job (marshmallow schemas)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from hdcore import lazy_gettext as _
from hdcore import now
from plugins.outsourcing.names import VENDOR_KIND

EQUIPMENT_TYPES = [
    ("pc", _("Desktop PC")),
    ("laptop", _("Laptop")),
    ("printer", _("Printer")),
    ("copier", _("Copier")),
    ("server", _("Server")),
    ("network", _("Network device")),
    ("ups", _("UPS")),
    ("software", _("Software")),
    ("other", _("Other")),
]
IMPACTS = [
    ("can_work", _("I can still work")),
    ("degraded", _("I can work, but slowed down")),
    ("cannot_work", _("I cannot work")),
]
WARRANTY = [
    ("yes", _("Yes")),
    ("no", _("No")),
    ("unknown", _("Don't know")),
]
SERVICE_MODES = [
    ("on_site", _("Engineer comes on site")),
    ("depot", _("Device goes to the vendor's workshop")),
    ("remote", _("Vendor works remotely")),
]
PROBLEMS = [
    ("no_response", _("No response from the vendor")),
    ("missed_visit", _("Missed or late visit")),
    ("late_completion", _("Repair running late")),
    ("wrong_part", _("Wrong or faulty part")),
    ("parts_delayed", _("Parts delayed")),
    ("poor_work", _("Poor workmanship or damage")),
    ("other", _("Other")),
]
EXCEPTION_ACTIONS = [
    ("chase", _("Keep the job with this vendor and chase them")),
    ("withdraw", _("Withdraw the job from this vendor")),
]

#: How far ahead of the server's clock a reported time may be (clocks on phones drift).
CLOCK_SKEW = timedelta(minutes=5)

_required = {"required": _("This field is required.")}


def values(choices: list[tuple[str, Any]]) -> list[str]:
    """The stored values of a choice list."""
    return [value for value, _label in choices]


def utcnow() -> datetime:
    """The current time in UTC (one place, so the rules below agree on 'now')."""
    return now()


def latest_today() -> date:
    """Today's date in the time zone furthest ahead, so no one's 'today' is called future."""
    return (utcnow() + timedelta(hours=14)).date()


def earliest_today() -> date:
    """Today's date in the time zone furthest behind, so no one's 'today' is called past."""
    return (utcnow() - timedelta(hours=12)).date()


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(str(_("This field is required.")))


def _text(label: str, help: str = "", *, required: bool = True, max_len: int = 200,
          widget: str = "text", **kw: Any) -> fields.String:
    checks = [validate.Length(max=max_len), *([_not_blank] if required else [])]
    return fields.String(
        required=required,
        validate=checks,
        error_messages=_required,
        metadata={"label": label, "help": help, "widget": widget},
        **kw,
    )


def _select(label: str, choices: list[tuple[str, Any]], help: str = "", **kw: Any) -> fields.String:
    return fields.String(
        validate=validate.OneOf(values(choices)),
        error_messages=_required,
        metadata={"label": label, "help": help, "widget": "select", "choices": choices},
        **kw,
    )


def _when(label: str, help: str = "", *, required: bool = True) -> fields.AwareDateTime:
    optional: dict[str, Any] = {} if required else {"load_default": None, "allow_none": True}
    return fields.AwareDateTime(
        required=required,
        **optional,
        error_messages={**_required, "invalid_awareness": _("Give the time with its time zone.")},
        metadata={"label": label, "help": help, "widget": "datetime"},
    )


def _not_future(value: datetime | None, field: str) -> None:
    if value is not None and value > utcnow() + CLOCK_SKEW:
        raise ValidationError(str(_("This time is in the future.")), field_name=field)


# -- the request -------------------------------------------------------------------------------


class RepairRequestSchema(Schema):
    """What the requester tells IT about the broken equipment or software."""

    equipment_type = _select(_("Equipment type"), EQUIPMENT_TYPES, required=True)
    equipment = _text(
        _("Equipment or software (model)"),
        _("Brand and model, e.g. “HP LaserJet Pro M404dn” or “AutoCAD 2024”."),
    )
    asset_tag = _text(
        _("Asset tag or serial number"),
        _("From the label on the device, if there is one."),
        required=False, max_len=64, load_default="",
    )
    location = _text(
        _("Location"), _("Building, floor and room, so the engineer can find it."),
    )
    fault = _text(
        _("Fault description"),
        _("What happens, any error message or code, what you already tried."),
        max_len=10_000, widget="textarea",
    )
    since = fields.Date(
        required=True,
        error_messages=_required,
        metadata={"label": _("Faulty since"), "help": _("The day the problem started."),
                  "widget": "date"},
    )
    impact = _select(_("Impact on your work"), IMPACTS, required=True)
    warranty = _select(
        _("Under warranty"), WARRANTY,
        _("Whether the device is still under warranty or a maintenance contract."),
        load_default="unknown",
    )

    @validates("since")
    def _since_not_future(self, value: date, **kwargs: Any) -> None:
        if value > latest_today():
            raise ValidationError(str(_("This date is in the future.")))


# -- the steps ---------------------------------------------------------------------------------


class DispatchSchema(Schema):
    """Handing the repair to a maintenance vendor, with what they promised."""

    vendor = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"label": _("Vendor"),
                  "help": _("A registered maintenance vendor; empty: the equipment's own "
                            "maintenance vendor (warranty or contract)."),
                  "widget": "vendor", "vendor_kind": VENDOR_KIND},
    )
    vendor_reference = _text(
        _("Vendor's job reference"),
        _("The case or job number the vendor gave; quote it when chasing them."),
        max_len=120,
    )
    service_mode = _select(_("Service"), SERVICE_MODES, load_default="on_site")
    promised_response_at = _when(
        _("Promised response by"),
        _("When the vendor promised to be on site (or to start, for remote and workshop "
          "repairs); empty: by the vendor's contract."), required=False,
    )
    promised_completion_at = _when(
        _("Promised completion by"),
        _("When the vendor promised the repair would be done; empty: by the vendor's "
          "contract."), required=False,
    )
    access_required = fields.Boolean(
        load_default=True,
        metadata={"label": _("IT arranges access"),
                  "help": _("Someone from IT escorts the engineer on site, hands the device "
                            "over, or opens the remote session."),
                  "widget": "checkbox"},
    )
    backup_required = fields.Boolean(
        load_default=False,
        metadata={"label": _("Back up data first"),
                  "help": _("Back up the user's data before the vendor touches the device."),
                  "widget": "checkbox"},
    )
    instructions = _text(
        _("Notes for the vendor"), _("What was agreed: contact on site, access, hours."),
        required=False, max_len=5_000, widget="textarea", load_default="",
    )

    @validates_schema(skip_on_field_errors=False)  # report every bad field at once
    def _promises_after_dispatch(self, data: dict[str, Any], **kwargs: Any) -> None:
        now = utcnow()
        response = data.get("promised_response_at")
        completion = data.get("promised_completion_at")
        errors: dict[str, list[str]] = {}
        if response is not None and response <= now:
            errors["promised_response_at"] = [str(_("The promised time must be after now, "
                                                    "the time of dispatch."))]
        if completion is not None and completion <= now:
            errors["promised_completion_at"] = [str(_("The promised time must be after now, "
                                                      "the time of dispatch."))]
        elif completion is not None and response is not None and completion < response:
            errors["promised_completion_at"] = [
                str(_("The repair cannot be promised before the vendor's response."))
            ]
        if errors:
            raise ValidationError(errors)


class VendorArrivedSchema(Schema):
    """The vendor's engineer arrived (or started work): the vendor's actual response."""

    arrived_at = _when(
        _("Arrived at"),
        _("When the engineer arrived or started work; leave empty for now."),
        required=False,
    )
    engineer = _text(_("Engineer's name"), required=False, max_len=120, load_default="")
    note = _text(_("First findings"), required=False, max_len=5_000, widget="textarea",
                 load_default="")

    @validates("arrived_at")
    def _arrived_not_future(self, value: datetime | None, **kwargs: Any) -> None:
        _not_future(value, "arrived_at")


class PartSchema(Schema):
    """One line of parts: what, its part number, how many."""

    part = _text(_("Part"))
    part_number = _text(_("Part number"), required=False, max_len=80, load_default="")
    quantity = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=1_000),
        metadata={"label": _("Quantity"), "widget": "number"},
    )


def _parts(label: str, help: str, *, required: bool) -> fields.List:
    optional: dict[str, Any] = {} if required else {"load_default": list}
    return fields.List(
        fields.Nested(PartSchema),
        required=required,
        **optional,
        validate=validate.Length(min=1 if required else 0, max=50),
        error_messages=_required,
        metadata={"label": label, "help": help, "widget": "rows"},
    )


class OrderPartsSchema(Schema):
    """The vendor's diagnosis needs parts: what was ordered and when it is expected."""

    diagnosis = _text(_("Diagnosis"), _("What the vendor found."), max_len=10_000,
                      widget="textarea")
    parts = _parts(_("Parts ordered"), _("One line per part."), required=True)
    parts_expected_on = fields.Date(
        required=True,
        error_messages=_required,
        metadata={"label": _("Parts expected on"), "widget": "date"},
    )

    @validates("parts_expected_on")
    def _expected_not_past(self, value: date, **kwargs: Any) -> None:
        if value < earliest_today():
            raise ValidationError(str(_("This date is in the past.")))


class PartsArrivedSchema(Schema):
    """The parts the vendor ordered have arrived."""

    note = _text(_("Note"), _("E.g. when the engineer comes back to fit them."),
                 required=False, max_len=5_000, widget="textarea", load_default="")


class VendorRepairedSchema(Schema):
    """The vendor says the repair is done: what they did, and when."""

    work_done = _text(_("Work done"), _("What the vendor did, as on their service report."),
                      max_len=10_000, widget="textarea")
    cause = _text(_("Cause of the fault"), required=False, max_len=5_000, widget="textarea",
                  load_default="")
    parts_replaced = _parts(_("Parts replaced"), _("Leave empty if no part was replaced."),
                            required=False)
    completed_at = _when(_("Completed at"), _("When the vendor finished; leave empty for now."),
                         required=False)

    @validates("completed_at")
    def _completed_not_future(self, value: datetime | None, **kwargs: Any) -> None:
        _not_future(value, "completed_at")


class VerifyFixedSchema(Schema):
    """Checking the repair: it works."""

    note = _text(_("How it was checked"), required=False, max_len=5_000, widget="textarea",
                 load_default="")


class VerifyFailedSchema(Schema):
    """Checking the repair: it does not work; the vendor must come back."""

    reason = _text(_("What is still wrong"), max_len=10_000, widget="textarea")


class RecordExceptionSchema(Schema):
    """A problem with the vendor (missed visit, wrong part, ...) and what IT does about it."""

    problem = _select(_("Problem"), PROBLEMS, required=True)
    reason = _text(_("Details"), _("What happened, with dates and who you spoke to."),
                   max_len=10_000, widget="textarea")
    action = _select(_("Action"), EXCEPTION_ACTIONS, required=True)
    escalate = fields.Boolean(
        load_default=False,
        metadata={"label": _("Escalate to the IT manager"), "widget": "checkbox"},
    )


class BackToVendorSchema(Schema):
    """The vendor takes the job up again, possibly with a new date (kept apart from the promise)."""

    revised_response_at = _when(
        _("New visit date"),
        _("If the vendor gave one; their original promise still measures them."),
        required=False,
    )
    note = _text(_("Note"), required=False, max_len=5_000, widget="textarea", load_default="")

    @validates("revised_response_at")
    def _revised_in_future(self, value: datetime | None, **kwargs: Any) -> None:
        if value is not None and value <= utcnow():
            raise ValidationError(str(_("The new date must be in the future.")))
