"""Password hashing with argon2 (the OWASP-recommended algorithm)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError


def _make_hasher() -> PasswordHasher:
    # HELPDESK_FAST_HASHING=1 selects argon2's cheapest profile: for test suites only, where
    # hundreds of accounts are made; never set it in production.
    if os.environ.get("HELPDESK_FAST_HASHING") == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()
#: Verified against when the user does not exist, so unknown and known names take alike long.
_DUMMY_HASH = _hasher.hash("not a password")


def hash_password(password: str) -> str:
    """The argon2 hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (a missing hash never matches)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
