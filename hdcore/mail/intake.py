"""Mail in: every message is stored first, then recognised and turned into a request or a reply.

:func:`store` writes the raw bytes (and the few headers that identify the message) in their
own transaction before anything else is read, so a crash afterwards loses nothing: the worker's
``mail_retry`` job processes whatever is still ``new``. :func:`process` decides, in one
transaction, what the message is: a loop (auto-reply, bounce, list, our own mail: ignored), a
flood, mail from nobody we know (held or rejected), a reply to a request (a public comment by
the sender) or a new request (its category by address, subject words or a default).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hdcore.errors import Conflict, HelpdeskError
from hdcore.i18n import _, use_locale
from hdcore.mail import routing
from hdcore.mail.ids import request_of
from hdcore.mail.loops import classify
from hdcore.mail.parse import MailFile, MalformedMail, ParsedMail, parse, peek, trim_quoted
from hdcore.models import (
    Comment,
    InboundMessage,
    MailStatus,
    ServiceRequest,
    User,
    utcnow,
)
from hdcore.services.access import can_view, works_on
from hdcore.services.attachments import Upload, allowed_extensions, max_bytes
from hdcore.services.base import host_of, service
from hdcore.services.conversation import COMMENT_MAX, add_comment
from hdcore.services.requests import DESCRIPTION_MAX, TITLE_MAX, submit_request

if TYPE_CHECKING:
    from hdcore.app import HelpDesk
    from hdcore.config import Settings

log = logging.getLogger("hdcore.mail")

#: The plugin whose settings hold the category routing.
PLUGIN = "mail"
#: Unexpected failures a message may cause before it is held for the administrator.
MAX_ATTEMPTS = 3
#: How long a stored message is left to the process that stored it before the retry job
#: takes it (so the two do not race for it).
RETRY_AFTER = timedelta(minutes=2)
SR_NUMBER = re.compile(r"\bSR-\d{4}-\d{6}\b", re.IGNORECASE)
_PREFIXES = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|回复|答复|回覆|转发|轉寄|转寄)\s*(\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


# -- storing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A stored message, and whether it had been delivered before (then nothing new was kept).

    ``request_number`` is the number of the request it opened or replied on, if any.
    """

    message: InboundMessage
    duplicate: bool
    request_number: str | None = None


def store(session: Session, raw: bytes, *, source: str, envelope_sender: str | None = None,
          envelope_recipients: Iterable[str] = ()) -> Stored:
    """Keep ``raw`` exactly as received, committed at once (before any parsing of its body).

    A message already stored (same sender and Message-ID) is not stored again: its delivery
    count goes up and the first copy is returned with ``duplicate`` set.
    """
    env = peek(raw)
    row = InboundMessage(
        source=source, raw=raw, size=len(raw), message_id=env.message_id, sender=env.sender,
        sender_name=env.sender_name, subject=env.subject,
        envelope_sender=envelope_sender.strip().strip("<>").strip().lower()[:254]
        if envelope_sender is not None else None,
        envelope_recipients=[r.strip().lower() for r in envelope_recipients if r.strip()],
        status=MailStatus.NEW.value, reason_detail={},
    )
    session.add(row)
    try:
        session.commit()
        return Stored(row, False)
    except IntegrityError:
        session.rollback()
    same = (InboundMessage.sender == env.sender, InboundMessage.message_id == env.message_id)
    session.execute(update(InboundMessage).where(*same)
                    .values(times_received=InboundMessage.times_received + 1))
    session.commit()
    first = session.scalars(select(InboundMessage).where(*same)).one()
    log.info("message %s from %s delivered again; kept once", env.message_id, env.sender)
    return Stored(first, True)


# -- processing -----------------------------------------------------------------------------


def process(session: Session, message_id: int) -> InboundMessage:
    """Decide what the stored message ``message_id`` is and act on it (once, whoever calls).

    Never raises for a bad message: a refusal by the services holds it with the reason; an
    unexpected error is counted and the message is retried, then held after
    :data:`MAX_ATTEMPTS`.
    """
    try:
        _process(session, message_id)
    except Conflict as exc:
        # another process took it meanwhile (then it is no longer new and nothing is
        # counted), or a clash worth another try later
        log.info("message %s: changed by someone else meanwhile", message_id)
        _record_failure(session, message_id, exc)
    except HelpdeskError as exc:
        _settle_apart(session, message_id, MailStatus.HELD, "refused", error=str(exc))
    except Exception as exc:
        log.exception("message %s could not be processed", message_id)
        _record_failure(session, message_id, exc)
    row = session.get(InboundMessage, message_id, populate_existing=True)
    assert row is not None
    return row


def _settle_apart(session: Session, message_id: int, status: MailStatus, reason: str,
                  **detail: Any) -> None:
    """Record an outcome in a transaction of its own (the processing one rolled back)."""
    session.rollback()
    row = session.get(InboundMessage, message_id, populate_existing=True)
    if row is None or row.status != MailStatus.NEW.value:
        return
    row.attempts += 1
    _settle(row, status, reason, **detail)
    session.commit()


def _record_failure(session: Session, message_id: int, exc: BaseException) -> None:
    session.rollback()
    row = session.get(InboundMessage, message_id, populate_existing=True)
    if row is None or row.status != MailStatus.NEW.value:
        return
    row.attempts += 1
    error = f"{type(exc).__name__}: {exc}"[:500]
    if row.attempts >= MAX_ATTEMPTS:
        _settle(row, MailStatus.HELD, "processing_failed", attempts=row.attempts, error=error)
    else:
        row.reason_detail = {**row.reason_detail, "last_error": error}
    session.commit()


def _settle(row: InboundMessage, status: MailStatus, reason: str | None = None,
            **detail: Any) -> None:
    row.status = status.value
    row.reason = reason
    row.reason_detail = {k: v for k, v in detail.items() if v not in (None, "", [])}
    row.processed_at = utcnow()


def _settings(session: Session) -> Settings:
    return session.info["settings"]


@service
def _process(session: Session, message_id: int) -> None:
    # Claim the row first: the UPDATE takes the row (PostgreSQL) or the database (SQLite) for
    # this transaction, so a second process gets nothing to do instead of a second request.
    claimed = session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message_id, InboundMessage.status == MailStatus.NEW.value)
        .values(attempts=InboundMessage.attempts + 1)
    ).rowcount
    if not claimed:
        return
    row = session.get(InboundMessage, message_id, populate_existing=True)
    assert row is not None
    settings = _settings(session)
    limit = settings.mail_max_mb * 1024 * 1024
    if row.size > limit:
        return _settle(row, MailStatus.REJECTED, "oversized", size=row.size, limit=limit)
    try:
        mail = parse(row.raw)
    except MalformedMail as exc:
        return _settle(row, MailStatus.REJECTED, "malformed", problem=exc.code,
                       detail=exc.detail)
    verdict = classify(mail, settings.secret_key, row.envelope_sender)
    if verdict is not None:
        return _settle(row, MailStatus.IGNORED, verdict.code, **verdict.detail)
    if _recent_from(session, row) >= settings.mail_sender_cap:
        return _settle(row, MailStatus.HELD, "flood", limit=settings.mail_sender_cap)

    users = people_with_address(session, mail.sender)
    if not users:
        status = MailStatus.REJECTED if settings.mail_unknown == "reject" else MailStatus.HELD
        rid = request_of(settings.secret_key, f"{mail.in_reply_to} {mail.references}")
        replied = session.get(ServiceRequest, rid) if rid is not None else None
        return _settle(row, status, "unknown_sender", sender=mail.sender,
                       reply_to=replied.number if replied is not None else None)
    if len(users) > 1:
        return _settle(row, MailStatus.HELD, "ambiguous_sender", sender=mail.sender,
                       count=len(users))
    user = users[0]
    target, how, mentioned = _thread(session, mail, user, settings.secret_key)
    if target is not None:
        return _reply(session, row, mail, user, target, how)
    return _open(session, row, mail, user, mentioned=mentioned)


def _recent_from(session: Session, row: InboundMessage) -> int:
    """Messages the same sender sent within the hour before this one (loops not counted)."""
    return session.scalar(
        select(func.count()).select_from(InboundMessage).where(
            InboundMessage.sender == row.sender,
            InboundMessage.id < row.id,
            InboundMessage.received_at >= row.received_at - timedelta(hours=1),
            InboundMessage.status != MailStatus.IGNORED.value,
        )
    ) or 0


def people_with_address(session: Session, address: str) -> list[User]:
    """The active accounts whose e-mail is ``address`` (any case)."""
    if not address:
        return []
    return list(session.scalars(
        select(User).where(func.lower(User.email) == address.lower(), User.is_active.is_(True))
        .order_by(User.id)))


def _thread(session: Session, mail: ParsedMail, user: User,
            secret: str) -> tuple[ServiceRequest | None, str, str | None]:
    """The request a reply belongs to, how it was found, and a number named but not trusted.

    Our signed Message-ID in In-Reply-To/References is proof enough; a request number in the
    subject only counts when the sender is already the requester or works on the request, so
    nobody can write onto someone else's request by typing its number.
    """
    rid = request_of(secret, mail.in_reply_to) or request_of(secret, mail.references)
    if rid is not None:
        req = session.get(ServiceRequest, rid)
        if req is not None:
            return req, "message_id", None
    mentioned = None
    for number in SR_NUMBER.findall(mail.subject):
        req = session.scalar(select(ServiceRequest).where(
            ServiceRequest.number == number.upper()))
        if req is not None and (req.requester_id == user.id or works_on(user, req)):
            return req, "subject", None
        mentioned = number.upper()
    return None, "", mentioned


def locale_for(user: User, mail: ParsedMail) -> str:
    """The language notes added to the text are written in: the person's, else the mail's."""
    if user.locale:
        return user.locale
    return "zh_Hans_CN" if _CJK.search(mail.subject + mail.text[:2000]) else "en"


@dataclass
class Content:
    """What a message contributes to a request: its text and the files that can be kept."""

    text: str
    uploads: list[Upload]
    skipped: list[dict[str, str]]


def content_of(session: Session, mail: ParsedMail, *, reply: bool, limit: int) -> Content:
    """The text (quoted history trimmed from replies) and the files, checked beforehand
    against the attachment settings so a file of a refused type or size is left out (and
    named) instead of refusing the whole message."""
    text = trim_quoted(mail.text) if reply else mail.text
    skipped = skipped_files(session, mail)
    uploads = [Upload(f.filename, io.BytesIO(f.data), f.content_type)
               for f in mail.files if not _refusal(session, f)]
    notes = []
    for s in skipped:
        why = {"type": _("files of this type are not accepted"),
               "size": _("larger than %(n)d MB") % {"n": max_bytes(session) // (1024 * 1024)},
               "empty": _("the file is empty")}[s["why"]]
        notes.append(str(_("Not attached: %(name)s (%(why)s).")) % {"name": s["name"],
                                                                    "why": str(why)})
    footer = "\n".join(notes)
    room = limit - len(footer) - 2
    if len(text) > room:
        cut = str(_("[cut here: the full message is kept with the e-mail]"))
        text = text[:max(room - len(cut) - 2, 0)].rstrip() + "\n\n" + cut
    return Content("\n\n".join(x for x in (text, footer) if x), uploads, skipped)


def skipped_files(session: Session, mail: ParsedMail) -> list[dict[str, str]]:
    """The files of ``mail`` that cannot be attached, with why (``type``, ``size``, ``empty``),
    by the attachment settings (``HELPDESK_ATTACHMENT_EXTENSIONS`` and ``_MAX_MB``)."""
    return [{"name": f.filename, "why": why} for f in mail.files
            if (why := _refusal(session, f))]


def _refusal(session: Session, f: MailFile) -> str:
    name = f.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed_extensions(session):
        return "type"
    if not f.data:
        return "empty"
    if len(f.data) > max_bytes(session):
        return "size"
    return ""


def title_of(subject: str, text: str, fallback: str) -> str:
    """A request title from the subject without Re:/Fw:/回复: prefixes (else the first line)."""
    title = " ".join(_PREFIXES.sub("", subject or "").split())
    if not title:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        title = first or fallback
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "…"


def _reply(session: Session, row: InboundMessage, mail: ParsedMail, user: User,
           req: ServiceRequest, how: str) -> None:
    if not can_view(user, req):
        return _settle(row, MailStatus.HELD, "not_allowed", number=req.number)
    wf = host_of(session).workflow(req.category)
    if wf.is_final(req.status) and not user.is_staff:
        # a closed request takes no more replies: the message opens a follow-up
        return _open(session, row, mail, user, follow_up=req)
    with use_locale(locale_for(user, mail)):
        content = content_of(session, mail, reply=True, limit=COMMENT_MAX)
        if not content.text.strip() and not content.uploads:
            return _settle(row, MailStatus.IGNORED, "empty", number=req.number)
        body = content.text.strip() or str(_("(files sent by e-mail)"))
    comment = add_comment(session, user, req.id, body, attachments=content.uploads)
    _link(row, req, "replied", comment)
    _settle(row, MailStatus.PROCESSED, None, by=how, skipped=content.skipped)


def _link(row: InboundMessage, req: ServiceRequest, action: str,
          comment: Comment | None = None) -> None:
    row.request_id = req.id
    row.action = action
    row.comment_id = comment.id if comment is not None else None


def _open(session: Session, row: InboundMessage, mail: ParsedMail, user: User, *,
          mentioned: str | None = None, follow_up: ServiceRequest | None = None) -> None:
    host = host_of(session)
    if follow_up is not None:
        route = routing.Route(follow_up.category, "follow_up", follow_up.number)
    else:
        config = host.plugin_settings(session, PLUGIN)
        route = routing.choose(config, {c.name for c in host.categories()},
                               [*row.envelope_recipients, *mail.recipients], mail.subject)
    if route is None:
        return _settle(row, MailStatus.HELD, "no_category", mentioned=mentioned)
    if not host.category_enabled(session, route.category):
        return _settle(row, MailStatus.HELD, "category_off", category=route.category)
    req = file_request(session, user, user, mail, route.category, follow_up=follow_up)
    _link(row, req, "opened")
    _settle(row, MailStatus.PROCESSED, None, category_by=route.by, rule=route.rule,
            mentioned=mentioned, follow_up=follow_up.number if follow_up else None,
            details_missing=_missing(session, req), skipped=skipped_files(session, mail))


def file_request(session: Session, actor: User, requester: User, mail: ParsedMail,
                 category: str, *, title: str | None = None,
                 follow_up: ServiceRequest | None = None) -> ServiceRequest:
    """File ``mail`` as a new request of ``requester`` (``actor`` is who files it: the sender
    themself, or the lead filing held mail), its category's details left to be completed."""
    spec = host_of(session).category(category)
    with use_locale(locale_for(requester, mail)):
        content = content_of(session, mail, reply=follow_up is not None,
                             limit=DESCRIPTION_MAX - 200)
        fallback = str(_("E-mail from %(sender)s")) % {"sender": mail.sender_name or mail.sender}
        text = content.text
        if follow_up is not None:
            text = str(_("Follow-up of %(number)s (closed), written by e-mail.")) % {
                "number": follow_up.number} + "\n\n" + text
    return submit_request(
        session, actor, category=category,
        title=title_of(title if title is not None else mail.subject, content.text, fallback),
        description=text, priority=spec.default_priority, channel="email",
        requester=requester if requester is not actor else None,
        attachments=content.uploads, incomplete_details=True,
    )


def _missing(session: Session, req: ServiceRequest) -> list[str]:
    from hdcore.models import Event

    data = session.scalar(select(Event.data).where(Event.request_id == req.id,
                                                   Event.kind == "created"))
    return list((data or {}).get("details_missing", []))


# -- entry points ---------------------------------------------------------------------------


def ingest(helpdesk: HelpDesk, raw: bytes, *, source: str, envelope_sender: str | None = None,
           envelope_recipients: Iterable[str] = ()) -> Stored:
    """Store ``raw``, then process it (the MTA pipe's one call).

    Raises only if the message could not be stored; a failure while processing is logged and
    left to the ``mail_retry`` job. A message delivered again is processed only if its first
    copy is still waiting (the earlier delivery stopped short).
    """
    with helpdesk.session_scope() as session:
        stored = store(session, raw, source=source, envelope_sender=envelope_sender,
                       envelope_recipients=envelope_recipients)
        row = stored.message
        if row.status == MailStatus.NEW.value:  # new, or an earlier delivery stopped short
            try:
                row = process(session, row.id)
            except Exception:  # stored is what matters to the sender; the worker retries
                log.exception("message %s stored; processing deferred", row.id)
                return stored
        number = row.request.number if row.request is not None else None
        return Stored(row, stored.duplicate, number)


def retry_pending(helpdesk: HelpDesk, now: Any, limit: int = 200) -> int:
    """Process messages still ``new`` a while after they were stored (a crash, a failure)."""
    with helpdesk.session_scope() as session:
        ids = list(session.scalars(
            select(InboundMessage.id)
            .where(InboundMessage.status == MailStatus.NEW.value,
                   InboundMessage.received_at < now - RETRY_AFTER)
            .order_by(InboundMessage.id).limit(limit)))
        for message_id in ids:
            process(session, message_id)
    return len(ids)
