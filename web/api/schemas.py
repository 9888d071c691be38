"""What the API reads and writes, as marshmallow schemas (they are its OpenAPI components too).

Input schemas check shapes and sizes; the services check everything else (and name each bad
field the same way). Output schemas describe the JSON the serialisers build.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import INCLUDE, Schema, fields, validate

from hdcore import Priority
from hdcore.services import TASK_ACTIONS
from hdcore.services.reading import MAX_PAGE, MAX_PER_PAGE
from hdcore.services.reading import TEXT_MAX as TEXT_MAX_QUERY
from hdcore.services.requests import DESCRIPTION_MAX, TITLE_MAX
from web.api.parsing import MAX_ID

TEXT_MAX = 20_000
PRIORITIES = [p.value for p in Priority]


def _text(max_length: int, *, required: bool = False, min_length: int = 0,
          description: str = "") -> fields.String:
    return fields.String(required=required,
                         validate=validate.Length(min=min_length, max=max_length),
                         metadata={"description": description} if description else {})


def _id(description: str = "") -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID),
                          metadata={"description": description} if description else {})


# -- errors -------------------------------------------------------------------------------------


class ErrorBodySchema(Schema):
    """What went wrong."""

    status = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    code = fields.String(required=True, metadata={
        "description": "A stable code: validation_failed, invalid_token, not_found, conflict, "
                       "transition_refused, precondition_required, ..."})
    message = fields.String(required=True,
                            metadata={"description": "For people, in their language."})
    refused = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
        metadata={"description": "Each refused field (dotted path, e.g. "
                                 "details.items.0.quantity) and why."})
    allowed = fields.List(fields.String(), metadata={
        "description": "The steps this user may take on the request now (refused steps)."})


class ErrorSchema(Schema):
    """The one shape of every error answer."""

    error = fields.Nested(ErrorBodySchema, required=True)


# -- tokens -------------------------------------------------------------------------------------


class TokenRequestSchema(Schema):
    """Credentials exchanged for a token."""

    username = _text(64, required=True, min_length=1)
    password = _text(256, required=True, min_length=1)
    name = _text(100, description="What the token is for, e.g. the name of the integration.")


class TokenSchema(Schema):
    """A new token; it is shown only this once."""

    token = fields.String(required=True)
    prefix = fields.String(required=True, metadata={
        "description": "The token's first characters, as lists show it."})
    expires_at = fields.DateTime(required=True)


# -- people, categories -------------------------------------------------------------------------


class PersonSchema(Schema):
    """Someone named on a request."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)


class GroupRefSchema(Schema):
    """An IT group."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class StateSchema(Schema):
    """A state of a workflow."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(
        ["new", "active", "waiting", "resolved", "final"]))


class StepSchema(Schema):
    """A transition of a workflow, and the fields it asks for (JSON Schema)."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    sources = fields.List(fields.String(), required=True, data_key="from")
    target = fields.String(required=True, data_key="to")
    roles = fields.List(fields.String(), required=True)
    step_fields = fields.Dict(allow_none=True, required=True, data_key="fields", metadata={
        "description": "JSON Schema of the fields the step takes; null when it takes none."})
    endpoint = fields.String(allow_none=True, required=True, metadata={
        "description": "Where a client takes the step (/transitions, or /assign for the "
                       "assignment); null for steps only the help desk itself takes."})


class WorkflowSchema(Schema):
    """A category's states and transitions."""

    states = fields.List(fields.Nested(StateSchema), required=True)
    transitions = fields.List(fields.Nested(StepSchema), required=True)


class CategorySchema(Schema):
    """An enabled service category: its request fields and its workflow."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    description = fields.String(required=True)
    icon = fields.String(required=True)
    default_priority = fields.String(required=True)
    plugin = fields.String(required=True)
    details_schema = fields.Dict(required=True, data_key="fields", metadata={
        "description": "JSON Schema (2020-12) of the request's details in this category."})
    workflow = fields.Nested(WorkflowSchema, required=True)


class CategoryListSchema(Schema):
    """The enabled categories."""

    items = fields.List(fields.Nested(CategorySchema), required=True)


# -- requests -----------------------------------------------------------------------------------


class RequestQuerySchema(Schema):
    """Filters and paging of the request list (the service checks them all at once)."""

    status = fields.String(metadata={
        "description": "One state, or several separated by commas (e.g. new,assigned)."})
    category = fields.String(metadata={"description": "A category's name."})
    assignee = fields.String(metadata={"description": "`me`, or a user name."})
    requester = fields.String(metadata={"description": "`me`, or a user name."})
    q = fields.String(metadata={"maxLength": TEXT_MAX_QUERY,
                                "description": "Text the number or the title contains."})
    page = fields.Integer(load_default=1, metadata={"minimum": 1, "maximum": MAX_PAGE})
    per_page = fields.Integer(load_default=25, metadata={"minimum": 1, "maximum": MAX_PER_PAGE})


class RequestCreateSchema(Schema):
    """A new request. Its shape is checked first; then every refused value is named at once."""

    category = fields.String(required=True, metadata={
        "description": "The name of an enabled category (see /api/v1/categories)."})
    title = fields.String(required=True, metadata={"minLength": 1, "maxLength": TITLE_MAX})
    description = fields.String(metadata={"maxLength": DESCRIPTION_MAX})
    priority = fields.String(metadata={"enum": PRIORITIES, "default": "normal"})
    details = fields.Dict(keys=fields.String(), metadata={
        "description": "The category's fields (see the category's `fields` JSON Schema)."})
    requester = fields.String(metadata={"description": (
        "User name of the person the request is for; IT staff only (filing on someone's "
        "behalf).")})


class RequestUpdateSchema(Schema):
    """Changes to a request (only what is sent changes)."""

    title = fields.String(metadata={"minLength": 1, "maxLength": TITLE_MAX})
    description = fields.String(metadata={"maxLength": DESCRIPTION_MAX})
    priority = fields.String(metadata={"enum": PRIORITIES})
    details = fields.Dict(keys=fields.String(), metadata={
        "description": "All of the category's fields (they replace the previous ones)."})


class CommentSchema(Schema):
    """A message on a request."""

    id = fields.Integer(required=True)
    body = fields.String(required=True)
    internal = fields.Boolean(required=True)
    author = fields.Nested(PersonSchema, required=True)
    created_at = fields.DateTime(required=True)


class TaskSchema(Schema):
    """A task under a request."""

    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ["open", "in_progress", "done", "cancelled"]))
    assignee = fields.Nested(PersonSchema, allow_none=True, required=True)
    group = fields.Nested(GroupRefSchema, allow_none=True, required=True)
    due_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True, required=True)
    completed_at = fields.DateTime(allow_none=True, required=True)
    depends_on = fields.List(fields.Integer(), required=True)
    blocked = fields.Boolean(required=True, metadata={
        "description": "Whether a task it depends on is still open."})
    version = fields.Integer(required=True)


class NextStepSchema(Schema):
    """A step the user may take on the request now."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    step_fields = fields.Dict(allow_none=True, required=True, data_key="fields")


class RequestSummarySchema(Schema):
    """A request as lists show it."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    category = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    priority = fields.String(required=True)
    channel = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    details = fields.Dict(required=True)
    resolution = fields.String(allow_none=True, required=True)
    requester = fields.Nested(PersonSchema, required=True)
    entered_by = fields.Nested(PersonSchema, required=True)
    assignee = fields.Nested(PersonSchema, allow_none=True, required=True)
    group = fields.Nested(GroupRefSchema, allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    first_response_at = fields.DateTime(allow_none=True, required=True)
    resolved_at = fields.DateTime(allow_none=True, required=True)
    closed_at = fields.DateTime(allow_none=True, required=True)
    response_due_at = fields.DateTime(allow_none=True, required=True)
    resolve_due_at = fields.DateTime(allow_none=True, required=True)
    escalation_level = fields.Integer(required=True)
    escalated_at = fields.DateTime(allow_none=True, required=True)
    rating = fields.Integer(allow_none=True, required=True)
    rating_comment = fields.String(allow_none=True, required=True)
    rated_at = fields.DateTime(allow_none=True, required=True)
    version = fields.Integer(required=True, metadata={
        "description": "Bumped by every change; send it back in If-Match (also the ETag)."})


class RequestSchema(RequestSummarySchema):
    """A request with its conversation, its tasks (IT staff only) and the steps open now."""

    comments = fields.List(fields.Nested(CommentSchema), required=True)
    tasks = fields.List(fields.Nested(TaskSchema), required=True)
    transitions = fields.List(fields.Nested(NextStepSchema), required=True)


class RequestPageSchema(Schema):
    """One page of requests."""

    items = fields.List(fields.Nested(RequestSummarySchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "Requests in all pages."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class EventSchema(Schema):
    """One entry of a request's history."""

    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    actor = fields.Nested(PersonSchema, allow_none=True, required=True)
    changes = fields.Dict(required=True, metadata={"description": "field: [old, new]"})
    data = fields.Dict(required=True)
    public = fields.Boolean(required=True)
    task_id = fields.Integer(allow_none=True, required=True)
    comment = fields.Nested(CommentSchema, allow_none=True, required=True)


class EventListSchema(Schema):
    """A request's history, oldest first."""

    items = fields.List(fields.Nested(EventSchema), required=True)


# -- actions ------------------------------------------------------------------------------------


class AssignSchema(Schema):
    """Whom a request goes to (a person, a group, or both)."""

    assignee = fields.String(allow_none=True, validate=validate.Length(max=64),
                             metadata={"description": "User name of an IT staff member."})
    group = fields.String(allow_none=True, validate=validate.Length(max=120),
                          metadata={"description": "Name of an IT group."})
    reason = _text(2000)


class StepInputSchema(Schema):
    """A workflow step and the fields it takes, side by side."""

    class Meta:
        unknown = INCLUDE

    transition = _text(64, required=True, min_length=1)


class CommentInputSchema(Schema):
    """A reply, or (IT staff only) an internal note."""

    body = _text(TEXT_MAX, required=True, min_length=1)
    internal = fields.Boolean(load_default=False)


class TaskInputSchema(Schema):
    """A new task."""

    title = fields.String(required=True, metadata={"minLength": 1, "maxLength": 200})
    description = _text(TEXT_MAX)
    assignee = fields.String(allow_none=True, validate=validate.Length(max=64))
    group = fields.String(allow_none=True, validate=validate.Length(max=120))
    due_at = fields.AwareDateTime(allow_none=True, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(9000, 1, 1, tzinfo=UTC)))
    depends_on = fields.List(_id(), validate=validate.Length(max=50))


class TaskActionSchema(Schema):
    """What to do with a task."""

    action = fields.String(required=True, validate=validate.OneOf(list(TASK_ACTIONS)))
    note = _text(2000)


class ReasonSchema(Schema):
    """A reason people will read."""

    reason = _text(4000, required=True, min_length=1)


class CloseSchema(Schema):
    """Closing takes no fields."""


class RatingSchema(Schema):
    """The requester's rating of the service."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = _text(TEXT_MAX)
