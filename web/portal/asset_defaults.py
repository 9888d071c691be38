"""The new-request form opened for an asset (``?asset=TAG``): its device fields filled in."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from marshmallow import Schema

from hdcore import NotFound
from hdcore import services as svc
from hdcore.services.assets_fields import as_id
from web.context import db

#: Request fields a category may have that an asset can fill in, by what they hold.
PREFILL = {
    "asset_tag": lambda a: a.tag, "equipment": lambda a: a.model,
    "equipment_type": lambda a: a.type, "location": lambda a: a.location or "",
    "serial": lambda a: a.serial or "", "serial_number": lambda a: a.serial or "",
}


def asset_form_defaults(schema: type[Schema]) -> dict[str, Any]:
    """The new-request form's starting values when it opens for an asset (``?asset=``): the
    category's fields that name the device (tag, model, type, location) filled in from it.

    A value the field would refuse (a type the category does not list) is left out.
    """
    ref = request.args.get("asset", "")
    if request.method != "GET" or not ref:
        return {}
    try:
        asset = svc.view_asset(db(), current_user, as_id(ref) or ref)
    except NotFound:
        return {}
    fields = schema().fields
    details: dict[str, Any] = {}
    for name, value_of in PREFILL.items():
        if name not in fields:
            continue
        value = value_of(asset)
        choices = [c[0] for c in (fields[name].metadata.get("choices") or [])]
        if value and (not choices or value in choices):
            details[name] = value
    return {"details": details} if details else {}
