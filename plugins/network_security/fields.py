"""Small builders of marshmallow fields carrying the metadata the forms are rendered from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from marshmallow import Schema, fields, pre_load, validate

from hdcore import lazy_gettext as _
from plugins.network_security.validators import COMPANY_TZ, not_in_future, now

REQUIRED = {"required": _("This field is required.")}


class FormSchema(Schema):
    """A schema fed by forms: text is trimmed, and an empty entry counts as not given."""

    @pre_load
    def _drop_blanks(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v is not None and v != ""}


def _meta(label: str, help: str, widget: str, **extra: Any) -> dict[str, Any]:
    return {"label": label, "help": help, "widget": widget, **extra}


def text(label: str, help: str = "", *, required: bool = False, max_length: int = 200,
         widget: str = "text", validators: Sequence[Callable[..., Any]] = (),
         normalise: Callable[[str], str] | None = None, **extra: Any) -> fields.String:
    """A line (or, with ``widget="textarea"``, a block) of text.

    ``normalise`` rewrites the value in its canonical form (or raises ValidationError) before
    it is checked.
    """
    return fields.String(
        required=required,
        validate=[validate.Length(min=1, max=max_length), *validators],
        pre_load=[lambda v: normalise(str(v))] if normalise else [],
        error_messages=REQUIRED,
        metadata=_meta(label, help, widget, **extra),
    )


def long_text(label: str, help: str = "", *, required: bool = False,
              **extra: Any) -> fields.String:
    """A block of text (notes, actions taken, findings)."""
    return text(label, help, required=required, max_length=5000, widget="textarea", **extra)


def select(label: str, choices: list[tuple[str, str]], help: str = "", *,
           required: bool = False, **extra: Any) -> fields.String:
    """One value out of ``choices`` (``(value, label)`` pairs)."""
    return fields.String(
        required=required,
        # Without placeholders, so the message is translated when the error is reported.
        validate=validate.OneOf([v for v, _label in choices],
                                error=_("Choose one of the offered values.")),
        error_messages={"required": _("Choose one.")},
        metadata=_meta(label, help, "select", choices=choices, **extra),
    )


def when(label: str, help: str = "", *, required: bool = False, default_now: bool = False,
         past: bool = True, **extra: Any) -> fields.AwareDateTime:
    """A moment; typed without a zone it is the company's local time.

    ``default_now`` fills in the present when left empty; ``past`` refuses times to come.
    """
    kwargs: dict[str, Any] = {"load_default": now} if default_now else {}
    return fields.AwareDateTime(
        default_timezone=COMPANY_TZ,
        required=required,
        validate=[not_in_future] if past else [],
        error_messages=REQUIRED,
        metadata=_meta(label, help, "datetime", **extra),
        **kwargs,
    )


def day(label: str, help: str = "", *, required: bool = False, **extra: Any) -> fields.Date:
    """A calendar date."""
    return fields.Date(required=required, error_messages=REQUIRED,
                       metadata=_meta(label, help, "date", **extra))


def checkbox(label: str, help: str = "", **extra: Any) -> fields.Boolean:
    """A yes/no box, unticked unless ticked (forms post nothing for an unticked box)."""
    return fields.Boolean(load_default=False, metadata=_meta(label, help, "checkbox", **extra))
