"""Helpers the views of every area share: the history a user may see, paging, step forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hdcore import Comment, Event, ServiceRequest, Transition, User
from hdcore import services as svc
from hdcore.models import Attachment
from web.context import host
from web.schema_forms import FieldView, form_fields, parse_form

PAGE_SIZE = 25


@dataclass
class Page:
    """One page of a list."""

    items: list[Any]
    page: int
    pages: int
    total: int


def paginate(session: Session, query: Select[Any], page: int | None = None,
             size: int = PAGE_SIZE) -> Page:
    """Run ``query`` for one page (``?page=`` by default)."""
    page = max(1, page or request.args.get("page", 1, type=int) or 1)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(size).offset((page - 1) * size)))
    return Page(items, page, max(1, -(-total // size)), total)


def load_visible(session: Session, actor: User, number: str) -> ServiceRequest:
    """The request ``number`` if ``actor`` may see it, else 404."""
    req = svc.get_request(session, number)
    svc.require_view(actor, req)
    return req


def timeline(session: Session, req: ServiceRequest, *, internal: bool) -> list[dict[str, Any]]:
    """The request's history and conversation, oldest first; public entries only unless
    ``internal``."""
    events = session.scalars(select(Event).where(Event.request_id == req.id)
                             .order_by(Event.at, Event.id)).all()
    comments = {c.id: c for c in session.scalars(select(Comment).where(
        Comment.request_id == req.id))}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(
        {e.actor_id for e in events if e.actor_id} | {c.author_id for c in comments.values()})))}
    out = []
    for ev in events:
        if not internal and not ev.public:
            continue
        entry: dict[str, Any] = {"event": ev, "actor": users.get(ev.actor_id), "comment": None}
        if ev.kind == "comment":
            entry["comment"] = comments.get(ev.data.get("comment_id"))
        out.append(entry)
    return out


def step_forms(session: Session, req: ServiceRequest,
               transitions: list[Transition]) -> list[tuple[Transition, list[FieldView]]]:
    """Each available step with the inputs it requires."""
    return [(t, form_fields(t.schema, prefix=t.name, session=session) if t.schema else [])
            for t in transitions]


def step_data(t: Transition) -> dict[str, Any]:
    """The posted fields of step ``t`` (inputs named ``<step>.<field>``, unique on a page)."""
    return parse_form(t.schema, request.form, prefix=t.name + ".") if t.schema else {}


def transition_or_404(req: ServiceRequest, name: str) -> Transition:
    """The step ``name`` of the request's workflow, else 404."""
    t = host().workflow(req.category).transition(name)
    if t is None:
        abort(404)
    return t


def visible_attachments(session: Session, req: ServiceRequest, *,
                        internal: bool) -> list[Attachment]:
    """The request's files a viewer may download, newest first."""
    q = select(Attachment).where(Attachment.request_id == req.id)
    if not internal:
        q = q.where(Attachment.internal.is_(False))
    return list(session.scalars(q.order_by(Attachment.id.desc())))


def visible_comments(req: ServiceRequest, *, internal: bool) -> list[Comment]:
    """The request's comments a viewer may read."""
    return [c for c in req.comments if internal or not c.internal]
