"""Polling an IMAP mailbox: fetch unseen messages, store each, then move it to the processed
folder (never deleting anything before it is stored), then process it.

Messages are fetched with ``BODY.PEEK[]``, which leaves them unseen: one that could not be
stored (the database was down) is simply fetched again next time. One stored but not moved
(the connection dropped) is fetched again too, recognised as already stored, and moved.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from hdcore.mail.intake import process, store
from hdcore.models import MailStatus

if TYPE_CHECKING:
    from hdcore.app import HelpDesk
    from hdcore.config import Settings

log = logging.getLogger("hdcore.mail.imap")

#: Messages fetched per round trip.
BATCH = 20
_BODY = b"BODY[]"


class MailboxClient(Protocol):
    """The part of ``imapclient.IMAPClient`` the poller uses."""

    def login(self, username: str, password: str) -> Any:
        """Authenticate."""

    def folder_exists(self, folder: str) -> bool:
        """Whether ``folder`` exists."""

    def create_folder(self, folder: str) -> Any:
        """Create ``folder``."""

    def select_folder(self, folder: str, readonly: bool = False) -> Any:
        """Open ``folder`` for the following commands."""

    def search(self, criteria: Any = "ALL", charset: str | None = None) -> Sequence[int]:
        """UIDs matching ``criteria``."""

    def fetch(self, messages: Sequence[int], data: Sequence[str]) -> dict[int, dict[bytes, Any]]:
        """The requested ``data`` items of each message, by UID."""

    def has_capability(self, capability: str) -> bool:
        """Whether the server announced ``capability`` (``MOVE``, ``UIDPLUS``)."""

    def move(self, messages: Sequence[int], folder: str) -> Any:
        """Move messages to ``folder`` (RFC 6851)."""

    def copy(self, messages: Sequence[int], folder: str) -> Any:
        """Copy messages to ``folder``."""

    def delete_messages(self, messages: Sequence[int], silent: bool = False) -> Any:
        """Flag messages ``\\Deleted``."""

    def uid_expunge(self, messages: Sequence[int]) -> Any:
        """Expunge only these messages (UIDPLUS)."""

    def expunge(self, messages: Sequence[int] | None = None) -> Any:
        """Expunge every ``\\Deleted`` message of the folder."""

    def logout(self) -> Any:
        """Close the connection."""


ClientFactory = Callable[["Settings"], MailboxClient]


def connect(settings: Settings) -> MailboxClient:
    """A logged-in ``IMAPClient`` for the configured mailbox (TLS unless switched off)."""
    from imapclient import IMAPClient

    port = settings.imap_port or (993 if settings.imap_ssl else 143)
    client = IMAPClient(settings.imap_host, port=port, ssl=settings.imap_ssl,
                        ssl_context=ssl.create_default_context() if settings.imap_ssl else None,
                        timeout=60)
    client.login(settings.imap_user, settings.imap_password)
    return client


def poll(helpdesk: HelpDesk, now: datetime, factory: ClientFactory | None = None) -> int:
    """The worker job: one round over the configured mailbox (nothing when none is set)."""
    settings = helpdesk.settings
    if not settings.imap_host:
        return 0
    client = (factory or connect)(settings)
    try:
        return drain(helpdesk, client, settings.imap_folder, settings.imap_processed_folder)
    finally:
        with suppress(Exception):
            client.logout()


def drain(helpdesk: HelpDesk, client: MailboxClient, folder: str, processed: str) -> int:
    """Store, move and process every unseen message of ``folder``; how many were taken."""
    if not client.folder_exists(processed):
        client.create_folder(processed)
    client.select_folder(folder)
    uids = sorted(client.search(["UNSEEN"]))
    taken = 0
    for start in range(0, len(uids), BATCH):
        batch = uids[start:start + BATCH]
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        for uid in batch:
            raw = (fetched.get(uid) or {}).get(_BODY)
            if raw is None:
                continue  # expunged by someone else meanwhile
            with helpdesk.session_scope() as session:
                stored = store(session, bytes(raw), source="imap")
                # stored (committed): only now may it leave the folder
                _move(client, uid, processed)
                taken += 1
                # a copy stored by an earlier round that stopped short is filed now
                if stored.message.status == MailStatus.NEW.value:
                    process(session, stored.message.id)
    return taken


def _move(client: MailboxClient, uid: int, folder: str) -> None:
    if client.has_capability("MOVE"):
        client.move([uid], folder)
        return
    client.copy([uid], folder)
    client.delete_messages([uid])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        client.expunge()
