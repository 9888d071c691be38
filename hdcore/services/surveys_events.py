"""What surveys do on a request's events: invite on closing, alert the leads of a low score."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from hdcore.models import Role, SurveyResponse, User, utcnow
from hdcore.notify import kinds
from hdcore.notify.compose import deliver
from hdcore.notify.rules import Notice, excerpt
from hdcore.services.base import host_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hdcore.models import Event, ServiceRequest

PLUGIN = "analytics"


def survey_settings(session: Session) -> dict[str, Any]:
    """The closing survey's settings (defaults overlaid with the administrator's)."""
    return host_of(session).plugin_settings(session, PLUGIN)


def on_request_event(session: Session, req: ServiceRequest, event: Event) -> None:
    """React to one history row of ``req`` (inside its transaction)."""
    if event.kind == "transition":
        pair = (event.changes or {}).get("status")
        transition = (event.data or {}).get("transition")
        if pair and pair[1] == "closed" and pair[0] != "closed":
            _invite(session, req, auto=transition == "auto_close")
    elif event.kind == "rated":
        _note_rating(session, req)
        _maybe_alert(session, req, event)


def _invite(session: Session, req: ServiceRequest, *, auto: bool) -> None:
    """Open the requester's survey of the request (once), unless it closed for no answer."""
    if auto and not survey_settings(session).get("survey_auto_closed"):
        return
    with session.no_autoflush:
        existing = session.scalar(select(SurveyResponse.id)
                                  .where(SurveyResponse.request_id == req.id))
    if existing is not None:
        return
    response = SurveyResponse(request_id=req.id, user_id=req.requester_id, score=req.rating,
                              created_at=utcnow())
    if req.rating is not None and not _has_questions(session, req.category):
        response.answered_at = utcnow()  # rated already, nothing more to ask
    session.add(response)


def _has_questions(session: Session, category: str) -> bool:
    from hdcore.services.surveys import category_questions

    with session.no_autoflush:
        return bool(category_questions(session, category))


def _note_rating(session: Session, req: ServiceRequest) -> None:
    """A rating given on the request's page answers the survey when it asks nothing more."""
    with session.no_autoflush:
        response = session.scalar(select(SurveyResponse)
                                  .where(SurveyResponse.request_id == req.id))
    if response is None or response.answered_at is not None:
        return
    response.score = req.rating
    if not _has_questions(session, req.category):
        response.answered_at = utcnow()


def _maybe_alert(session: Session, req: ServiceRequest, event: Event) -> None:
    pair = (event.changes or {}).get("rating") or [None, None]
    score = pair[1]
    threshold = int(survey_settings(session).get("low_score") or 2)
    if not isinstance(score, int) or score > threshold:
        return
    with session.no_autoflush:
        leads = list(session.scalars(select(User).where(User.role == Role.LEAD.value,
                                                        User.is_active.is_(True))
                                     .order_by(User.id)))
    comment = str((event.data or {}).get("comment") or "")
    base = {"number": req.number, "title": excerpt(req.title, 200)}
    actor = session.get(User, event.actor_id) if event.actor_id else None
    notice = Notice(kinds.LOW_RATING, leads,
                    {**base, "actor": actor.full_name if actor else "", "score": score,
                     "excerpt": excerpt(comment)},
                    {"score": score, "body": comment})
    with session.no_autoflush:
        deliver(session, req, event, notice)
