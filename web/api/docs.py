"""The OpenAPI document at ``/api/v1/openapi.json`` and a readable page of it at ``/api/v1/docs``.

The page is rendered here from the document, with no script and nothing from another site
(the desk runs on an intranet): each operation with its parameters, body and answers, and
every schema as a table of its properties.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from web.api import auth, errors

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
errors.install(bp)
auth.guard(bp, public=True)

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Row:
    """One property of a schema, indented by its depth."""

    name: str
    type: str
    required: bool
    notes: str
    depth: int = 0


@dataclass
class Operation:
    """One method on one path."""

    method: str
    path: str
    summary: str
    description: str
    public: bool
    parameters: list[Row] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)


def document() -> dict[str, Any]:
    """The OpenAPI document (a copy: callers may not change the application's)."""
    doc = copy.deepcopy(current_app.extensions["hd_api"].spec.to_dict())
    doc["tags"] = current_app.extensions["hd_api_tags"]
    return doc


@bp.app_template_filter("api_text")
def rich_text(text: str) -> Markup:
    """Docstring text as HTML: paragraphs, and `code` in backticks."""
    paragraphs = [" ".join(p.split()) for p in str(text).split("\n\n") if p.strip()]
    html = []
    for para in paragraphs:
        parts = escape(para).split("`")
        html.append("<p>" + "".join(f"<code>{part}</code>" if i % 2 else str(part)
                                    for i, part in enumerate(parts)) + "</p>")
    return Markup("".join(html))


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> str:
    """A short description of a schema's type: ``string (date-time)``, ``array of Task``."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind += " | null"
    return str(kind)


def notes_of(schema: dict[str, Any]) -> str:
    """Constraints and the description of a schema."""
    parts = []
    if "enum" in schema:
        parts.append("one of: " + ", ".join(str(v) for v in schema["enum"]))
    for key, word in (("minLength", "min length"), ("maxLength", "max length"),
                      ("minimum", "min"), ("maximum", "max"), ("minItems", "min items"),
                      ("maxItems", "max items"), ("default", "default")):
        if key in schema:
            parts.append(f"{word} {schema[key]}")
    if schema.get("description"):
        parts.append(str(schema["description"]))
    return "; ".join(parts)


def rows_of(schema: dict[str, Any]) -> list[Row]:
    """The properties of an object schema."""
    required = set(schema.get("required", []))
    return [Row(name, type_of(prop), name in required, notes_of(prop))
            for name, prop in schema.get("properties", {}).items()]


def _body_of(op: dict[str, Any]) -> str:
    content = op.get("requestBody", {}).get("content", {})
    for media in content.values():
        return type_of(media.get("schema", {}))
    return ""


def operations(doc: dict[str, Any]) -> list[tuple[dict[str, Any], list[Operation]]]:
    """The operations of ``doc`` grouped by tag, in the order of the tags."""
    by_tag: dict[str, list[Operation]] = {t["name"]: [] for t in doc.get("tags", [])}
    for path, item in doc.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [Row(p["name"], f"{p['in']}: {type_of(p.get('schema', {}))}",
                          bool(p.get("required")), notes_of({**p.get("schema", {}),
                                                             **({"description": p["description"]}
                                                                if p.get("description") else {})}))
                      for p in [*shared, *op.get("parameters", [])]]
            responses = []
            for code, answer in sorted(op.get("responses", {}).items()):
                schema = next(iter(answer.get("content", {}).values()), {}).get("schema", {})
                responses.append((code, answer.get("description", ""),
                                  type_of(schema) if schema else ""))
            entry = Operation(
                method=method.upper(), path=path, summary=op.get("summary", ""),
                description=op.get("description", ""), public=op.get("security") == [],
                parameters=params, body=_body_of(op), responses=responses,
            )
            for tag in op.get("tags", ["API"]):
                by_tag.setdefault(tag, []).append(entry)
    tags = {t["name"]: t for t in doc.get("tags", [])}
    return [(tags.get(name, {"name": name}), ops) for name, ops in by_tag.items() if ops]


@bp.route("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3 document of the API."""
    return jsonify(document())


@bp.route("/docs")
def docs_page() -> str:
    """The API's reference, readable in a browser."""
    doc = document()
    schemas = {name: rows_of(schema)
               for name, schema in sorted(doc.get("components", {}).get("schemas", {}).items())}
    return render_template("api/docs.html", doc=doc, sections=operations(doc), schemas=schemas)
