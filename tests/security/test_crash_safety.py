"""A web process killed (SIGKILL) during a burst of submissions: after a restart every request
the server acknowledged (201) is there, complete, and nothing is half-written.

The help desk runs as a real server process (``helpdesk serve``) on SQLite and on PostgreSQL;
several clients file requests through the API at once; the process is killed mid-burst,
started again on the same database, and must serve again.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

from hdcore import HelpDesk
from hdcore import services as svc
from hdcore.models import Attachment, Event, Sequence, ServiceRequest
from tests.web.conftest import csrf_of

CLIENTS = 4
ATTACHMENT = "网络断了，见截图说明。\n".encode() * 50
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``helpdesk serve`` in a process of its own."""

    def __init__(self, database_url: str, home: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "HELPDESK_HOME": str(home), "HELPDESK_SECRET_KEY": "crash-test",
               "HELPDESK_FAST_HASHING": "1"}
        self.log = (home / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from web.cli import main; main()", "--database-url",
             database_url, "serve", "--port", str(self.port)],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.output()}")
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"the server did not start: {self.output()}")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-100000:]

    def call(self, method: str, path: str, body: Any = None,
             token: str | None = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, json.loads(data) if data.startswith(b"{") else data
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.log.close()


def test_every_acknowledged_request_survives_a_kill(helpdesk: HelpDesk, database_url: str,
                                                    people: Any, tmp_path: Path) -> None:
    with helpdesk.session_scope() as s:
        token = svc.issue_token(s, None, people.employee.id, name="burst").secret
    category = "email_admin"
    details = dict(helpdesk.host.sample_requests(category)[0].details)

    server = Server(database_url, tmp_path)
    acknowledged: dict[int, str] = {}
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            title = f"Burst {n}-{i}"
            i += 1
            try:
                status, body = server.call("POST", "/api/v1/requests", {
                    "category": category, "title": title, "description": f"Client {n}",
                    "details": details}, token)
            except (OSError, http.client.HTTPException):  # the server is gone: no answer
                continue
            with lock:
                if status == 201:
                    acknowledged[body["id"]] = title
                else:
                    failures.append(f"{status}: {body}")

    filed_with_file: dict[str, str] = {}  # number -> title, filed through the portal's form

    def web_client() -> None:
        """A person filing through the portal's form, with an attachment."""
        browser = requests.Session()
        base = f"http://127.0.0.1:{server.port}"
        try:
            page = browser.get(f"{base}/login", timeout=10).text
            signed_in = browser.post(f"{base}/login", allow_redirects=False, timeout=10, data={
                "username": "zhang.wei", "password": "demo", "csrf_token": csrf_of(page)})
        except requests.RequestException:
            return
        if signed_in.status_code != 302:
            failures.append(f"sign-in {signed_in.status_code}: {signed_in.text[:2000]}")
            return
        i = 0
        while not stop.is_set():
            title = f"Form {i}"
            i += 1
            try:
                form = browser.get(f"{base}/portal/new/{category}", timeout=10).text
                resp = browser.post(
                    f"{base}/portal/new/{category}", allow_redirects=False, timeout=10,
                    data={"title": title, "csrf_token": csrf_of(form),
                          **{f"details.{k}": v for k, v in details.items()}},
                    files={"files": ("截图.txt", ATTACHMENT, "text/plain")})
            except requests.RequestException:  # the server is gone
                continue
            with lock:
                if resp.status_code == 302 and "/portal/r/" in resp.headers["Location"]:
                    filed_with_file[resp.headers["Location"].rsplit("/", 1)[1]] = title
                else:
                    failures.append(f"form {resp.status_code}: {resp.text[:300]}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=web_client, daemon=True))
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while (len(acknowledged) < 12 or not filed_with_file) and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # mid-burst: the clients are still sending
        time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(15)
        if server.process.poll() is None:
            server.stop()
    # Refusals under load would be a fault too (a 409 for an unrelated request, a 500).
    assert not failures, [f[:200] for f in failures[:5]] + [
        line for line in server.output().splitlines() if "database" in line]
    assert len(acknowledged) >= 12 and filed_with_file, server.output()

    again = Server(database_url, tmp_path)
    try:
        with helpdesk.session_scope() as s:
            stored_requests = {r.id: r for r in s.scalars(select(ServiceRequest))}
            for rid, title in acknowledged.items():
                req = stored_requests.get(rid)
                assert req is not None, f"acknowledged request {rid} is lost"
                assert (req.title, req.category, req.details) == (title, category, details)
            by_number = {r.number: r for r in stored_requests.values()}
            for number, title in filed_with_file.items():
                req = by_number.get(number)
                assert req is not None and req.title == title, f"{number} is lost"
                files = list(s.scalars(select(Attachment).where(Attachment.request_id == req.id)))
                assert [(f.filename, f.size) for f in files] == [("截图.txt", len(ATTACHMENT))]
                stored = tmp_path / "attachments" / files[0].stored_name
                assert stored.read_bytes() == ATTACHMENT
                assert hashlib.sha256(ATTACHMENT).hexdigest() == files[0].sha256
            # Nothing half-written: every request that exists has its "created" event, and
            # every attachment row its file.
            for f in s.scalars(select(Attachment)):
                assert (tmp_path / "attachments" / f.stored_name).is_file()
            created = set(s.scalars(select(Event.request_id).where(Event.kind == "created")))
            assert set(stored_requests) <= created
            # Numbers are unique and the counter is past the highest, so the next is free.
            numbers = [r.number for r in stored_requests.values()]
            assert len(set(numbers)) == len(numbers)
            counters = {c.name: c.value for c in s.scalars(select(Sequence))}
            for number in numbers:
                prefix, _sep, value = number.rpartition("-")
                assert counters[prefix] >= int(value)
            total = s.scalar(select(func.count()).select_from(ServiceRequest))
        # It serves again, and the next request takes the next number.
        status, body = again.call("POST", "/api/v1/requests", {
            "category": category, "title": "After the restart", "details": details}, token)
        assert status == 201, body
        assert body["number"] not in numbers
        assert again.call("GET", f"/api/v1/requests/{body['id']}", token=token)[0] == 200
        with helpdesk.session_scope() as s:
            assert s.scalar(select(func.count()).select_from(ServiceRequest)) == total + 1
    finally:
        again.stop()
