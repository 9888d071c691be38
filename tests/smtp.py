"""A real SMTP server for the tests (aiosmtpd on a free local port) that a test can stop and start.

``smtp_server`` is running when the test starts; ``smtp_server.messages`` holds every message it
accepted, parsed, with its envelope. ``stop()`` closes the port (clients get "connection
refused"), ``start()`` opens it again on the same port; ``shut_down_after(n)`` makes the server
answer "421 shutting down" after the n-th accepted message and go away, as a server being
restarted does in the middle of a worker's batch.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from hdcore import Settings


@dataclass
class Received:
    """One message the server accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class _Handler:
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: dict[str, str] = field(default_factory=dict)
    shutdown_after: int | None = None
    on_shutdown: Callable[[], None] | None = None
    #: Called (in the server's thread) after each accepted message, e.g. to move a test clock.
    after_accept: Callable[[], None] | None = None

    async def handle_RCPT(  # noqa: N802  (aiosmtpd calls handlers by these names)
        self, server: Any, session: Any, envelope: Any, address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.shutdown_after is not None and len(self.messages) >= self.shutdown_after:
                if self.on_shutdown is not None:
                    callback, self.on_shutdown = self.on_shutdown, None
                    threading.Thread(target=callback, daemon=True).start()
                return "421 4.3.2 Service shutting down"
            raw = bytes(envelope.content)
            message = message_from_bytes(raw, policy=default_policy)
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          message, raw))  # type: ignore[arg-type]
        if self.after_accept is not None:
            self.after_accept()
        return "250 2.0.0 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives across restarts."""

    host = "127.0.0.1"

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.port = _free_port()
        self.handler = _Handler()
        self.credentials = credentials
        self._controller: Controller | None = None
        self._lock = threading.Lock()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and self.credentials is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials)
        return AuthResult(success=ok, handled=False)

    @property
    def running(self) -> bool:
        """Whether the port is open."""
        return self._controller is not None

    def start(self) -> None:
        """Open the port (again)."""
        with self._lock:
            if self._controller is not None:
                return
            kwargs: dict[str, Any] = {}
            if self.credentials is not None:
                kwargs = {"authenticator": self._authenticate, "auth_require_tls": False,
                          "auth_required": True}
            controller = Controller(self.handler, hostname=self.host, port=self.port,
                                    ready_timeout=10, **kwargs)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Close the port; clients are refused until :meth:`start`."""
        with self._lock:
            controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def shut_down_after(self, accepted: int) -> None:
        """Accept ``accepted`` messages in all, then answer 421 and stop."""
        self.handler.shutdown_after = accepted
        self.handler.on_shutdown = self.stop

    def resume_accepting(self) -> None:
        """Forget :meth:`shut_down_after` (call before :meth:`start` again)."""
        self.handler.shutdown_after = None
        self.handler.on_shutdown = None

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user") -> None:
        """Refuse ``address`` in ``RCPT TO`` with ``reply``."""
        self.handler.refuse[address] = reply

    @property
    def messages(self) -> list[Received]:
        """Every accepted message, in order."""
        with self.handler.lock:
            return list(self.handler.messages)

    def message_ids(self) -> list[str]:
        """The Message-ID of every accepted message, in order (duplicates kept)."""
        return [str(r.message["Message-ID"]) for r in self.messages]

    def configure(self, settings: Settings) -> None:
        """Point ``settings`` at this server."""
        settings.smtp_host = self.host
        settings.smtp_port = self.port
        if self.credentials is not None:
            settings.smtp_user, settings.smtp_password = self.credentials


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that accepts every message (stopped at the end of the test)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def closed_port() -> int:
    """A local port nobody listens on (an SMTP server that is down)."""
    return _free_port()
