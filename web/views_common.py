"""Helpers the views of every area share: the history a user may see, paging, step forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, request
from markupsafe import Markup
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hdcore import (
    Comment,
    Event,
    Group,
    HelpdeskError,
    ServiceRequest,
    Transition,
    User,
    ValidationFailed,
)
from hdcore import services as svc
from hdcore.models import Attachment
from web.context import host
from web.history import HistoryEntry, Names, describe
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


def timeline(session: Session, req: ServiceRequest, *, internal: bool) -> list[HistoryEntry]:
    """The request's history and conversation, oldest first, each entry worded for people;
    public entries only (and only the public data of other people's steps) unless
    ``internal``."""
    events = [ev for ev in session.scalars(select(Event).where(Event.request_id == req.id)
                                           .order_by(Event.at, Event.id))
              if internal or ev.public]
    comments = {c.id: c for c in session.scalars(select(Comment).where(
        Comment.request_id == req.id))}
    user_ids = {e.actor_id for e in events if e.actor_id} | {
        c.author_id for c in comments.values()}
    group_ids: set[int] = set()
    for ev in events:
        for key, ids in (("assignee_id", user_ids), ("group_id", group_ids)):
            pair = ev.changes.get(key)
            if isinstance(pair, list):
                ids.update(v for v in pair if isinstance(v, int))
            if isinstance(ev.data.get(key), int):
                ids.add(ev.data[key])
    # (no query at all for a list of nobody: most histories name no group)
    names = Names(
        users={u.id: u for u in session.scalars(
            select(User).where(User.id.in_(user_ids)))} if user_ids else {},
        groups={gid: name for gid, name in session.execute(
            select(Group.id, Group.name).where(Group.id.in_(group_ids)))} if group_ids else {},
        tasks={t.id: t for t in req.tasks},
    )
    out = []
    for ev in events:
        entry = HistoryEntry(ev, names.users.get(ev.actor_id) if ev.actor_id else None)
        if ev.kind == "comment":
            entry.comment = comments.get(ev.data.get("comment_id"))
        describe(entry, req, names, internal=internal)
        out.append(entry)
    return out


def new_summary_lines(summary: list[tuple[str, str]],
                      details: list[tuple[str, Any, str]]) -> list[tuple[str, str]]:
    """The plugin's summary lines that do not repeat a detail already shown."""
    shown = {(str(label), str(value)) for label, value, _widget in details}
    return [(str(label), str(value)) for label, value in summary
            if (str(label), str(value)) not in shown]


def flash_list(messages: Sequence[str], category: str = "error", intro: str = "") -> None:
    """One message box: a single message as it is, several as a list (each a whole sentence,
    never joined with punctuation that only suits one language)."""
    items = [str(m) for m in messages if m]
    if not items and not intro:
        return
    if len(items) == 1 and not intro:
        flash(items[0], category)
        return
    body = Markup("").join(Markup("<li>{}</li>").format(m) for m in items)
    head = Markup("<p>{}</p>").format(intro) if intro else Markup("")
    flash(head + (Markup('<ul class="flash-list">{}</ul>').format(body) if items else ""),
          category)


def flash_invalid(exc: ValidationFailed, category: str = "error") -> None:
    """Every reason of a refused input that no field on the page shows."""
    flash_list([m for msgs in exc.errors.values() for m in msgs], category)


def flash_refusal(exc: HelpdeskError) -> None:
    """A refused action: its message, and the reasons it carries as a list."""
    reasons = [str(r) for r in getattr(exc, "reasons", None) or []]
    if reasons:
        flash_list(reasons, "error", intro=str(getattr(exc, "message", "") or ""))
    else:
        flash_list([str(exc)])


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
