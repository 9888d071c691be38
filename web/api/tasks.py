"""``POST /api/v1/tasks/{id}/transitions``: start, complete, cancel or reopen a task."""

from __future__ import annotations

from typing import Any

from hdcore import services as svc
from web.api import serialise
from web.api.auth import current_user
from web.api.blueprint import ApiBlueprint, header, seen_version
from web.api.errors import ApiError
from web.api.parsing import object_id
from web.api.schemas import TaskActionSchema, TaskSchema
from web.context import db

bp = ApiBlueprint("api_tasks", __name__, url_prefix="/api/v1/tasks", tag="Tasks",
                  description="The work under requests (IT staff only).")


@bp.route("/<int:task_id>/transitions", methods=["POST"])
@bp.if_match(required=False)
@bp.arguments(TaskActionSchema)
@bp.response(200, TaskSchema, headers={
    "ETag": header("The task's new version.")})
@bp.fails(400, 401, 403, 404, 409, 422)
def move_task(args: dict[str, Any], task_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Start, complete, cancel or reopen a task: `{"action": "complete", "note": "..."}`.

    A task waiting for another one cannot start or complete (409). `If-Match` may carry the
    task's version.
    """
    me = current_user()
    if not me.is_staff:  # tasks are IT's internal work: not there for anyone else
        raise ApiError(404)
    task = svc.transition_task(db(), me, object_id(task_id), args["action"],
                               note=args.get("note", ""), expected_version=seen_version())
    return serialise.task(task), 200, serialise.etag(task.version)
