"""API tokens: issue, check, revoke and list the bearer tokens of the REST API.

A token is ``hd_`` followed by 43 URL-safe characters (32 random bytes). Only its SHA-256 is
stored, with its first characters (the *prefix*) so that a list can show which is which; the
token itself is shown once, when issued. ``actor`` None is the operator's command line.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hdcore.errors import HelpdeskError, NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import ApiToken, Role, User, utcnow
from hdcore.services.base import service
from hdcore.services.directory import authenticate

TOKEN_MARK = "hd_"
#: Characters of a token kept in clear to recognise it: the mark and 8 more.
PREFIX_LENGTH = len(TOKEN_MARK) + 8
TOKEN_LENGTH = len(TOKEN_MARK) + 43
DEFAULT_DAYS = 90
MAX_DAYS = 3650
NAME_MAX = 100
#: ``last_used_at`` is refreshed at most this often, so a busy client does not write on every
#: call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidToken(HelpdeskError):
    """The bearer token is unknown, expired or revoked, or its account is switched off."""


class InvalidCredentials(HelpdeskError):
    """The user name and password do not match an active account."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the stored row and the secret, which is never shown again."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def token_status(token: ApiToken) -> str:
    """``active``, ``expired`` or ``revoked``, as of now."""
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_valid_at(utcnow()) else "expired"


def _user(session: Session, user: User | int | str) -> User:
    if isinstance(user, User):
        return user
    found = (session.get(User, user) if isinstance(user, int)
             else session.scalar(select(User).where(User.username == user.strip().lower())))
    if found is None:
        raise ValidationFailed({"user": [str(_("Unknown user."))]})
    return found


@service
def issue_token(session: Session, actor: User | None, user: User | int | str, *,
                name: str = "", days: int = DEFAULT_DAYS) -> IssuedToken:
    """Issue a token for ``user``, valid for ``days`` days; only its hash is stored.

    People issue tokens for themselves; an administrator (or the operator) for anyone.
    """
    person = _user(session, user)
    if actor is not None and actor.id != person.id and actor.role != Role.ADMIN:
        raise PermissionDenied(str(_("Only an administrator can issue tokens for others.")))
    errors: dict[str, list[str]] = {}
    if not person.is_active:
        errors["user"] = [str(_("This account is deactivated."))]
    if not isinstance(name, str) or len(name.strip()) > NAME_MAX:
        errors["name"] = [str(_("At most %(n)d characters.")) % {"n": NAME_MAX}]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = [str(_("Give a whole number of days from 1 to %(n)d.")) % {
            "n": MAX_DAYS}]
    if errors:
        raise ValidationFailed(errors)
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user=person, name=name.strip(), token_hash=hash_token(secret),
                     prefix=secret[:PREFIX_LENGTH], created_at=now,
                     expires_at=now + timedelta(days=days))
    session.add(token)
    session.flush()
    return IssuedToken(token, secret)


@service
def token_for_password(session: Session, username: str, password: str, *, name: str = "",
                       days: int = DEFAULT_DAYS) -> IssuedToken:
    """Sign in with a user name and password and receive a new token for that account."""
    user = authenticate(session, username, password)
    if user is None:
        raise InvalidCredentials(str(_("Wrong user name or password.")))
    return issue_token(session, user, user, name=name, days=days)


def authenticate_token(session: Session, secret: str) -> User:
    """The active user whose valid token ``secret`` is; :class:`InvalidToken` otherwise.

    The stored hashes of the tokens sharing the prefix are compared in constant time. Checking
    a token only reads: every API call does it, and on SQLite a write would queue each call
    (reads too) behind the writers. The token's last use is written, in its own short
    transaction, only when the stored time is more than ``LAST_USED_RESOLUTION`` old.
    """
    if (not isinstance(secret, str) or len(secret) != TOKEN_LENGTH
            or not secret.startswith(TOKEN_MARK)):
        raise InvalidToken(str(_("The token is not valid.")))
    digest = hash_token(secret)
    match = None
    # the account with the token, in one statement: every API call asks
    for candidate in session.scalars(select(ApiToken).options(joinedload(ApiToken.user)).where(
            ApiToken.prefix == secret[:PREFIX_LENGTH])):
        if hmac.compare_digest(candidate.token_hash, digest):
            match = candidate
    if match is None:
        raise InvalidToken(str(_("The token is not valid.")))
    now = utcnow()
    if match.revoked_at is not None:
        raise InvalidToken(str(_("The token was revoked.")))
    if not match.is_valid_at(now):
        raise InvalidToken(str(_("The token has expired.")))
    if not match.user.is_active:
        raise InvalidToken(str(_("The token's account is deactivated.")))
    if match.last_used_at is None or now - match.last_used_at >= LAST_USED_RESOLUTION:
        _record_use(session, match, now)
    return match.user


@service
def _record_use(session: Session, token: ApiToken, now: datetime) -> None:
    # a service of its own: one short write transaction, committed before the call's work
    token.last_used_at = now


@service
def revoke_token(session: Session, actor: User | None, token_or_prefix: str) -> ApiToken:
    """Revoke a token given in full or by its prefix (as listed); revoking twice is harmless.

    People revoke their own tokens; an administrator (or the operator) anyone's.
    """
    given = (token_or_prefix or "").strip()
    if len(given) == TOKEN_LENGTH:
        found = list(session.scalars(select(ApiToken).where(
            ApiToken.token_hash == hash_token(given))))
    elif given:
        found = list(session.scalars(select(ApiToken).where(ApiToken.prefix == given)))
    else:
        found = []
    if actor is not None and actor.role != Role.ADMIN:
        found = [t for t in found if t.user_id == actor.id]
    if not found:
        raise NotFound(str(_("No such token.")))
    if len(found) > 1:
        raise ValidationFailed({"token": [str(_(
            "Several tokens start like this; give the whole token."))]})
    token = found[0]
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def list_tokens(session: Session, actor: User | None,
                user: User | int | str | None = None) -> list[ApiToken]:
    """Tokens, newest first: ``user``'s, or everyone's; people other than administrators (and
    the operator) see only their own."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == _user(session, user).id)
    if actor is not None and actor.role != Role.ADMIN:
        query = query.where(ApiToken.user_id == actor.id)
    return list(session.scalars(query))
