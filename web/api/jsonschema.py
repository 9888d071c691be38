"""marshmallow schemas as JSON Schema (2020-12), for API clients that build forms or validate.

Types and formats come from the field classes; ``required``, ``enum`` (``OneOf`` or the
``choices`` metadata), lengths and ranges from the validators; nested rows become arrays of
objects. The field's ``label`` metadata becomes ``title`` and its ``help`` the ``description``,
in the current language. Form hints the UI uses are kept as ``x-`` keywords: ``x-widget``,
``x-choices`` (value and label pairs), ``x-show-when``, ``x-vendor-kind``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from marshmallow import RAISE, Schema, fields, validate
from marshmallow.utils import missing

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Nesting deeper than this is cut (a schema that nests itself would never end).
MAX_DEPTH = 6

# Checked in order: subclasses before their bases.
_FORMATS: tuple[tuple[type[fields.Field], dict[str, Any]], ...] = (
    (fields.Email, {"type": "string", "format": "email"}),
    (fields.Url, {"type": "string", "format": "uri"}),
    (fields.UUID, {"type": "string", "format": "uuid"}),
    (fields.IPv4, {"type": "string", "format": "ipv4"}),
    (fields.IPv6, {"type": "string", "format": "ipv6"}),
    (fields.IP, {"type": "string"}),
    (fields.String, {"type": "string"}),
    (fields.Boolean, {"type": "boolean"}),
    (fields.Integer, {"type": "integer"}),
    # Amounts are read from numbers and from strings alike (and written as strings).
    (fields.Decimal, {"type": ["number", "string"]}),
    (fields.Float, {"type": "number"}),
    (fields.Number, {"type": "number"}),
    (fields.DateTime, {"type": "string", "format": "date-time"}),
    (fields.Date, {"type": "string", "format": "date"}),
    (fields.Time, {"type": "string", "format": "time"}),
    (fields.TimeDelta, {"type": "number"}),
    (fields.Dict, {"type": "object"}),
)


def _plain(value: Any) -> Any:
    """``value`` as JSON, or ``missing`` when it has no JSON form."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # renders a lazy string in the current language
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        items = [_plain(v) for v in value]
        return missing if any(i is missing for i in items) else items
    return missing


def _apply_validators(out: dict[str, Any], f: fields.Field) -> None:
    kind = out.get("type")
    is_array = kind == "array"
    for v in f.validators:
        if isinstance(v, validate.Length):
            low, high = ("minItems", "maxItems") if is_array else ("minLength", "maxLength")
            if v.equal is not None:
                out[low] = out[high] = v.equal
            if v.min is not None:
                out[low] = max(out.get(low, 0), v.min)
            if v.max is not None:
                out[high] = min(out.get(high, v.max), v.max)
        elif isinstance(v, validate.Range):
            for bound, inclusive, key, exclusive_key in (
                (v.min, v.min_inclusive, "minimum", "exclusiveMinimum"),
                (v.max, v.max_inclusive, "maximum", "exclusiveMaximum"),
            ):
                if isinstance(bound, int | float | decimal.Decimal) and not isinstance(bound, bool):
                    out[key if inclusive else exclusive_key] = (
                        float(bound) if isinstance(bound, decimal.Decimal) else bound)
        elif isinstance(v, validate.OneOf):
            choices = _plain(list(v.choices))
            if choices is not missing:
                out["enum"] = choices
        elif isinstance(v, validate.ContainsOnly) and is_array:
            choices = _plain(list(v.choices))
            if choices is not missing:
                out.setdefault("items", {})["enum"] = choices
        elif isinstance(v, validate.NoneOf):
            values = _plain(list(v.iterable))
            if values is not missing:
                out["not"] = {"enum": values}
        elif isinstance(v, validate.Equal):
            value = _plain(v.comparable)
            if value is not missing:
                out["const"] = value
        elif isinstance(v, validate.Regexp):
            out["pattern"] = v.regex.pattern


def _apply_metadata(out: dict[str, Any], f: fields.Field) -> None:
    meta = f.metadata
    if meta.get("label"):
        out["title"] = str(meta["label"])
    if meta.get("help"):
        out["description"] = str(meta["help"])
    choices = meta.get("choices")
    if choices:
        pairs = [{"value": _plain(value), "label": str(label)} for value, label in choices]
        out["x-choices"] = pairs
        out.setdefault("enum", [p["value"] for p in pairs])
    for key, target in (("min", "minimum"), ("max", "maximum")):
        if isinstance(meta.get(key), int | float) and target not in out:
            out[target] = meta[key]
    if meta.get("widget"):
        out["x-widget"] = str(meta["widget"])
    if meta.get("show_when"):
        out["x-show-when"] = {str(k): [_plain(v) for v in vals]
                              for k, vals in meta["show_when"].items()}
    if meta.get("vendor_kind"):
        out["x-vendor-kind"] = str(meta["vendor_kind"])


def _allow_null(out: dict[str, Any]) -> None:
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]


def field_schema(f: fields.Field, depth: int = 0) -> dict[str, Any]:
    """The JSON Schema of one field."""
    out: dict[str, Any]
    if isinstance(f, fields.Nested):
        nested = object_schema(f.schema, depth + 1)
        out = {"type": "array", "items": nested} if f.many else nested
    elif isinstance(f, fields.List):
        out = {"type": "array", "items": field_schema(f.inner, depth + 1)}
    elif isinstance(f, fields.Tuple):
        items = [field_schema(t, depth + 1) for t in f.tuple_fields]
        out = {"type": "array", "prefixItems": items, "minItems": len(items),
               "maxItems": len(items)}
    elif isinstance(f, fields.Enum):
        out = {"enum": _plain([m.value if f.by_value else m.name for m in f.enum])}
    else:
        out = next((dict(spec) for cls, spec in _FORMATS if isinstance(f, cls)), {})
        if isinstance(f, fields.Dict) and f.value_field is not None:
            out["additionalProperties"] = field_schema(f.value_field, depth + 1)
    _apply_validators(out, f)
    _apply_metadata(out, f)
    if f.allow_none:
        _allow_null(out)
    default = f.load_default
    if default is not missing and not callable(default):
        plain = _plain(default)
        if plain is not missing:
            out["default"] = plain
    return out


def object_schema(schema: Schema | type[Schema], depth: int = 0) -> dict[str, Any]:
    """The JSON Schema of a marshmallow schema's input (fields only read when loading)."""
    instance = schema() if isinstance(schema, type) else schema
    if depth > MAX_DEPTH:
        return {"type": "object"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, f in instance.fields.items():
        if f.dump_only:
            continue
        key = f.data_key or name
        properties[key] = field_schema(f, depth)
        if f.required:
            required.append(key)
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    out["additionalProperties"] = instance.unknown != RAISE
    return out


def json_schema(schema: Schema | type[Schema]) -> dict[str, Any]:
    """A complete JSON Schema document for ``schema``'s input."""
    return {"$schema": DIALECT, **object_schema(schema)}
