"""Read-only views of the incoming mail: the lists by status and one message taken apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from hdcore.mail.intake import people_with_address
from hdcore.mail.parse import MalformedMail, ParsedMail, parse
from hdcore.mail.reasons import category_by_text, reason_text
from hdcore.models import InboundMessage, MailStatus, User

#: The lists of the mail page, in the order of the lead's work.
TABS = ("held", "rejected", "ignored", "processed")
#: Headers shown at the top of a message (the rest are listed below them).
MAIN_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To",
                "Auto-Submitted", "Precedence", "List-Id", "Return-Path")


def mail_counts(session: Session) -> dict[str, int]:
    """How many messages each list holds (``new`` ones too, still being processed)."""
    rows = session.execute(select(InboundMessage.status, func.count())
                           .group_by(InboundMessage.status))
    counts = {s.value: 0 for s in MailStatus}
    counts.update({status: n for status, n in rows})
    return counts


def mail_query(tab: str) -> Select[tuple[InboundMessage]]:
    """The messages of one list, newest first (``held`` also shows those not processed yet)."""
    statuses = [tab, MailStatus.NEW.value] if tab == MailStatus.HELD.value else [tab]
    return (select(InboundMessage).where(InboundMessage.status.in_(statuses))
            .options(selectinload(InboundMessage.request))
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()))


@dataclass
class MessageView:
    """One stored message as the triage page shows it."""

    message: InboundMessage
    reason: str
    category_by: str
    parsed: ParsedMail | None
    unreadable: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    other_headers: list[tuple[str, str]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    #: The active accounts with the sender's address (the likely requester).
    senders: list[User] = field(default_factory=list)


def message_view(session: Session, message: InboundMessage) -> MessageView:
    """``message`` decoded for reading: headers, text, sanitised HTML, files, the reason."""
    try:
        parsed: ParsedMail | None = parse(message.raw)
        unreadable = ""
    except MalformedMail as exc:
        parsed, unreadable = None, reason_text("malformed", {"problem": exc.code,
                                                             "detail": exc.detail})
    view = MessageView(message, reason_text(message.reason, message.reason_detail),
                       category_by_text(message.reason_detail.get("category_by")), parsed,
                       unreadable, senders=people_with_address(session, message.sender))
    if parsed is not None:
        wanted = {h.lower() for h in MAIN_HEADERS}
        view.headers = [(k, v) for k, v in parsed.headers if k.lower() in wanted]
        view.other_headers = [(k, v) for k, v in parsed.headers if k.lower() not in wanted]
        view.files = [{"name": f.filename, "type": f.content_type, "size": len(f.data)}
                      for f in parsed.files]
    return view
