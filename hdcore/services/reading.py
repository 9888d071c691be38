"""What a user may read of requests: filtered pages of them, one with its conversation and tasks,
and its history (internal entries for IT staff only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from hdcore.errors import ValidationFailed
from hdcore.i18n import _
from hdcore.models import Comment, Event, ServiceRequest, Task, User
from hdcore.services.access import require_view, visible_requests
from hdcore.services.base import get_request, host_of
from hdcore.services.workflow import available_transitions
from hdcore.workflow import Transition

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
TEXT_MAX = 200


@dataclass(frozen=True)
class RequestPage:
    """One page of a list of requests, and how many there are in all."""

    items: list[ServiceRequest]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the whole list makes (at least one)."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class RequestView:
    """A request as one user may see it: the comments, tasks and next steps meant for them."""

    request: ServiceRequest
    comments: list[Comment] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a request's history, with the comment it records (if any)."""

    event: Event
    comment: Comment | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _person(session: Session, username: str | User, field_name: str,
            errors: dict[str, list[str]]) -> User | None:
    if isinstance(username, User):
        return username
    found = session.scalar(select(User).where(User.username == username.strip().lower()))
    if found is None:
        errors[field_name] = [str(_("Unknown user."))]
    return found


def find_requests(
    session: Session,
    actor: User,
    *,
    status: Sequence[str] = (),
    category: str | None = None,
    assignee: str | User | None = None,
    requester: str | User | None = None,
    text: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> RequestPage:
    """The requests ``actor`` may see, newest first, filtered and cut into pages.

    ``text`` finds requests whose number or title contains it (case-insensitive);
    ``assignee`` and ``requester`` are users or user names. Every bad filter is named in one
    :class:`ValidationFailed`.
    """
    host = host_of(session)
    errors: dict[str, list[str]] = {}
    known_states = {s for c in host.categories() for s in host.workflow(c.name).states}
    unknown = [s for s in status if s not in known_states]
    if unknown:
        errors["status"] = [str(_("Unknown status: %(s)s.")) % {"s": ", ".join(unknown)}]
    if category is not None and category not in {c.name for c in host.categories()}:
        errors["category"] = [str(_("Unknown service category."))]
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        errors["page"] = [str(_("Give a page number from 1 to %(n)d.")) % {"n": MAX_PAGE}]
    if (isinstance(per_page, bool) or not isinstance(per_page, int)
            or not 1 <= per_page <= MAX_PER_PAGE):
        errors["per_page"] = [str(_("Give a page size from 1 to %(n)d.")) % {"n": MAX_PER_PAGE}]
    if text is not None and len(text) > TEXT_MAX:
        errors["q"] = [str(_("At most %(n)d characters.")) % {"n": TEXT_MAX}]
    who_assigned = _person(session, assignee, "assignee", errors) if assignee else None
    who_asked = _person(session, requester, "requester", errors) if requester else None
    if errors:
        raise ValidationFailed(errors)

    query = visible_requests(actor)
    if status:
        query = query.where(ServiceRequest.status.in_(list(status)))
    if category is not None:
        query = query.where(ServiceRequest.category == category)
    if who_assigned is not None:
        query = query.where(ServiceRequest.assignee_id == who_assigned.id)
    if who_asked is not None:
        query = query.where(ServiceRequest.requester_id == who_asked.id)
    if text and text.strip():
        pattern = f"%{_escape_like(text.strip().lower())}%"
        query = query.where(or_(
            func.lower(ServiceRequest.number).like(pattern, escape="\\"),
            func.lower(ServiceRequest.title).like(pattern, escape="\\"),
        ))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = session.scalars(
        query.options(selectinload(ServiceRequest.requester),
                      selectinload(ServiceRequest.entered_by),
                      selectinload(ServiceRequest.assignee), selectinload(ServiceRequest.group))
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return RequestPage(list(items), total or 0, page, per_page)


def request_view(session: Session, actor: User, request_id: int | str) -> RequestView:
    """The request if ``actor`` may see it (else NotFound), with what they may read of it.

    Internal notes and tasks are IT staff's; others get the public comments only.
    """
    req = get_request(session, request_id)
    require_view(actor, req)
    staff = actor.is_staff
    return RequestView(
        request=req,
        comments=[c for c in req.comments if staff or not c.internal],
        tasks=list(req.tasks) if staff else [],
        transitions=available_transitions(session, actor, req),
    )


def request_history(session: Session, actor: User, request_id: int | str) -> list[HistoryEntry]:
    """The request's history, oldest first; only its public entries for people outside IT."""
    req = get_request(session, request_id)
    require_view(actor, req)
    query = select(Event).where(Event.request_id == req.id)
    if not actor.is_staff:
        query = query.where(Event.public.is_(True))
    events = session.scalars(query.options(selectinload(Event.actor))
                             .order_by(Event.at, Event.id)).all()
    comments = {c.id: c for c in req.comments if actor.is_staff or not c.internal}
    return [
        HistoryEntry(ev, comments.get(ev.data.get("comment_id")) if ev.kind == "comment"
                     else None)
        for ev in events
    ]
