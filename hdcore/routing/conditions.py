"""Conditions of routing rules: the fields they can test, the operators, checking and matching.

A condition is data, ``{"field": ..., "op": ..., "value": ...}``, so rules are stored, shown
and edited without code. Fields are the request's own (``priority``, ``channel``, ``title``),
the requester's department (``requester.department``, a department code) and the category's
details (``details.<name>``, from its schema, with the schema's choices). Operators: ``eq``,
``ne``, ``in`` and ``not_in`` (a list of values), ``contains`` (text), ``gt`` and ``lt``
(numbers). Text compares without regard to case or surrounding spaces; a list-valued detail
"is" a value when it holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import fields as mfields
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.i18n import _
from hdcore.models import Department, ServiceRequest
from hdcore.models.request import CHANNEL_LABELS, PRIORITY_LABELS
from hdcore.services.base import host_of

#: Operators and their names for people.
OPERATORS = {
    "eq": _("is"),
    "ne": _("is not"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "contains": _("contains"),
    "gt": _("is more than"),
    "lt": _("is less than"),
}
LIST_OPERATORS = frozenset({"in", "not_in"})
NUMBER_OPERATORS = frozenset({"gt", "lt"})
#: The most conditions one rule may have.
MAX_CONDITIONS = 10
VALUE_MAX = 200


@dataclass(frozen=True)
class RuleField:
    """A field a condition can test, with its choices when it has a fixed set of values."""

    name: str
    label: str
    #: ``text``, ``choice``, ``number`` or ``flag`` (yes/no).
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    operators: tuple[str, ...] = field(default=())

    def choice_label(self, value: str) -> str:
        """The label of a choice (the value itself when it is not one)."""
        return next((label for v, label in self.choices if v == value), value)


def _operators(kind: str) -> tuple[str, ...]:
    if kind == "choice":
        return ("in", "not_in", "eq", "ne")
    if kind == "flag":
        return ("eq",)
    if kind == "number":
        return ("eq", "ne", "gt", "lt", "in", "not_in")
    return ("eq", "ne", "in", "not_in", "contains")


def _make(name: str, label: str, kind: str,
          choices: Sequence[tuple[Any, Any]] = ()) -> RuleField:
    return RuleField(name=name, label=label, kind=kind,
                     choices=tuple((str(v), str(lbl)) for v, lbl in choices),
                     operators=_operators(kind))


def _detail_field(name: str, f: mfields.Field) -> RuleField | None:
    """The rule field for one schema field; None for those a rule cannot test (tables)."""
    if f.dump_only or f.load_only:
        return None
    label = str(f.metadata.get("label", name.replace("_", " ").capitalize()))
    choices = f.metadata.get("choices") or ()
    if isinstance(f, mfields.List):
        if isinstance(f.inner, mfields.Nested):
            return None
        choices = choices or f.inner.metadata.get("choices") or ()
    elif isinstance(f, mfields.Nested | mfields.Dict):
        return None
    if choices:
        return _make(f"details.{name}", label, "choice", choices)
    if isinstance(f, mfields.Boolean):
        return _make(f"details.{name}", label, "flag", [("true", _("Yes")),
                                                        ("false", _("No"))])
    if isinstance(f, mfields.Integer | mfields.Float | mfields.Decimal):
        return _make(f"details.{name}", label, "number")
    return _make(f"details.{name}", label, "text")


def rule_fields(session: Session, category: str) -> list[RuleField]:
    """The fields rules of ``category`` can test: the request's, then the category's details."""
    host = host_of(session)
    departments = [(d.code, f"{d.code} – {d.name}") for d in session.scalars(
        select(Department).order_by(Department.code))]
    out = [
        _make("priority", str(_("Priority")), "choice", list(PRIORITY_LABELS.items())),
        _make("channel", str(_("Channel")), "choice", list(CHANNEL_LABELS.items())),
        _make("requester.department", str(_("Requester's department")), "choice",
              departments),
        _make("title", str(_("Title")), "text"),
    ]
    schema = host.request_schema(category)
    for name, f in schema().fields.items():
        made = _detail_field(name, f)
        if made is not None:
            out.append(made)
    return out


def fields_by_name(session: Session, category: str) -> dict[str, RuleField]:
    """:func:`rule_fields` keyed by name."""
    return {f.name: f for f in rule_fields(session, category)}


def _split(value: Any) -> list[str]:
    """A list of values from a list or from text separated by commas or new lines."""
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        text = str(value or "").replace("，", ",").replace("\n", ",")
        parts = text.split(",")
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def check_conditions(fields: Mapping[str, RuleField], raw: Sequence[Mapping[str, Any]],
                     prefix: str = "conditions") -> tuple[list[dict[str, Any]],
                                                          dict[str, list[str]]]:
    """Validate conditions as typed: the clean ones, and errors named ``conditions.N.part``.

    Rows without a field are left out (an empty row of a form); a field's choices are the
    only values it accepts.
    """
    clean: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    rows = [r for r in raw if str(r.get("field") or "").strip()]
    if len(rows) > MAX_CONDITIONS:
        errors[prefix] = [str(_("At most %(n)d conditions.")) % {"n": MAX_CONDITIONS}]
    for i, row in enumerate(rows[:MAX_CONDITIONS]):
        key = f"{prefix}.{i}"
        name = str(row.get("field")).strip()
        op = str(row.get("op") or "").strip()
        spec = fields.get(name)
        if spec is None:
            errors[f"{key}.field"] = [str(_("Not a field of this category."))]
            continue
        if op not in spec.operators:
            errors[f"{key}.op"] = [str(_("Choose one of: %(c)s.")) % {
                "c": ", ".join(str(OPERATORS[o]) for o in spec.operators)}]
            continue
        values = _split(row.get("value"))
        problems: list[str] = []
        if not values:
            problems.append(str(_("Give a value.")))
        elif op not in LIST_OPERATORS and len(values) > 1:
            problems.append(str(_("Give one value, or choose “is one of”.")))
        if any(len(v) > VALUE_MAX for v in values):
            problems.append(str(_("At most %(n)d characters.")) % {"n": VALUE_MAX})
        if spec.choices:
            known = {v for v, _label in spec.choices}
            unknown = [v for v in values if v not in known]
            if unknown:
                problems.append(str(_("Not a choice of %(field)s: %(values)s.")) % {
                    "field": spec.label, "values": ", ".join(unknown)})
        if (op in NUMBER_OPERATORS or spec.kind == "number") and any(
                _number(v) is None for v in values):
            problems.append(str(_("Give a number.")))
        if problems:
            errors[f"{key}.value"] = problems
            continue
        clean.append({"field": name, "op": op,
                      "value": values if op in LIST_OPERATORS else values[0]})
    return clean, errors


def field_value(request: ServiceRequest, name: str) -> Any:
    """The value of a rule field on ``request`` (None when it has none)."""
    if name.startswith("details."):
        return (request.details or {}).get(name[len("details."):])
    if name == "requester.department":
        dept = request.requester.department if request.requester is not None else None
        return dept.code if dept is not None else None
    if name in ("priority", "channel", "title", "category"):
        return getattr(request, name)
    return None


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value).strip().casefold()


def _equals(actual: Any, wanted: str) -> bool:
    if isinstance(actual, list | tuple):
        return any(_equals(a, wanted) for a in actual)
    if isinstance(actual, int | float | Decimal) and not isinstance(actual, bool):
        number = _number(wanted)
        return number is not None and Decimal(str(actual)) == number
    return _norm(actual) == _norm(wanted)


def _compare(actual: Any, wanted: str, op: str) -> bool:
    have, want = _number(actual) if actual is not None else None, _number(wanted)
    if have is None or want is None:
        return False
    return have > want if op == "gt" else have < want


def condition_holds(request: ServiceRequest, condition: Mapping[str, Any]) -> bool:
    """Whether ``request`` meets one condition."""
    actual = field_value(request, str(condition.get("field", "")))
    op = condition.get("op")
    value = condition.get("value")
    values = value if isinstance(value, list) else [value]
    if op == "eq":
        return _equals(actual, str(value))
    if op == "ne":
        return not _equals(actual, str(value))
    if op == "in":
        return any(_equals(actual, str(v)) for v in values)
    if op == "not_in":
        return not any(_equals(actual, str(v)) for v in values)
    if op == "contains":
        parts = actual if isinstance(actual, list | tuple) else [actual]
        return any(_norm(value) in _norm(p) for p in parts if p is not None)
    if op in NUMBER_OPERATORS:
        return _compare(actual, str(value), op)
    return False


def conditions_hold(request: ServiceRequest, conditions: Sequence[Mapping[str, Any]]) -> bool:
    """Whether ``request`` meets every condition (no conditions: every request does)."""
    return all(condition_holds(request, c) for c in conditions)


def describe(fields: Mapping[str, RuleField], condition: Mapping[str, Any]) -> str:
    """A condition in words: ``ERP module is one of INV – Inventory, PO – Purchasing``."""
    name = str(condition.get("field", ""))
    spec = fields.get(name)
    label = spec.label if spec else name
    value = condition.get("value")
    values = value if isinstance(value, list) else [value]
    shown = ", ".join(spec.choice_label(str(v)) if spec else str(v) for v in values)
    op = OPERATORS.get(str(condition.get("op")), condition.get("op"))
    return f"{label} {op} {shown}"
