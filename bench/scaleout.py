"""Scale-out on PostgreSQL: two independent application servers (separate processes and ports,
as two hosts would be) and two workers sharing one database, against one server with the same
total number of web workers.

The client spreads the same creates over both servers. Meanwhile both workers sweep the same
due requests and send the same outbox through a real SMTP server. Checked afterwards: every
acknowledged request is in the database and nothing else is (nothing lost, nothing doubled),
each due request was escalated exactly once, and each message was delivered once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import scenarios, server
from bench.client import Stats
from bench.dataset import generate, make_due
from hdcore import HelpDesk, Settings, migrate
from hdcore.models import Event, ServiceRequest
from hdcore.models.notify import OutboxMessage

SECRET = "bench-secret-key-not-for-production"


class MailCounter:
    """A real SMTP server on loopback that counts what it receives by Message-ID."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.ids: Counter[str] = Counter()
        counter = self

        class Handler:
            async def handle_DATA(  # noqa: N802 (the name aiosmtpd calls)
                    self, _server: Any, _session: Any, envelope: Any) -> str:
                for line in envelope.content.decode("utf-8", "replace").splitlines():
                    if line.lower().startswith("message-id:"):
                        counter.ids[line.split(":", 1)[1].strip()] += 1
                        break
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=server.free_port())
        self.controller.start()

    @property
    def port(self) -> int:
        """Where it listens."""
        return int(self.controller.port)

    def stop(self) -> None:
        """Stop listening."""
        self.controller.stop()


def _count(hd: HelpDesk) -> int:
    with hd.session_scope() as session:
        return session.scalar(select(func.count()).select_from(ServiceRequest)) or 0


def _creates(hd: HelpDesk, servers: list[server.Server], data: Any,
             tokens: dict[str, str], repeats: scenarios.Repeats) -> tuple[Stats, list[int]]:
    """The create load, client ``c`` talking to server ``c % len(servers)``; the new ids."""
    stats, answers = scenarios.creates(hd, [s.address for s in servers], data, tokens, repeats)
    ids = [a.json()["id"] for a in answers if a.status == 201]
    return stats, ids


def _workers(env: dict[str, str], folder: Path, count: int) -> list[subprocess.Popen[bytes]]:
    out = []
    for i in range(count):
        with (folder / f"worker-{i}.log").open("wb") as log:  # the child keeps its copy
            out.append(subprocess.Popen(
                [str(Path(sys.executable).with_name("helpdesk")), "worker", "--tick", "0.5"],
                cwd=server.ROOT, env={**os.environ, **env, "PYTHONPATH": str(server.ROOT)},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
    return out


def _settle(hd: HelpDesk, due_ids: list[int], timeout: float = 120) -> dict[str, Any]:
    """Wait until every due request was escalated and the outbox is empty."""
    deadline = time.monotonic() + timeout
    while True:
        with hd.session_scope() as session:
            escalated = dict(session.execute(
                select(Event.request_id, func.count()).where(
                    Event.kind == "escalated", Event.request_id.in_(due_ids))
                .group_by(Event.request_id)).all())
            pending = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status == "pending")) or 0
        if (len(escalated) == len(due_ids) and not pending) or time.monotonic() > deadline:
            return {"escalated": escalated, "pending_mail": pending}
        time.sleep(0.5)


def _drain_outbox(hd: HelpDesk, timeout: float = 300) -> None:
    """Wait until the workers have sent every pending message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with hd.session_scope() as session:
            pending = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status == "pending")) or 0
        if not pending:
            return
        time.sleep(0.5)


def run(pg: Any, home: Path, n: int, repeats: scenarios.Repeats, articles: int,
        due: int = 1000) -> dict[str, Any]:
    """The scale-out run; its figures and checks."""
    if pg is None:
        raise SystemExit("the scale-out run needs PostgreSQL")
    name = pg.create_database()
    folder = home / "scale-out"
    folder.mkdir(parents=True, exist_ok=True)
    url = pg.url(name)
    hd = HelpDesk(Settings(database_url=url, home=folder))
    mail = MailCounter()
    try:
        print(f"\n== scale-out on PostgreSQL, N = {n:,}")
        migrate.upgrade(hd)
        data = generate(hd, n, articles=articles)
        people = data.employees[: repeats.clients]
        tokens = scenarios.tokens(hd, people)
        env = {"HELPDESK_DATABASE_URL": url, "HELPDESK_HOME": str(folder),
               "HELPDESK_SECRET_KEY": SECRET, "HELPDESK_SMTP_HOST": "127.0.0.1",
               "HELPDESK_SMTP_PORT": str(mail.port)}

        # The two workers run throughout, as they would beside the servers; both layouts
        # are measured with them, then they get 1 000 due requests to share.
        workers = _workers(env, folder, 2)
        start_count = _count(hd)
        one = server.start("one-server", "web.wsgi:app", env, 2, folder)
        try:
            single, single_ids = _creates(hd, [one], data, tokens, repeats)
        finally:
            one.stop()
        extra_single = _count(hd) - start_count - len(single_ids)
        # the workers send the mail those requests queued before the next layout is measured,
        # so that both layouts share the machine with the same background work (none)
        _drain_outbox(hd)

        before = _count(hd)
        pair = [server.start(f"server-{i}", "web.wsgi:app", env, 1, folder) for i in range(2)]
        try:
            double, double_ids = _creates(hd, pair, data, tokens, repeats)
            after_pair = _count(hd)
            due_ids = make_due(hd, due)
            settled = _settle(hd, due_ids)
        finally:
            for s in pair:
                s.stop()
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)

        acknowledged = single_ids + double_ids
        with hd.session_scope() as session:
            stored = set(session.scalars(select(ServiceRequest.id).where(
                ServiceRequest.id.in_(acknowledged))))
        twice = {k: v for k, v in settled["escalated"].items() if v != 1}
        resent = {k: v for k, v in mail.ids.items() if v > 1}
        return {
            "one server, 2 workers: creates/s": round(single.rate, 1),
            "two servers, 1 worker each: creates/s": round(double.rate, 1),
            "ratio (pair / one)": round(double.rate / single.rate, 2) if single.rate else None,
            "acknowledged": len(acknowledged),
            "acknowledged but missing": len(set(acknowledged) - stored),
            "requests added beyond those acknowledged":
                (after_pair - before - len(double_ids)) + extra_single,
            "failed creates": single.errors + double.errors,
            "due requests": len(due_ids),
            "escalated once": sum(1 for v in settled["escalated"].values() if v == 1),
            "escalated more than once": len(twice),
            "not escalated": len(due_ids) - len(settled["escalated"]),
            "mails delivered": sum(mail.ids.values()),
            "mails delivered twice": len(resent),
            "mails still pending": settled["pending_mail"],
        }
    finally:
        mail.stop()
        hd.dispose()
        pg.drop_database(name)
