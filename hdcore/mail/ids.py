"""Message-IDs the help desk signs, so a reply finds its request and forged ones do not.

An outgoing message about request 123 gets ``<hd.123.<nonce>.<signature>@<domain>>``; a reply
carries it in ``In-Reply-To``/``References``, and :func:`request_of` gives 123 back only if
the signature matches (made with the help desk's secret key), so nobody can thread mail onto a
request by guessing numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_ID = re.compile(r"<?hd\.(\d+)\.([0-9a-f]{16})\.([0-9a-f]{20})@[^>\s]+>?")


def _signature(secret: str, request_id: int, nonce: str) -> str:
    mac = hmac.new(secret.encode(), f"{request_id}.{nonce}".encode(), hashlib.sha256)
    return mac.hexdigest()[:20]


def make_message_id(secret: str, request_id: int, domain: str = "helpdesk.local") -> str:
    """A new signed Message-ID (with angle brackets) for mail about ``request_id``."""
    nonce = secrets.token_hex(8)
    return f"<hd.{request_id}.{nonce}.{_signature(secret, request_id, nonce)}@{domain}>"


def request_of(secret: str, header_value: str | None) -> int | None:
    """The request a header (``In-Reply-To``, ``References``) points at, if signed by us.

    The last valid identifier wins (``References`` lists the thread oldest first).
    """
    found = None
    for match in _ID.finditer(header_value or ""):
        request_id, nonce, sig = int(match.group(1)), match.group(2), match.group(3)
        if hmac.compare_digest(sig, _signature(secret, request_id, nonce)):
            found = request_id
    return found


def is_ours(secret: str, message_id: str | None) -> bool:
    """Whether ``message_id`` is one the help desk made (our own mail coming back)."""
    return request_of(secret, message_id) is not None
