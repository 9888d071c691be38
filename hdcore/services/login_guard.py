"""Signing in with a password, held back after repeated failures: per user name and per address.

The same answer and about the same work for every failure, whether the name exists or not:
unknown names are hashed against a dummy hash (see :mod:`hdcore.security`) and are counted and
locked exactly like real ones, so neither the message, the timing nor a lockout tells which
names are accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hdcore.config import Settings
from hdcore.errors import Conflict, HelpdeskError
from hdcore.i18n import _
from hdcore.models import LoginThrottle, ThrottleKind, User
from hdcore.models.base import utcnow
from hdcore.services.base import service
from hdcore.services.directory import authenticate


class LoginThrottled(HelpdeskError):
    """Too many failed sign-ins for this name or from this address: wait ``retry_after``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        #: Seconds until the next attempt is considered.
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    """How many failures are allowed, and for how long they count and lock."""

    per_account: int = 5
    per_address: int = 20
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Settings | None) -> Limits:
        """The limits in ``settings`` (the defaults without them)."""
        if settings is None:
            return cls()
        return cls(max(1, settings.login_max_failures),
                   max(1, settings.login_max_failures_per_ip),
                   timedelta(minutes=max(1, settings.login_lockout_minutes)))


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(ThrottleKind.ACCOUNT.value, (username or "").strip().lower()[:255])]
    if address:
        keys.append((ThrottleKind.ADDRESS.value, address[:255]))
    return keys


def _row(session: Session, kind: str, key: str) -> LoginThrottle | None:
    return session.scalar(select(LoginThrottle).where(LoginThrottle.kind == kind,
                                                      LoginThrottle.key == key))


def locked_until(session: Session, username: str, address: str | None = None) -> datetime | None:
    """Until when sign-ins with ``username`` (or from ``address``) are refused, or None."""
    now = utcnow()
    ends = [row.locked_until for kind, key in _keys(username, address)
            if (row := _row(session, kind, key)) is not None
            and row.locked_until is not None and row.locked_until > now]
    return max(ends) if ends else None


def _refusal(until: datetime) -> LoginThrottled:
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    return LoginThrottled(
        str(_("Too many failed sign-ins. Try again in %(n)d minutes.")) % {
            "n": math.ceil(seconds / 60)},
        seconds)


def _count_failure(session: Session, kind: str, key: str, limit: int, limits: Limits) -> None:
    now = utcnow()
    row = _row(session, kind, key)
    if row is None:
        row = LoginThrottle(kind=kind, key=key, failures=0, window_start=now,
                            last_failure_at=now)
        session.add(row)
    elif now - row.window_start > limits.lockout:
        # Failures older than the window are forgotten: a typo a day never locks anyone out.
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= limit:
        row.locked_until = now + limits.lockout


@service
def _count_failures(session: Session, username: str, address: str | None,
                    limits: Limits) -> None:
    for kind, key in _keys(username, address):
        limit = limits.per_account if kind == ThrottleKind.ACCOUNT else limits.per_address
        _count_failure(session, kind, key, limit, limits)


def _record_failure(session: Session, username: str, address: str | None,
                    limits: Limits) -> None:
    for attempt in range(2):
        try:
            _count_failures(session, username, address, limits)
            return
        except Conflict as exc:
            # Another process counted the first failure of this key at the same moment.
            if attempt or not isinstance(exc.__cause__, IntegrityError):
                raise


@service
def _forget_failures(session: Session, username: str) -> None:
    kind, key = _keys(username, None)[0]
    row = _row(session, kind, key)
    if row is not None:
        session.delete(row)


def sign_in(session: Session, username: str, password: str, *,
            address: str | None = None) -> User | None:
    """The active user with these credentials, None when they are wrong; commits the count.

    Raises :class:`LoginThrottled` while the name or the address is locked, even for the
    right password (after the same password check, so the time taken tells nothing). A
    success clears the name's failures (not the address's: one good account must not reset
    a guessing run over others).
    """
    limits = Limits.of(session.info.get("settings"))
    until = locked_until(session, username, address)
    user = authenticate(session, username, password)
    # The checks only read, and the password hash takes a while: no write lock is held for
    # them. What is written (the failure counted, or the name's failures cleared) is its own
    # short transaction, which on SQLite takes its turn first instead of upgrading this read
    # snapshot (refused at once if anyone saved anything meanwhile).
    session.commit()
    if until is not None:
        raise _refusal(until)
    if user is None:
        _record_failure(session, username, address, limits)
        until = locked_until(session, username, address)
        session.commit()
        if until is not None:
            raise _refusal(until)
        return None
    _forget_failures(session, username)
    return user


@service
def unlock_sign_in(session: Session, username: str) -> bool:
    """Forget the failures of ``username`` (an administrator's help); whether it was locked."""
    kind, key = _keys(username, None)[0]
    row = _row(session, kind, key)
    if row is None:
        return False
    was_locked = row.locked_until is not None and row.locked_until > utcnow()
    session.delete(row)
    session.flush()
    return was_locked


@service
def end_sessions(session: Session, user: User) -> None:
    """End every session of ``user``: sign-out, and password changes (whose transaction it
    joins)."""
    user.session_version = (user.session_version or 1) + 1
