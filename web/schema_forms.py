"""Forms drawn from a category's marshmallow schema: one schema for portal, phone, API and view.

:func:`form_fields` describes each input (label, help, widget, choices, current value, errors)
for the template macro ``render_field``; :func:`parse_form` turns the posted form back into
the dict the schema validates. Field metadata keys: ``label``, ``help``, ``widget``
(text, textarea, select, number, date, datetime, email, checkbox, rows, vendor),
``choices`` (value, label) pairs, ``vendor_kind`` for vendor selects, ``show_when``
(``{"other_field": [values]}``: the input is shown only while the other field has one of
those values; without JavaScript every input shows and the schema still decides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from hdcore import services as svc


@dataclass
class FieldView:
    """What the template needs to draw one input."""

    name: str
    label: str
    help: str
    widget: str
    required: bool
    value: Any = None
    errors: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    columns: list[FieldView] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    row_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    #: Show only when other fields (same form) have one of these values: ``{"kind": [..]}``.
    show_when: dict[str, list[str]] = field(default_factory=dict)


def _widget(f: fields.Field) -> str:
    w = f.metadata.get("widget")
    if w:
        return str(w)
    if isinstance(f, fields.Boolean):
        return "checkbox"
    if isinstance(f, fields.Integer | fields.Float | fields.Decimal):
        return "number"
    if isinstance(f, fields.DateTime):
        return "datetime"
    if isinstance(f, fields.Date):
        return "date"
    if isinstance(f, fields.Email):
        return "email"
    if isinstance(f, fields.List):
        # a list of records is a table of rows; a list of plain values, one value per line
        return "rows" if isinstance(f.inner, fields.Nested) else "lines"
    return "text"


def _choices(session: Session | None, f: fields.Field, widget: str) -> list[tuple[str, str]]:
    if widget == "vendor" and session is not None:
        kind = f.metadata.get("vendor_kind", "")
        return [(v.name, v.name) for v in svc.vendors_of_kind(session, kind)]
    return [(str(v), str(label)) for v, label in f.metadata.get("choices", [])]


def _display(value: Any) -> Any:
    if isinstance(value, list) and all(not isinstance(v, dict) for v in value):
        return "\n".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def form_fields(
    schema_cls: type[Schema],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    prefix: str = "",
    session: Session | None = None,
) -> list[FieldView]:
    """Describe the inputs of ``schema_cls``; ``errors`` keyed like ``details.items.0.qty``."""
    values = values or {}
    errors = errors or {}
    out: list[FieldView] = []
    for name, f in schema_cls().fields.items():
        if f.dump_only:
            continue
        key = f"{prefix}.{name}" if prefix else name
        widget = _widget(f)
        view = FieldView(
            name=name, label=str(f.metadata.get("label", name.replace("_", " ").capitalize())),
            help=str(f.metadata.get("help", "")), widget=widget, required=f.required,
            value=_display(values.get(name, "")),
            errors=list(errors.get(key, [])), choices=_choices(session, f, widget),
            show_when={k: [str(v) for v in vals]
                       for k, vals in (f.metadata.get("show_when") or {}).items()},
        )
        if widget == "rows" and isinstance(f, fields.List) and isinstance(f.inner,
                                                                          fields.Nested):
            nested = f.inner.nested
            nested_cls = nested if isinstance(nested, type) else type(nested)
            view.columns = form_fields(nested_cls, session=session)
            rows = values.get(name) or []
            view.rows = [dict(r) for r in rows] if isinstance(rows, list) else []
            for k, msgs in errors.items():
                rest = k[len(key) + 1:] if k.startswith(key + ".") else None
                if rest and rest.split(".")[0].isdigit():
                    idx, _, sub = rest.partition(".")
                    view.row_errors.setdefault(int(idx), {}).setdefault(sub or "_", []).extend(
                        msgs)
        out.append(view)
    return out


def _convert(f: fields.Field, raw: str) -> Any:
    """A posted string in the type the field loads (marshmallow does the real validation)."""
    if isinstance(f, fields.Integer):
        try:
            return int(raw)
        except ValueError:
            return raw
    if isinstance(f, fields.Float):
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def parse_form(schema_cls: type[Schema], form: MultiDict[str, str], prefix: str = "") -> dict[
        str, Any]:
    """The posted values of ``schema_cls``'s fields (inputs named ``prefix + name``).

    Empty optional inputs are left out; rows of a ``rows`` field come as
    ``name-<row>-<column>`` and empty rows are dropped.
    """
    data: dict[str, Any] = {}
    for name, f in schema_cls().fields.items():
        if f.dump_only:
            continue
        key = prefix + name
        widget = _widget(f)
        if widget == "checkbox":
            data[name] = key in form and form.get(key) not in ("", "0", "false", "off")
            continue
        if widget == "rows" and isinstance(f, fields.List) and isinstance(f.inner,
                                                                          fields.Nested):
            nested = f.inner.nested
            nested_cls = nested if isinstance(nested, type) else type(nested)
            indexes = sorted({int(k.split("-")[1]) for k in form
                              if k.startswith(key + "-") and k.split("-")[1].isdigit()})
            rows = []
            for i in indexes:
                row = parse_form(nested_cls, form, prefix=f"{key}-{i}-")
                if any(v not in ("", None, False) for v in row.values()):
                    rows.append(row)
            data[name] = rows
            continue
        if isinstance(f, fields.List):
            items = [v.strip() for v in form.getlist(key) for v in v.splitlines() if v.strip()]
            if items or f.required:
                data[name] = items
            continue
        raw = (form.get(key) or "").strip()
        if raw == "":  # left empty: absent, so a required field says "missing"
            continue
        data[name] = _convert(f, raw)
    return data


def display_details(schema_cls: type[Schema], details: Mapping[str, Any]) -> list[
        tuple[str, Any, str]]:
    """``(label, value, widget)`` for each filled detail, choice values shown by their label."""
    out = []
    for name, f in schema_cls().fields.items():
        if name not in details or details[name] in (None, "", []):
            continue
        value = details[name]
        widget = _widget(f)
        choices = {str(v): str(lbl) for v, lbl in f.metadata.get("choices", [])}
        if choices and not isinstance(value, list):
            value = choices.get(str(value), value)
        if widget == "rows" and isinstance(f, fields.List) and isinstance(f.inner,
                                                                          fields.Nested):
            nested = f.inner.nested
            nested_cls = nested if isinstance(nested, type) else type(nested)
            cols = [(n, str(c.metadata.get("label", n)),
                     {str(v): str(lbl) for v, lbl in c.metadata.get("choices", [])})
                    for n, c in nested_cls().fields.items()]
            value = {"columns": [c[1] for c in cols],
                     "rows": [[c[2].get(str(r.get(c[0], "")), r.get(c[0], ""))
                               for c in cols] for r in value]}
        elif isinstance(value, bool):
            widget = "checkbox"
        out.append((str(f.metadata.get("label", name)), value, widget))
    return out
