"""Password hashing with argon2 (the OWASP-recommended algorithm)."""

from __future__ import annotations

import os
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

#: One of OWASP's equivalent argon2id settings (7 MiB, 5 passes, 1 lane; its list trades
#: memory for passes at an equal level of defence). argon2-cffi's default takes 64 MiB per
#: hash, which set every web worker's peak memory at its first sign-in. Stored hashes made
#: with other parameters are re-hashed at their next sign-in.
ARGON2_MEMORY_KIB = 7 * 1024
ARGON2_TIME_COST = 5
ARGON2_PARALLELISM = 1


def _make_hasher() -> PasswordHasher:
    # HELPDESK_FAST_HASHING=1 selects argon2's cheapest profile: for test suites only, where
    # hundreds of accounts are made; never set it in production.
    if os.environ.get("HELPDESK_FAST_HASHING") == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB,
                          parallelism=ARGON2_PARALLELISM)


_hasher = _make_hasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so unknown and known names take alike
    long; made at the first sign-in, not when the module is imported."""
    return _hasher.hash("not a password")


def hash_password(password: str) -> str:
    """The argon2 hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (a missing hash never matches)."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
