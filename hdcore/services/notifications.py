"""Notifications for people (reading them, e-mail wishes) and the outbox for the administrator."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hdcore.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    Role,
    User,
    utcnow,
)
from hdcore.notify.kinds import KINDS, describe, kinds_for
from hdcore.services.base import service


def describe_notification(note: Notification) -> str:
    """The notification's one line, in the current locale."""
    return describe(note.kind, note.params or {})


def unread_count(session: Session, user: User) -> int:
    """How many of ``user``'s notifications are unread."""
    return int(session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0)


def notifications_of(session: Session, user: User, *, limit: int = 50, offset: int = 0,
                     unread_only: bool = False) -> list[Notification]:
    """``user``'s notifications, newest first."""
    q = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    q = q.order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(session.scalars(q.limit(max(1, min(limit, 500))).offset(max(0, offset))))


@service
def open_notification(session: Session, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (someone else's is not found)."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != actor.id:
        raise NotFound(f"no notification {notification_id}")
    if note.read_at is None:
        note.read_at = utcnow()
    return note


@service
def mark_all_notifications_read(session: Session, actor: User) -> int:
    """Mark every unread notification of the actor read; how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def email_preferences(session: Session, user: User) -> dict[str, bool]:
    """For each kind ``user`` can receive, whether they want it by e-mail (default yes)."""
    saved = {p.kind: p.email for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return {k.name: saved.get(k.name, True) for k in kinds_for(user.is_staff)}


@service
def set_email_preferences(session: Session, actor: User, wanted: Iterable[str]) -> dict[str, bool]:
    """Receive e-mail for exactly the kinds in ``wanted`` (the rest stay in the application).

    Unknown kinds are refused, naming them, and nothing is changed.
    """
    wanted = set(wanted)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise ValidationFailed({"kinds": [
            str(_("Unknown kind of notification: %(k)s.")) % {"k": ", ".join(unknown)}]})
    for kind in kinds_for(actor.is_staff):
        pref = session.get(NotificationPreference, (actor.id, kind.name))
        if pref is None:
            pref = NotificationPreference(user_id=actor.id, kind=kind.name)
            session.add(pref)
        pref.email = kind.name in wanted
    return email_preferences(session, actor)


# -- the outbox, for the administrator ---------------------------------------------------------


def _require_admin(actor: User | None) -> None:
    if actor is not None and (not actor.is_active or actor.role != Role.ADMIN.value):
        raise PermissionDenied(str(_("Only an administrator can do this.")))


def outbox_counts(session: Session) -> dict[str, int]:
    """How many outgoing messages are in each state."""
    counts = dict.fromkeys((s.value for s in OutboxStatus), 0)
    for status, n in session.execute(select(OutboxMessage.status, func.count())
                                     .group_by(OutboxMessage.status)):
        counts[status] = int(n)
    return counts


def outbox_messages(session: Session, statuses: Iterable[str], *,
                    limit: int = 200) -> list[OutboxMessage]:
    """Outgoing messages in ``statuses``, the most recently tried first."""
    wanted = [s for s in statuses if s in {x.value for x in OutboxStatus}]
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.status.in_(wanted))
        .order_by(OutboxMessage.next_attempt_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ))


def _requeue(message: OutboxMessage) -> None:
    message.status = OutboxStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_until = None


@service
def retry_outbox_message(session: Session, actor: User | None, message_id: int) -> OutboxMessage:
    """Send a dead (or waiting) message again at the next run, with a fresh set of attempts.

    It keeps its Message-ID, so it threads like the original. A message sent or being sent
    is refused.
    """
    _require_admin(actor)
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"no outgoing message {message_id}")
    if message.status not in (OutboxStatus.DEAD.value, OutboxStatus.PENDING.value):
        raise Conflict(str(_("This message was already sent or is being sent.")))
    _requeue(message)
    return message


@service
def retry_dead_messages(session: Session, actor: User | None) -> int:
    """Send every dead message again; how many."""
    _require_admin(actor)
    dead = list(session.scalars(select(OutboxMessage)
                                .where(OutboxMessage.status == OutboxStatus.DEAD.value)))
    for message in dead:
        _requeue(message)
    return len(dead)

