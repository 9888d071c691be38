"""The procurement request's fields (line items and their context) and each step's fields."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from hdcore import lazy_gettext as _
from plugins.procurement.validators import (
    Code,
    Money,
    OptionalDate,
    Text,
    WholeNumber,
    not_in_future,
    not_in_past,
)

VENDOR_KIND = "supplier"
MAX_ITEMS = 50

ITEM_TYPES = (
    ("pc", _("Desktop PC")),
    ("laptop", _("Laptop")),
    ("monitor", _("Monitor")),
    ("printer", _("Printer")),
    ("server", _("Server")),
    ("network", _("Network equipment")),
    ("consumables", _("Toner and consumables")),
    ("paper", _("Paper")),
    ("software_licence", _("Software licence")),
    ("other", _("Other")),
)
ITEM_TYPE_LABELS = dict(ITEM_TYPES)

PROBLEM_TYPES = (
    ("shortfall", _("Fewer items than ordered")),
    ("damaged", _("Damaged in transport")),
    ("wrong_item", _("Wrong item delivered")),
    ("faulty", _("Faulty on arrival")),
    ("other", _("Other problem")),
)
PROBLEM_TYPE_LABELS = dict(PROBLEM_TYPES)


def _meta(label: str, widget: str, help: str = "", **extra: Any) -> dict[str, Any]:
    return {"label": label, "help": help, "widget": widget, **extra}


def _required(message: str) -> dict[str, str]:
    return {"required": message, "null": message}


def _text(label: str, *, max_len: int, required: bool = True, help: str = "",
          widget: str = "text", message: str = "") -> Text:
    too_long = validate.Length(max=max_len, error=_("This text is too long."))
    if required:
        missing = message or _("This field is required.")
        return Text(
            required=True, validate=[validate.Length(min=1, error=missing), too_long],
            error_messages=_required(missing), metadata=_meta(label, widget, help),
        )
    return Text(required=False, load_default="", validate=too_long,
                metadata=_meta(label, widget, help))


# -- the request ----------------------------------------------------------------------------


class LineItemSchema(Schema):
    """One line of a purchase: what, which kind, how many, at what estimated unit price."""

    description = _text(
        _("Item"), max_len=200, help=_("Make, model and specification, e.g. ThinkPad T14 i7/16G."),
        message=_("Describe the item."),
    )
    item_type = fields.String(
        required=True,
        validate=validate.OneOf([v for v, _label in ITEM_TYPES],
                                error=_("Choose one of the listed item types.")),
        error_messages=_required(_("Choose the item type.")),
        metadata=_meta(_("Type"), "select", choices=list(ITEM_TYPES)),
    )
    quantity = WholeNumber(
        required=True,
        validate=validate.Range(min=1, max=9999, error=_("Give a whole number from 1 to 9999.")),
        error_messages={**_required(_("Give the quantity.")),
                        "invalid": _("Give a whole number from 1 to 9999.")},
        metadata=_meta(_("Quantity"), "number"),
    )
    unit_price = Money(
        required=True,
        error_messages=_required(_("Give the estimated unit price.")),
        metadata=_meta(_("Estimated unit price (CNY)"), "number",
                       _("Price of one unit including VAT, in yuan.")),
    )


class ProcurementSchema(Schema):
    """What someone asking IT to buy equipment or consumables fills in."""

    items = fields.List(
        fields.Nested(LineItemSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_ITEMS,
                                 error=_("List at least one and at most 50 items.")),
        error_messages={**_required(_("Add at least one item.")),
                        "invalid": _("Give the items as a list.")},
        metadata=_meta(_("Items"), "rows", _("One line per kind of item; at most 50 lines.")),
    )
    cost_centre = Code(
        required=True,
        validate=validate.Regexp(r"^CC-\d{3,6}$", error=_(
            "Write the cost centre as CC- followed by 3 to 6 digits, e.g. CC-100.")),
        error_messages=_required(_("Give the cost centre that pays for the purchase.")),
        metadata=_meta(_("Cost centre"), "text", _("Your department's cost centre, e.g. CC-100.")),
    )
    justification = _text(
        _("Business justification"), max_len=4000, widget="textarea",
        help=_("Why the purchase is needed; the approver reads this."),
        message=_("Say why the purchase is needed."),
    )
    needed_by = OptionalDate(
        validate=not_in_past,
        metadata=_meta(_("Needed by"), "date", _("Leave empty if there is no deadline.")),
    )
    delivery_location = _text(
        _("Delivery location"), max_len=200, required=False,
        help=_("Building, floor and room, e.g. Admin building 3F, Finance."),
    )


# -- the steps ------------------------------------------------------------------------------


class SubmitForApprovalSchema(Schema):
    """Sending the purchase to the approver."""

    note = _text(_("Note for the approver"), max_len=2000, required=False, widget="textarea")


class ApproveSchema(Schema):
    """Approving the purchase."""

    comment = _text(_("Comment"), max_len=2000, required=False, widget="textarea")


class RejectSchema(Schema):
    """Sending the purchase back to the requester; the reason is posted to them."""

    message = _text(
        _("Reason for rejection"), max_len=4000, widget="textarea",
        help=_("The requester reads this and can revise the request."),
        message=_("Say why the purchase is not approved."),
    )


class RequestQuoteSchema(Schema):
    """Asking a supplier for a quote."""

    supplier = Text(
        required=True, validate=validate.Length(min=1, max=200),
        error_messages=_required(_("Choose the supplier.")),
        metadata=_meta(_("Supplier"), "vendor", _("A registered supplier."),
                       vendor_kind=VENDOR_KIND),
    )
    quote_due = OptionalDate(
        validate=not_in_past,
        metadata=_meta(_("Quote due by"), "date", _("When the supplier promised to quote.")),
    )
    note = _text(_("What was asked of the supplier"), max_len=2000, required=False,
                 widget="textarea")


class RecordQuoteSchema(Schema):
    """The supplier's quote (which supplier's, when several were asked)."""

    supplier = Text(
        required=False, load_default="", validate=validate.Length(max=200),
        metadata=_meta(_("Supplier"), "vendor",
                       _("Whose quote this is; needed when several suppliers were asked."),
                       vendor_kind=VENDOR_KIND),
    )
    quote_reference = _text(_("Quote reference"), max_len=80,
                            message=_("Give the supplier's quote number."))
    quoted_amount = Money(
        required=True, error_messages=_required(_("Give the quoted total.")),
        metadata=_meta(_("Quoted amount (CNY)"), "number", _("The total of the quote, with VAT.")),
    )
    promised_delivery = fields.Date(
        required=True, validate=not_in_past,
        error_messages={**_required(_("Give the delivery date the supplier promises.")),
                        "invalid": _("Give a date like 2026-05-31.")},
        metadata=_meta(_("Promised delivery date"), "date"),
    )


class ChooseQuoteSchema(Schema):
    """Comparing the quotes received and choosing one supplier, with the reasons."""

    supplier = Text(
        required=True, validate=validate.Length(min=1, max=200),
        error_messages=_required(_("Choose the supplier whose quote is taken.")),
        metadata=_meta(_("Chosen supplier"), "vendor", _("One of the suppliers that quoted."),
                       vendor_kind=VENDOR_KIND),
    )
    reason = _text(_("Why this quote"), max_len=2000, widget="textarea",
                   help=_("Price, delivery date, warranty, service: what decided it."),
                   message=_("Say why this quote was chosen."))


class PlaceOrderSchema(Schema):
    """The purchase order sent to the supplier."""

    po_number = Code(
        required=True, validate=validate.Length(min=1, max=40, error=_(
            "At most 40 characters.")),
        error_messages=_required(_("Give the purchase order number.")),
        metadata=_meta(_("PO number"), "text"),
    )
    ordered_at = fields.Date(
        required=True, validate=not_in_future,
        error_messages={**_required(_("Give the date the order was placed.")),
                        "invalid": _("Give a date like 2026-05-31.")},
        metadata=_meta(_("Ordered on"), "date"),
    )
    expected_delivery = OptionalDate(
        metadata=_meta(_("Expected delivery"), "date",
                       _("As confirmed on the order; empty means the date promised in the "
                         "quote.")),
    )

    @validates_schema
    def _delivery_after_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        expected, ordered = data.get("expected_delivery"), data.get("ordered_at")
        if expected is not None and ordered is not None and expected < ordered:
            raise ValidationError(_("Delivery cannot be expected before the order date."),
                                  field_name="expected_delivery")


class RecordDeliverySchema(Schema):
    """The supplier's delivery."""

    delivered_on = fields.Date(
        required=True, validate=not_in_future,
        error_messages={**_required(_("Give the delivery date.")),
                        "invalid": _("Give a date like 2026-05-31.")},
        metadata=_meta(_("Delivered on"), "date"),
    )
    delivery_note = _text(_("Delivery note number"), max_len=80,
                          message=_("Give the number of the supplier's delivery note."))


#: Item types that become assets of the installed base, with the asset type they become.
ASSET_TYPES = {"pc": "pc", "laptop": "laptop", "monitor": "monitor", "printer": "printer",
               "server": "server", "network": "network", "software_licence": "licence"}


class ReceivedItemSchema(Schema):
    """One device (or licence) received, as it goes into the installed base."""

    item_type = fields.String(
        required=True,
        validate=validate.OneOf(list(ASSET_TYPES), error=_("Choose one of the listed types.")),
        error_messages=_required(_("Choose the item type.")),
        metadata=_meta(_("Type"), "select",
                       choices=[(v, label) for v, label in ITEM_TYPES if v in ASSET_TYPES]),
    )
    model = _text(_("Make and model"), max_len=200, message=_("Give the make and model."))
    serial = _text(_("Serial number"), max_len=100, message=_("Give the serial number."))
    tag = _text(_("Asset tag"), max_len=40, required=False,
                help=_("Leave empty to have one made up."))
    user = _text(_("User (user name)"), max_len=80, required=False)
    location = _text(_("Location"), max_len=200, required=False)
    warranty_end = OptionalDate(metadata=_meta(_("Warranty until"), "date"))


class ConfirmReceiptSchema(Schema):
    """The requester or IT confirming that everything arrived in order; IT lists the devices
    received with their serial numbers, which go into the installed base."""

    confirmed = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error=_("Tick the box to confirm the receipt.")),
        error_messages=_required(_("Tick the box to confirm the receipt.")),
        metadata=_meta(_("Everything ordered arrived, complete and undamaged"), "checkbox"),
    )
    remarks = _text(_("Remarks"), max_len=2000, required=False, widget="textarea")
    received_items = fields.List(
        fields.Nested(ReceivedItemSchema), load_default=list,
        validate=validate.Length(max=500, error=_("At most 500 devices per receipt.")),
        metadata=_meta(_("Devices received"), "rows",
                       _("One line per device with its serial number: they are added to the "
                         "installed base, linked to this request.")),
    )


class ReportProblemSchema(Schema):
    """A shortfall or damage found when checking the delivery."""

    problem_type = fields.String(
        required=True,
        validate=validate.OneOf([v for v, _label in PROBLEM_TYPES],
                                error=_("Choose one of the listed problems.")),
        error_messages=_required(_("Choose what is wrong.")),
        metadata=_meta(_("Problem"), "select", choices=list(PROBLEM_TYPES)),
    )
    description = _text(_("What is wrong"), max_len=4000, widget="textarea",
                        help=_("Which items, how many, what damage."),
                        message=_("Describe the problem."))


class ReturnToSupplierSchema(Schema):
    """Handing a delivery problem back to the supplier.

    The problem fields are needed only when nobody reported the problem before (the step's
    hook checks that against the request).
    """

    problem_type = fields.String(
        required=False, load_default=None, allow_none=True,
        validate=validate.OneOf([v for v, _label in PROBLEM_TYPES],
                                error=_("Choose one of the listed problems.")),
        metadata=_meta(_("Problem"), "select", _("Leave empty to use the problem reported."),
                       choices=list(PROBLEM_TYPES)),
    )
    description = _text(_("What is wrong"), max_len=4000, required=False, widget="textarea")
    supplier_reference = _text(_("Supplier's return reference"), max_len=80, required=False)
    replacement_due = fields.Date(
        required=True, validate=not_in_past,
        error_messages={**_required(_("Give the date the supplier promises to put it right.")),
                        "invalid": _("Give a date like 2026-05-31.")},
        metadata=_meta(_("Supplier promises a fix by"), "date"),
    )

    @pre_load
    def _empty_choice_is_none(self, data: Any, **kwargs: Any) -> Any:
        # A form's select left on its empty option sends "", meaning "the problem reported".
        if isinstance(data, dict) and data.get("problem_type") == "":
            data = {**data, "problem_type": None}
        return data
