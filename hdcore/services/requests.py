"""Filing and editing service requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from hdcore import fresh, signals
from hdcore.errors import CategoryDisabled, NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Channel, Priority, ServiceRequest, User, utcnow
from hdcore.services.access import require_staff, require_view, works_on
from hdcore.services.attachments import Upload, add_attachment
from hdcore.services.base import (
    check_version,
    get_request,
    get_user,
    host_of,
    load,
    record,
    service,
    to_json,
)
from hdcore.services.numbering import next_request_number

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000


def _check_common(title: Any, description: Any, priority: Any,
                  errors: dict[str, list[str]]) -> None:
    if not isinstance(title, str) or not title.strip():
        errors["title"] = [str(_("A short title is required."))]
    elif len(title) > TITLE_MAX:
        errors["title"] = [str(_("At most %(n)d characters.")) % {"n": TITLE_MAX}]
    if description is not None and (
        not isinstance(description, str) or len(description) > DESCRIPTION_MAX
    ):
        errors["description"] = [str(_("At most %(n)d characters.")) % {"n": DESCRIPTION_MAX}]
    if priority not in {p.value for p in Priority}:
        errors["priority"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Priority)}]


@service
def submit_request(
    session: Session,
    actor: User,
    *,
    category: str,
    title: str,
    description: str = "",
    priority: str = Priority.NORMAL.value,
    details: dict[str, Any] | None = None,
    channel: str = Channel.WEB.value,
    requester: int | str | User | None = None,
    attachments: Sequence[Upload] = (),
    incomplete_details: bool = False,
) -> ServiceRequest:
    """File a new request; a member of IT staff may file it on ``requester``'s behalf.

    ``attachments`` are stored in the same transaction: a bad file refuses the whole request.
    ``incomplete_details`` is for channels that cannot ask for the category's fields (mail):
    details that do not validate are left empty and the fields missing are listed in the
    ``created`` event's ``details_missing``, to be completed by editing the request.

    Validates every field at once (title, priority, channel, the category's details) and
    raises one :class:`ValidationFailed` naming them all; a disabled category is refused with
    :class:`CategoryDisabled`.
    """
    host = host_of(session)
    if not actor.is_active:
        raise PermissionDenied("inactive account")
    errors: dict[str, list[str]] = {}
    try:
        spec = host.category(category)
    except NotFound:
        raise ValidationFailed({"category": [str(_("Unknown service category."))]}) from None
    if not host.category_enabled(session, category):
        raise CategoryDisabled(
            str(_("The service category %(c)s is switched off; new requests cannot be filed."))
            % {"c": str(spec.label)}
        )
    _check_common(title, description, priority, errors)
    if channel not in {c.value for c in Channel}:
        errors["channel"] = [str(_("Choose one of: %(c)s.")) % {"c": ", ".join(Channel)}]

    on_behalf = requester is not None and requester not in (actor, actor.id, actor.username)
    if on_behalf:
        require_staff(actor)
        try:
            person = get_user(session, requester, "requester")
        except ValidationFailed as exc:
            errors.update(exc.errors)
            person = None
    else:
        person = actor

    schema = host.request_schema(category)
    loaded, detail_errors = load(schema, details, prefix="details")
    missing: list[str] = []
    if incomplete_details and detail_errors:
        missing = sorted({key.split(".")[1] if "." in key else "_schema"
                          for key in detail_errors})
        loaded, detail_errors = {}, {}
    errors.update(detail_errors)
    if errors:
        raise ValidationFailed(errors)
    assert person is not None

    req = ServiceRequest(
        number=next_request_number(session),
        category=category,
        title=title.strip(),
        description=(description or "").strip(),
        priority=priority,
        channel=channel,
        status="new",
        details={} if missing else to_json(schema, loaded),
        requester=person,
        entered_by=actor,
        # known to be empty: the plugins reading them while the request is filed (search,
        # notifications) need not ask the database
        comments=[],
        tasks=[],
    )
    session.add(req)
    session.flush()
    fresh.mark_filed(session, req)
    record(session, req, actor, "created", data={
        "category": category, "channel": channel, "priority": priority,
        "on_behalf": on_behalf, **({"details_missing": missing} if missing else {}),
    })
    for upload in attachments:
        add_attachment(session, actor, req.id, filename=upload.filename, stream=upload.stream,
                       content_type=upload.content_type)
    suggestion = host.suggest_route(session, req)
    if suggestion is not None:
        record(session, req, None, "route_suggested", data={
            "group": suggestion.group, "assignee": suggestion.assignee,
            "reason": str(suggestion.reason),
        }, public=False)
    signals.emit(session, signals.request_created, "submit_request", request_id=req.id,
                 number=req.number, category=category, requester_id=person.id, channel=channel)
    # Automatic assignment, in this transaction (imported here: routing uses the services).
    from hdcore.routing import route_new_request

    route_new_request(session, req, suggestion)
    return req


EDITABLE = ("title", "description", "priority", "details")


@service
def update_request(
    session: Session,
    actor: User,
    request_id: int | str,
    *,
    expected_version: int | None,
    **changes: Any,
) -> ServiceRequest:
    """Edit a request's title, description, priority or details (optimistic locking).

    The requester may edit while nobody works on it yet; IT staff who work on it at any time
    before it is final. ``expected_version`` is the version the user saw: a stale one raises
    :class:`~hdcore.errors.Conflict`.
    """
    req = get_request(session, request_id)
    require_view(actor, req)
    host = host_of(session)
    wf = host.workflow(req.category)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed({f: [str(_("This field cannot be changed."))] for f in unknown})
    if wf.is_final(req.status):
        raise PermissionDenied(str(_("A closed request cannot be edited.")))
    is_requester_editing = req.requester_id == actor.id and req.status == "new"
    if not (works_on(actor, req) or is_requester_editing):
        raise PermissionDenied(str(_("You cannot edit this request now.")))
    check_version(req, expected_version)

    errors: dict[str, list[str]] = {}
    _check_common(
        changes.get("title", req.title), changes.get("description", req.description),
        changes.get("priority", req.priority), errors,
    )
    new_details = req.details
    if "details" in changes:
        schema = host.request_schema(req.category)
        loaded, detail_errors = load(schema, changes["details"], prefix="details")
        errors.update(detail_errors)
        if not detail_errors:
            new_details = to_json(schema, loaded)
    errors = {k: v for k, v in errors.items() if k in changes or k.startswith("details")}
    if errors:
        raise ValidationFailed(errors)

    diff: dict[str, list[Any]] = {}
    for field in ("title", "description", "priority"):
        if field in changes:
            value = changes[field].strip() if field != "priority" else changes[field]
            if value != getattr(req, field):
                diff[field] = [getattr(req, field), value]
                setattr(req, field, value)
    if new_details != req.details:
        diff["details"] = [req.details, new_details]
        req.details = new_details
    if diff:
        req.updated_at = utcnow()
        record(session, req, actor, "updated", diff)
    return req
