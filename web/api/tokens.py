"""``POST /api/v1/auth/token``: a user name and password exchanged for a bearer token."""

from __future__ import annotations

from typing import Any

from hdcore import services as svc
from web.api import serialise
from web.api.blueprint import ApiBlueprint
from web.api.schemas import TokenRequestSchema, TokenSchema
from web.context import db

bp = ApiBlueprint("api_auth", __name__, url_prefix="/api/v1/auth", tag="Authentication",
                  public=True, description="Exchange credentials for a bearer token.")


@bp.route("/token", methods=["POST"])
@bp.doc(security=[])
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenSchema)
@bp.fails(400, 401, 422)
def create_token(args: dict[str, Any]) -> dict[str, Any]:
    """Sign in and receive a token.

    The token is valid for 90 days unless revoked, and is shown only in this answer: send it
    as `Authorization: Bearer <token>` with every other call.
    """
    issued = svc.token_for_password(db(), args["username"], args["password"],
                                    name=args.get("name", ""))
    return serialise.token(issued)
