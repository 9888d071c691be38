"""``GET /api/v1/categories``: the enabled service categories, their fields and workflows."""

from __future__ import annotations

from typing import Any

from web.api import serialise
from web.api.blueprint import ApiBlueprint
from web.api.schemas import CategoryListSchema
from web.context import db, host

bp = ApiBlueprint("api_categories", __name__, url_prefix="/api/v1/categories", tag="Categories",
                  description="What can be requested, and how each kind of request proceeds.")


@bp.route("", methods=["GET"])
@bp.response(200, CategoryListSchema)
@bp.fails(401)
def list_categories() -> dict[str, Any]:
    """The categories new requests can be filed in.

    Each carries `fields`, the JSON Schema of its `details` (labels and help texts in the
    caller's language), and its `workflow`: the states and the steps between them, with the
    fields each step takes.
    """
    return {"items": [serialise.category(host(), spec) for spec in host().categories(db())]}
