"""``/api/v1/requests``: list, file, read and edit service requests."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from hdcore import User
from hdcore import services as svc
from web.api import serialise
from web.api.auth import current_user
from web.api.blueprint import ApiBlueprint, header, seen_version
from web.api.parsing import request_ref
from web.api.schemas import (
    RequestCreateSchema,
    RequestPageSchema,
    RequestQuerySchema,
    RequestSchema,
    RequestUpdateSchema,
)
from web.context import db, host

bp = ApiBlueprint("api_requests", __name__, url_prefix="/api/v1/requests", tag="Requests",
                  description="Service requests, their conversation, tasks and history.")

#: The path parameter every request address has.
REQUEST_PARAMETER = {
    "in": "path", "name": "request_id", "required": True, "schema": {"type": "string"},
    "description": "The request's id, or its number (e.g. SR-2026-000123).",
}


def _me_or(value: str | None, me: User) -> str | User | None:
    return me if value == "me" else value


def representation(request_id: int | str, status: int = 200) -> tuple[dict[str, Any], int,
                                                                     dict[str, str]]:
    """The request as the caller may see it, with its ETag."""
    view = svc.request_view(db(), current_user(), request_id)
    return serialise.request_full(host(), view), status, serialise.etag(view.request.version)


@bp.route("", methods=["GET"])
@bp.arguments(RequestQuerySchema, location="query")
@bp.response(200, RequestPageSchema)
@bp.fails(401, 422)
def list_requests(args: dict[str, Any]) -> dict[str, Any]:
    """The requests the caller may see, newest first.

    Filters: `status` (one or several, comma-separated), `category`, `assignee` and
    `requester` (`me` or a user name), `q` (the number or title contains it). Paged with
    `page` and `per_page` (at most 100); the body gives the `total`.
    """
    me = current_user()
    statuses = [s.strip() for s in args.get("status", "").split(",") if s.strip()]
    found = svc.find_requests(
        db(), me, status=statuses, category=args.get("category"),
        assignee=_me_or(args.get("assignee"), me), requester=_me_or(args.get("requester"), me),
        text=args.get("q"), page=args["page"], per_page=args["per_page"],
    )
    return serialise.page(host(), found)


@bp.route("", methods=["POST"])
@bp.arguments(RequestCreateSchema)
@bp.response(201, RequestSchema, headers={
    "Location": header("The new request's address."),
    "ETag": header("The request's version."),
})
@bp.fails(400, 401, 403, 409, 422)
def create_request(args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """File a request.

    `details` follow the category's `fields`. IT staff may file on someone's behalf by
    naming the `requester`.
    """
    req = svc.submit_request(
        db(), current_user(), category=args["category"], title=args["title"],
        description=args.get("description", ""), priority=args.get("priority", "normal"),
        details=args.get("details") or {}, channel="api", requester=args.get("requester"),
    )
    body, status, headers = representation(req.id, 201)
    headers["Location"] = f"{serialise.API_ROOT}/requests/{req.id}"
    return body, status, headers


@bp.route("/<request_id>", parameters=[REQUEST_PARAMETER])
class RequestItem(MethodView):
    """One request."""

    @bp.response(200, RequestSchema, headers={
        "ETag": header("The request's version.")})
    @bp.fails(401, 404)
    def get(self, request_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Read a request: its fields, comments, tasks (IT staff only) and the steps open now.

        People outside IT see public comments only.
        """
        return representation(request_ref(request_id))

    @bp.if_match(required=True)
    @bp.arguments(RequestUpdateSchema)
    @bp.response(200, RequestSchema, headers={
        "ETag": header("The new version.")})
    @bp.fails(400, 401, 403, 404, 409, 422, 428)
    def patch(self, args: dict[str, Any], request_id: str) -> tuple[dict[str, Any], int,
                                                                     dict[str, str]]:
        """Change the title, description, priority or details.

        Send `If-Match` with the version you read (the ETag): without it the answer is 428,
        and if someone changed the request since, 409.
        """
        req = svc.update_request(db(), current_user(), request_ref(request_id),
                                 expected_version=seen_version(), **args)
        return representation(req.id)
