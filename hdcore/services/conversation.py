"""Talking through a request: comments (public replies or internal notes), escalation, rating."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from hdcore import signals
from hdcore.errors import Conflict, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Comment, ServiceRequest, User, utcnow
from hdcore.services.access import require_view, works_on
from hdcore.services.attachments import Upload, add_attachment
from hdcore.services.base import get_request, host_of, record, service
from hdcore.services.workflow import target_of
from hdcore.workflow import StateKind

COMMENT_MAX = 20_000


@service
def add_comment(
    session: Session, actor: User, request_id: int | str, body: str, *, internal: bool = False,
    attachments: Sequence[Upload] = (),
) -> Comment:
    """Add a public reply or (IT staff only) an internal note to a request, with files.

    A requester's reply to a request waiting for them puts it back to work.
    """
    req = get_request(session, request_id)
    require_view(actor, req)
    if internal and not actor.is_staff:
        raise PermissionDenied(str(_("Only IT staff can write internal notes.")))
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed({"body": [str(_("Write a message."))]})
    if len(body) > COMMENT_MAX:
        raise ValidationFailed({"body": [str(_("At most %(n)d characters.")) % {"n": COMMENT_MAX}]})
    wf = host_of(session).workflow(req.category)
    if wf.is_final(req.status) and not actor.is_staff:
        raise TransitionRefused(str(_("The request is closed; open a new one instead.")))

    comment = Comment(request=req, author=actor, body=body.strip(), internal=internal)
    session.add(comment)
    now = utcnow()
    req.updated_at = now
    if (not internal and actor.is_staff and actor.id != req.requester_id
            and req.first_response_at is None):
        req.first_response_at = now
    session.flush()
    for upload in attachments:
        add_attachment(session, actor, req.id, filename=upload.filename, stream=upload.stream,
                       content_type=upload.content_type, internal=internal, comment=comment)
    record(session, req, actor, "comment", data={"comment_id": comment.id, "internal": internal},
           public=not internal)
    if (req.requester_id == actor.id and wf.kind(req.status) is StateKind.WAITING
            and req.status == "waiting_requester" and "resume" in wf.transitions):
        old = req.status
        req.status = target_of(session, req, wf.transitions["resume"])
        record(session, req, actor, "transition", {"status": [old, req.status]},
               {"transition": "resume", "automatic": True})
        signals.emit(session, signals.request_status_changed, "add_comment", request_id=req.id,
                     category=req.category, transition="resume", old_status=old,
                     new_status=req.status, actor_id=actor.id)
    signals.emit(session, signals.comment_added, "add_comment", request_id=req.id,
                 comment_id=comment.id, internal=internal, author_id=actor.id)
    return comment


@service
def escalate(session: Session, actor: User, request_id: int | str, reason: str) -> ServiceRequest:
    """Raise a request's escalation level and tell the managers (requester or IT staff on it)."""
    req = get_request(session, request_id)
    require_view(actor, req)
    if not (req.requester_id == actor.id or works_on(actor, req)):
        raise PermissionDenied(str(_("Only the requester or the technicians on it can escalate.")))
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed({"reason": [str(_("Say why the request needs escalating."))]})
    kind = host_of(session).workflow(req.category).kind(req.status)
    if kind in (StateKind.FINAL, StateKind.RESOLVED):
        raise TransitionRefused(str(_("Only open requests can be escalated.")))
    old = req.escalation_level
    req.escalation_level = old + 1
    req.escalated_at = utcnow()
    record(session, req, actor, "escalated", {"escalation_level": [old, req.escalation_level]},
           {"reason": reason.strip()})
    signals.emit(session, signals.request_escalated, "escalate", request_id=req.id,
                 level=req.escalation_level, reason=reason.strip(), actor_id=actor.id)
    return req


@service
def rate(session: Session, actor: User, request_id: int | str, score: int,
         comment: str = "") -> ServiceRequest:
    """The requester rates the service (1 to 5) once the request is resolved or closed."""
    req = get_request(session, request_id)
    require_view(actor, req)
    if req.requester_id != actor.id:
        raise PermissionDenied(str(_("Only the requester can rate the service.")))
    kind = host_of(session).workflow(req.category).kind(req.status)
    if req.status == "cancelled" or kind not in (StateKind.RESOLVED, StateKind.FINAL):
        raise TransitionRefused(str(_("A request can be rated once it is resolved.")))
    errors = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = [str(_("Give a score from 1 to 5."))]
    if comment and len(comment) > COMMENT_MAX:
        errors["comment"] = [str(_("At most %(n)d characters.")) % {"n": COMMENT_MAX}]
    if errors:
        raise ValidationFailed(errors)
    if req.rating is not None:
        raise Conflict(str(_("This request has already been rated.")))
    req.rating = score
    req.rating_comment = (comment or "").strip() or None
    req.rated_at = utcnow()
    record(session, req, actor, "rated", {"rating": [None, score]},
           {"comment": req.rating_comment} if req.rating_comment else {})
    signals.emit(session, signals.request_rated, "rate", request_id=req.id, score=score,
                 actor_id=actor.id)
    return req
