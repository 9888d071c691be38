"""Sending the outbox through SMTP: claim due messages, send, mark sent or retry with backoff.

Several workers may run at once: a message is claimed before it is sent (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, an atomic ``UPDATE ... WHERE status = 'pending'`` on SQLite) and the
claim lasts :data:`LEASE`; a message left ``sending`` past it (its worker died) is due again.
Its Message-ID was fixed when it was written, so a message sent again after such a crash is
recognisably the same message to every mail client.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hdcore import clock
from hdcore.config import Settings
from hdcore.models import OutboxMessage, OutboxStatus
from hdcore.notify.compose import header_safe

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

log = logging.getLogger("hdcore.notify.sender")

#: How long a worker may take over the messages it claimed before others may take them.
LEASE = timedelta(minutes=10)
#: A worker starts no message this close to the end of its claim (one message's SMTP dialogue
#: takes at most a few timeouts), so a message is never sent by two workers at once.
LEASE_MARGIN = timedelta(minutes=3)
#: Messages claimed at a time.
BATCH = 25
#: The longest wait between two attempts.
BACKOFF_CAP = timedelta(hours=1)
SMTP_TIMEOUT = 30
ERROR_MAX = 1000

#: Errors that say nothing about the message, only that the server cannot be reached or used
#: now: the other messages of the batch would fail alike.
_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                      smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError,
                      smtplib.SMTPNotSupportedError)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4, 8 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def build_message(row: OutboxMessage, settings: Settings) -> EmailMessage:
    """The e-mail of an outbox row; every header value stripped of line breaks and NUL."""
    msg = EmailMessage(policy=default_policy)
    msg["From"] = header_safe(settings.mail_from)
    msg["To"] = Address(display_name=header_safe(row.recipient_name),
                        addr_spec=header_safe(row.recipient))
    msg["Subject"] = header_safe(row.subject)
    msg["Date"] = format_datetime(row.created_at)
    msg["Message-ID"] = header_safe(row.message_id)
    if row.in_reply_to:
        msg["In-Reply-To"] = header_safe(row.in_reply_to)
    if row.refs:
        msg["References"] = header_safe(row.refs)
    # RFC 3834: machine-made; Outlook's own header asks it not to answer with an out-of-office.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(row.body_text)
    msg.add_alternative(row.body_html, subtype="html")
    return msg


def envelope_sender(settings: Settings) -> str:
    """The address in ``MAIL FROM``: the sender's, where bounces come back."""
    return parseaddr(header_safe(settings.mail_from))[1]


# -- claiming ----------------------------------------------------------------------------------


def release_stale(session: Session, now: datetime) -> int:
    """Put messages whose claim expired (their worker died) back in the queue; how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING.value,
               OutboxMessage.claimed_until < now)
        .values(status=OutboxStatus.PENDING.value, claimed_until=None)
    )
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _due(now: datetime, limit: int):  # type: ignore[no-untyped-def]
    return (select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.PENDING.value,
                   OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit))


def claim(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Claim up to ``limit`` due messages for this worker; their ids (claimed, committed)."""
    claimed_until = now + LEASE
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(_due(now, limit).with_for_update(skip_locked=True)))
        if ids:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                            .values(status=OutboxStatus.SENDING.value,
                                    claimed_until=claimed_until))
        session.commit()
        return ids
    # SQLite has no row locks: read the candidates, then take each with an UPDATE that only
    # succeeds while it is still pending (another worker may have taken it meanwhile).
    candidates = list(session.scalars(_due(now, limit)))
    session.commit()
    ids = []
    for message_id in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id,
                   OutboxMessage.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.SENDING.value, claimed_until=claimed_until)
        )
        session.commit()
        if result.rowcount == 1:  # type: ignore[attr-defined]
            ids.append(message_id)
    return ids


def release(session: Session, ids: list[int], claimed_until: datetime) -> None:
    """Give messages this worker claimed (until ``claimed_until``) back, untried.

    A message whose claim has since passed to another worker keeps that worker's claim.
    """
    if ids:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_(ids),
                               OutboxMessage.status == OutboxStatus.SENDING.value,
                               OutboxMessage.claimed_until == claimed_until)
                        .values(status=OutboxStatus.PENDING.value, claimed_until=None))
    session.commit()


# -- outcomes ----------------------------------------------------------------------------------


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    """Record a delivery."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING.value)
        .values(status=OutboxStatus.SENT.value, sent_at=now, claimed_until=None,
                attempts=OutboxMessage.attempts + 1, last_error=None)
    )
    session.commit()


def mark_failed(session: Session, message_id: int, now: datetime, error: str, *,
                max_attempts: int, permanent: bool = False) -> str:
    """Record a failed attempt: retry later with backoff, or dead after the last attempt (or
    at once for a ``permanent`` refusal). The new status."""
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    if row is None or row.status != OutboxStatus.SENDING.value:
        session.rollback()
        return row.status if row is not None else ""
    row.attempts += 1
    row.last_error = error[:ERROR_MAX]
    row.claimed_until = None
    if permanent or row.attempts >= max_attempts:
        row.status = OutboxStatus.DEAD.value
    else:
        row.status = OutboxStatus.PENDING.value
        row.next_attempt_at = now + backoff(row.attempts)
    status = row.status
    session.commit()
    if status == OutboxStatus.DEAD.value:
        log.error("message %s to %s is dead after %d attempts: %s", row.message_id,
                  row.recipient, row.attempts, error)
    return status


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _permanent(exc: BaseException) -> bool:
    """A refusal that will not change by trying again (5xx for this recipient or message)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _ends_connection(exc: BaseException) -> bool:
    """Whether ``exc`` concerns the connection rather than this one message."""
    if isinstance(exc, _CONNECTION_ERRORS):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        # 421: the server is closing the connection (shutting down, overloaded).
        return exc.smtp_code == 421
    # smtplib's errors are OSErrors too; any other one is the network (refused, timed out).
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


# -- the SMTP connection -----------------------------------------------------------------------


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """A connection to the configured server, secured and signed in as the settings say."""
    conn = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        conn.ehlo_or_helo_if_needed()
        if settings.smtp_starttls:
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if settings.smtp_user:
            conn.login(settings.smtp_user, settings.smtp_password)
        yield conn
    finally:
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()


# -- the job -----------------------------------------------------------------------------------


def send_outbox(helpdesk: HelpDesk, now: datetime | None = None) -> int:
    """Send every due message (the worker's ``outbox`` job); how many were delivered.

    Stops at the first error that concerns the server rather than one message (it is down,
    refuses our login): the messages claimed with it are rescheduled, and the next run tries
    again. Without an SMTP server configured, messages wait in the outbox.
    """
    settings = helpdesk.settings
    if not settings.smtp_host:
        return 0
    sent = 0
    with helpdesk.session_scope() as session:
        release_stale(session, now or clock.now())
        while True:
            claimed_at = clock.now()
            ids = claim(session, claimed_at)
            if not ids:
                return sent
            delivered, server_down = _send_batch(session, settings, ids, claimed_at + LEASE)
            sent += delivered
            if server_down:
                return sent


def _send_batch(session: Session, settings: Settings, ids: list[int],
                claimed_until: datetime) -> tuple[int, bool]:
    """Send the claimed messages over one connection: (delivered, whether the server failed).

    Messages not started in good time before the claim ends (a slow server) are given back
    and claimed afresh.
    """
    rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                .order_by(OutboxMessage.id)))
    session.commit()
    delivered = 0
    remaining = [r.id for r in rows]
    try:
        with smtp_connection(settings) as conn:
            for row in rows:
                if clock.now() > claimed_until - LEASE_MARGIN:
                    release(session, remaining, claimed_until)
                    return delivered, False
                try:
                    message = build_message(row, settings)
                except Exception as exc:  # a stored row no message can be made of
                    remaining.remove(row.id)
                    mark_failed(session, row.id, clock.now(), _describe(exc),
                                max_attempts=settings.mail_max_attempts, permanent=True)
                    continue
                try:
                    conn.send_message(message, from_addr=envelope_sender(settings),
                                      to_addrs=[row.recipient])
                except Exception as exc:
                    if _ends_connection(exc):
                        raise
                    remaining.remove(row.id)
                    mark_failed(session, row.id, clock.now(), _describe(exc),
                                max_attempts=settings.mail_max_attempts,
                                permanent=_permanent(exc))
                    continue
                remaining.remove(row.id)
                mark_sent(session, row.id, clock.now())
                delivered += 1
    except SQLAlchemyError:
        # The database, not the server, failed: the claims stay until their lease ends and
        # the messages are sent then (a message accepted just before is sent again, with
        # its Message-ID, so mail clients show it once).
        raise
    except Exception as exc:
        # The server went away (or never answered): this message and the rest of the batch
        # are tried again later; none of them was accepted.
        log.warning("SMTP %s:%s failed: %s", settings.smtp_host, settings.smtp_port,
                    _describe(exc))
        for message_id in remaining:
            mark_failed(session, message_id, clock.now(), _describe(exc),
                        max_attempts=settings.mail_max_attempts)
        return delivered, True
    return delivered, False
