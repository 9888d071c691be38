"""What can be done to a request through the API: assign, take a workflow step, comment, add a
task, escalate, close, reopen, rate, and read its history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hdcore import CategoryDisabled, PermissionDenied, ServiceRequest, TransitionRefused
from hdcore import services as svc
from web.api import serialise
from web.api.auth import current_user
from web.api.blueprint import header, seen_version
from web.api.errors import ApiError, to_api_error
from web.api.parsing import request_ref
from web.api.requests import REQUEST_PARAMETER, bp, representation
from web.api.schemas import (
    AssignSchema,
    CloseSchema,
    CommentInputSchema,
    CommentSchema,
    EventListSchema,
    RatingSchema,
    ReasonSchema,
    RequestSchema,
    StepInputSchema,
    TaskInputSchema,
    TaskSchema,
)
from web.context import db

Answer = tuple[dict[str, Any], int, dict[str, str]]
ETAG_HEADER = {"ETag": header("The request's new version.")}


def _route(action: str) -> Callable[[Any], Any]:
    return bp.route(f"/<request_id>/{action}", methods=["POST"], parameters=[REQUEST_PARAMETER])


def take_step(ref: int | str, step: Callable[[], ServiceRequest]) -> Answer:
    """Run a workflow step; a refusal lists the steps the caller may take instead."""
    try:
        req = step()
    except (TransitionRefused, PermissionDenied, CategoryDisabled) as exc:
        err = to_api_error(exc)
        allowed = [t.name for t in svc.request_view(db(), current_user(), ref).transitions]
        raise ApiError(err.status, err.code, err.message, allowed=allowed) from exc
    return representation(req.id)


@_route("assign")
@bp.if_match(required=False)
@bp.arguments(AssignSchema)
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
@bp.fails(400, 401, 403, 404, 409, 422)
def assign(args: dict[str, Any], request_id: str) -> Answer:
    """Assign the request to an IT staff member (`assignee`, a user name) and/or a `group`.

    A new request becomes *assigned*. Technicians may take a request themselves or hand over
    their own; the lead assigns anything.
    """
    req = svc.assign(db(), current_user(), request_ref(request_id),
                     assignee=args.get("assignee"), group=args.get("group"),
                     reason=args.get("reason", ""), expected_version=seen_version())
    return representation(req.id)


@_route("transitions")
@bp.if_match(required=False)
@bp.arguments(StepInputSchema)
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
@bp.fails(400, 401, 403, 404, 409, 422)
def take_transition(args: dict[str, Any], request_id: str) -> Answer:
    """Take a workflow step: `{"transition": "resolve", "resolution": "..."}`.

    The step's fields go beside its name (see the category's workflow, or the request's
    `transitions`). A step the workflow does not allow now answers 409 with `allowed`, the
    steps the caller may take.
    """
    ref = request_ref(request_id)
    data = {k: v for k, v in args.items() if k != "transition"}
    return take_step(ref, lambda: svc.transition(
        db(), current_user(), ref, args["transition"], data, expected_version=seen_version()))


@_route("comments")
@bp.arguments(CommentInputSchema)
@bp.response(201, CommentSchema)
@bp.fails(400, 401, 403, 404, 409, 422)
def add_comment(args: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Reply on the request, or (IT staff only) write an internal note (`internal: true`).

    A requester's reply to a request waiting for them puts it back to work.
    """
    comment = svc.add_comment(db(), current_user(), request_ref(request_id), args["body"],
                              internal=args["internal"])
    return serialise.comment(comment)


@_route("tasks")
@bp.arguments(TaskInputSchema)
@bp.response(201, TaskSchema)
@bp.fails(400, 401, 403, 404, 422)
def add_task(args: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Add a task (for those working on the request, and supervisors).

    `assignee` is a user name, `group` a group's name, `depends_on` ids of tasks of the same
    request, `due_at` a time with its zone.
    """
    task = svc.add_task(db(), current_user(), request_ref(request_id), title=args["title"],
                        description=args.get("description", ""), assignee=args.get("assignee"),
                        group=args.get("group"), due_at=args.get("due_at"),
                        depends_on=args.get("depends_on", []))
    return serialise.task(task)


@_route("escalate")
@bp.arguments(ReasonSchema)
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
@bp.fails(400, 401, 403, 404, 409, 422)
def escalate(args: dict[str, Any], request_id: str) -> Answer:
    """Escalate the request to the IT managers, saying why (requester or IT staff on it)."""
    req = svc.escalate(db(), current_user(), request_ref(request_id), args["reason"])
    return representation(req.id)


@_route("close")
@bp.if_match(required=False)
@bp.arguments(CloseSchema, required=False)
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
@bp.fails(400, 401, 403, 404, 409, 422)
def close(args: dict[str, Any], request_id: str) -> Answer:
    """Confirm the solution and close the request (the requester, or a supervisor)."""
    ref = request_ref(request_id)
    return take_step(ref, lambda: svc.close(db(), current_user(), ref,
                                            expected_version=seen_version()))


@_route("reopen")
@bp.if_match(required=False)
@bp.arguments(ReasonSchema)
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
@bp.fails(400, 401, 403, 404, 409, 422)
def reopen(args: dict[str, Any], request_id: str) -> Answer:
    """Not fixed: send a resolved (or, by a supervisor, closed) request back to work."""
    ref = request_ref(request_id)
    return take_step(ref, lambda: svc.reopen(db(), current_user(), ref, args["reason"],
                                             expected_version=seen_version()))


@_route("rating")
@bp.arguments(RatingSchema)
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
@bp.fails(400, 401, 403, 404, 409, 422)
def rate(args: dict[str, Any], request_id: str) -> Answer:
    """Rate the service from 1 to 5 (the requester, once the request is resolved; once)."""
    req = svc.rate(db(), current_user(), request_ref(request_id), args["score"],
                   args.get("comment", ""))
    return representation(req.id)


@bp.route("/<request_id>/events", methods=["GET"], parameters=[REQUEST_PARAMETER])
@bp.response(200, EventListSchema)
@bp.fails(401, 404)
def events(request_id: str) -> dict[str, Any]:
    """The request's history, oldest first; people outside IT see its public entries only."""
    return serialise.history(svc.request_history(db(), current_user(),
                                                 request_ref(request_id)))
