"""Writing notices down: an in-app notification per person and, if wanted, an outbox e-mail.

Runs inside the transaction of the change (from the ``hd_on_event`` hook), so the rows exist
exactly when the change does. Nothing here flushes: the service's own flush order and version
counting stay as they were.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import fresh
from hdcore.config import Settings
from hdcore.i18n import DEFAULT_LOCALE, LOCALES, use_locale
from hdcore.i18n import lazy_gettext as _
from hdcore.mail.ids import make_message_id
from hdcore.models import (
    Event,
    Group,
    Notification,
    NotificationPreference,
    OutboxMessage,
    Priority,
    ServiceRequest,
    User,
    utcnow,
)
from hdcore.notify.links import links_for
from hdcore.notify.render import render, when_in
from hdcore.notify.rules import Notice, current
from hdcore.services.base import host_of

log = logging.getLogger("hdcore.notify")

#: Every character that could end a header line (str.splitlines' set) or is a control.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]+")
SUBJECT_MAX = 400


#: Python's e-mail package decodes an RFC 2047 encoded word (``=?utf-8?q?...?=``) found in a
#: header value it is given, and writes what it decodes to, line breaks included, back out as
#: they are: typed into a title, ``=?utf-8?q?=0D=0ABcc:...?=`` would add a header. A word joiner
#: between ``=`` and ``?`` leaves the text as it looks and nothing to decode.
_ENCODED_WORD_START = "=?"
_DEFUSED = "=\u2060?"


def header_safe(value: str | None) -> str:
    """A value fit for one header line: line breaks, NUL and other controls become spaces, and
    nothing in it reads as an encoded word."""
    text = " ".join(_UNSAFE.sub(" ", value or "").split())
    return text.replace(_ENCODED_WORD_START, _DEFUSED)


def mail_domain(mail_from: str) -> str:
    """The domain of the sender address, for our Message-IDs (``helpdesk.local`` if none)."""
    _name, addr = parseaddr(header_safe(mail_from))
    domain = addr.rpartition("@")[2].strip().lower()
    return domain if re.fullmatch(r"[a-z0-9.-]+", domain or "") else "helpdesk.local"


def address_of(user: User) -> str | None:
    """The user's e-mail address if it is a usable one, else None (they get no mail)."""
    raw = header_safe(user.email)
    if not raw or raw.count("@") != 1:
        return None
    try:
        return Address(addr_spec=raw).addr_spec
    except Exception:  # the header parser raises several kinds on a malformed address
        return None


def wants_email(session: Session, user: User, kind: str) -> bool:
    """Whether ``user`` wants e-mail for ``kind`` (yes unless they switched it off)."""
    pref = session.get(NotificationPreference, (user.id, kind))
    return pref is None or pref.email


def thread_root(session: Session, request_id: int) -> str | None:
    """The Message-ID of the first e-mail about the request (written or still pending)."""
    for obj in session.new:  # rows of this transaction that are not flushed yet
        if isinstance(obj, OutboxMessage) and obj.request_id == request_id and obj.refs is None:
            return obj.message_id
    if fresh.is_fresh(session, request_id):
        # filed in this transaction: its first e-mail, if any, was written in it too
        return fresh.derived(session, request_id, "mail_root")  # type: ignore[no-any-return]
    return session.scalar(select(OutboxMessage.message_id)
                          .where(OutboxMessage.request_id == request_id)
                          .order_by(OutboxMessage.id).limit(1))


def _request_view(session: Session, req: ServiceRequest, when: Any) -> dict[str, Any]:
    host = host_of(session)
    try:
        category = str(host.category(req.category).label)
    except Exception:
        category = req.category
    try:
        status = str(host.workflow(req.category).state(req.status).label)
    except Exception:
        status = req.status
    try:
        priority = Priority(req.priority).label
    except ValueError:
        priority = req.priority
    assignee = current(session, req, "assignee", "assignee_id", User)
    group = current(session, req, "group", "group_id", Group)
    handler = assignee.full_name if assignee else (group.name if group else "")
    return {
        "number": req.number, "title": " ".join(req.title.split()),
        "description": req.description or "",
        "category": category, "status": status, "priority": priority,
        "requester": req.requester.full_name if req.requester else "", "handler": handler,
        "resolve_due": when(req.resolve_due_at),
    }


def _time(value: Any) -> datetime | None:
    """A time from an event's data (ISO text) or a datetime; None if neither."""
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)


#: The SLA's targets, named for people.
SLA_TARGETS = {"response": _("first response"), "resolution": _("resolution")}


def _context(session: Session, settings: Settings, req: ServiceRequest, notice: Notice,
             user: User, actor: User | None, locale: str) -> dict[str, Any]:
    when = when_in(user.timezone or "Asia/Shanghai", locale)
    task = notice.task
    extra = dict(notice.context)
    if extra.get("sla_target"):
        target = SLA_TARGETS.get(extra["sla_target"])
        extra["sla_target"] = str(target) if target is not None else str(extra["sla_target"])
    for key in ("sla_due", "auto_close_at"):
        extra[key] = when(_time(extra.get(key)))
    return {
        "description": "", "reason": "", "body": "", "question": "", "resolution": "",
        "rated": False, "level": "", "group": notice.params.get("group", ""),
        "sla_target": "", "sla_due": "", "auto_close_at": "",
        **extra,
        "req": _request_view(session, req, when),
        "recipient": {"id": user.id, "name": user.full_name},
        "actor": {"id": actor.id if actor else None, "name": actor.full_name if actor else ""},
        "links": links_for(settings.base_url, req, user, task),
        "task": {"title": task.title, "description": task.description or "",
                 "due": when(task.due_at)} if task is not None else {},
        "when": when,
    }


def locale_of(user: User) -> str:
    """The language a user reads mail in: their own setting, else the desk's default."""
    return user.locale if user.locale in LOCALES else DEFAULT_LOCALE


def deliver(session: Session, req: ServiceRequest, event: Event, notice: Notice) -> None:
    """Write the notice for each recipient (never its actor, except a receipt by e-mail)."""
    settings: Settings | None = session.info.get("settings")
    actor = session.get(User, event.actor_id) if event.actor_id else None
    seen: set[int] = set()
    for user in notice.recipients:
        if user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        is_actor = actor is not None and user.id == actor.id
        if is_actor and not notice.acknowledge:
            continue
        note = None
        if not is_actor:
            note = Notification(user=user, request=req, task_id=notice.task.id if notice.task
                                else None, kind=notice.kind, params=dict(notice.params),
                                created_at=utcnow())
            session.add(note)
        if settings is not None and wants_email(session, user, notice.kind):
            _queue_mail(session, settings, req, notice, user, actor, note)


def _queue_mail(session: Session, settings: Settings, req: ServiceRequest, notice: Notice,
                user: User, actor: User | None, note: Notification | None) -> None:
    address = address_of(user)
    if address is None:
        if user.email:
            log.warning("no mail to %s: unusable address %r", user.username, user.email)
        return
    locale = locale_of(user)
    with use_locale(locale):  # the labels in the context are translated as they are read
        context = _context(session, settings, req, notice, user, actor, locale)
    rendered = render(notice.kind, context, locale)
    root = thread_root(session, req.id)
    subject = header_safe(f"[{req.number}] {rendered.subject}")[:SUBJECT_MAX]
    now = utcnow()
    message_id = make_message_id(settings.secret_key, req.id, mail_domain(settings.mail_from))
    session.add(OutboxMessage(
        notification=note, request_id=req.id, user_id=user.id, kind=notice.kind,
        recipient=address, recipient_name=header_safe(user.full_name)[:120], subject=subject,
        body_text=rendered.text, body_html=rendered.html, message_id=message_id,
        in_reply_to=root, refs=root, status="pending", attempts=0, next_attempt_at=now,
        created_at=now,
    ))
    if root is None:  # the thread's first e-mail
        fresh.keep(session, req.id, "mail_root", message_id)
