"""``POST /api/v1/auth/token``: a user name and password exchanged for a bearer token."""

from __future__ import annotations

from typing import Any

from flask import request

from hdcore import lazy_gettext as _
from hdcore import services as svc
from web.api import serialise
from web.api.blueprint import ApiBlueprint
from web.api.errors import ApiError
from web.api.schemas import TokenRequestSchema, TokenSchema
from web.context import db

bp = ApiBlueprint("api_auth", __name__, url_prefix="/api/v1/auth", tag="Authentication",
                  public=True, description="Exchange credentials for a bearer token.")


@bp.route("/token", methods=["POST"])
@bp.doc(security=[])
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenSchema)
@bp.fails(400, 401, 422, 429)
def create_token(args: dict[str, Any]) -> dict[str, Any]:
    """Sign in and receive a token.

    The token is valid for 90 days unless revoked, and is shown only in this answer: send it
    as `Authorization: Bearer <token>` with every other call. Repeated failures for one user
    name or from one address are held back for a while (429), as on the sign-in page.
    """
    try:
        user = svc.sign_in(db(), args["username"], args["password"],
                           address=request.remote_addr)
    except svc.LoginThrottled as exc:
        raise ApiError(429, "too_many_attempts", str(exc),
                       headers={"Retry-After": str(exc.retry_after)}) from None
    if user is None:
        raise svc.InvalidCredentials(str(_("Wrong user name or password.")))
    issued = svc.issue_token(db(), user, user, name=args.get("name", ""))
    return serialise.token(issued)
