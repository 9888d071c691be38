"""The benchmark's HTTP client: plain ``http.client`` connections (cheap on the CPU the server
shares), a signed-in browser-like session, timed series and concurrent load."""

from __future__ import annotations

import http.client
import json
import re
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

Address = tuple[str, int]


@dataclass
class Response:
    """What came back."""

    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def call(address: Address, method: str, path: str, *, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Response:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    conn = http.client.HTTPConnection(*address, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, data, {k.lower(): v for k, v in resp.getheaders()})
    finally:
        conn.close()


@dataclass
class Session:
    """A signed-in browser: the session cookie, sent with every request."""

    address: Address
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        """The cookie header (and a language, as a browser sends)."""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}

    def _keep(self, resp: Response) -> None:
        raw = resp.headers.get("set-cookie")
        if raw:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            self.cookies.update({k: m.value for k, m in jar.items()})

    def get(self, path: str) -> Response:
        """GET ``path`` with the session."""
        resp = call(self.address, "GET", path, headers=self.headers())
        self._keep(resp)
        return resp

    def login(self, username: str, password: str) -> None:
        """Sign in through the form, as a person does."""
        page = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body)
        if token is None:
            raise RuntimeError("no sign-in form at /login")
        form = urlencode({"username": username, "password": password,
                          "csrf_token": token.group(1).decode()}).encode()
        resp = call(self.address, "POST", "/login", body=form, headers={
            **self.headers(), "Content-Type": "application/x-www-form-urlencoded"})
        self._keep(resp)
        if resp.status != 302:
            raise RuntimeError(f"{username} could not sign in ({resp.status})")


@dataclass
class Stats:
    """Latencies of one series, in milliseconds, and its throughput."""

    label: str
    times: list[float]
    seconds: float
    errors: int = 0
    #: The first unexpected answer, to say what went wrong.
    first_error: str = ""

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return statistics.median(self.times) if self.times else float("nan")

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile (nearest rank)."""
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank]

    @property
    def rate(self) -> float:
        """Requests answered per second over the series."""
        return len(self.times) / self.seconds if self.seconds else 0.0

    def row(self) -> dict[str, Any]:
        """The figures as a dict (for the JSON results)."""
        return {"label": self.label, "n": len(self.times), "errors": self.errors,
                "p50_ms": round(self.median, 2), "p95_ms": round(self.percentile(95), 2),
                "p99_ms": round(self.percentile(99), 2), "rate_per_s": round(self.rate, 1)}


def series(label: str, fetch: Callable[[int], Response], count: int, warmup: int,
           expect: Sequence[int] = (200,)) -> Stats:
    """Call ``fetch(i)`` ``warmup`` times unmeasured, then ``count`` times one after another."""
    for i in range(warmup):
        resp = fetch(i)
        if resp.status not in expect:
            raise RuntimeError(f"{label}: answer {resp.status} at warm-up: {resp.body[:300]!r}")
    times, errors, first = [], 0, ""
    began = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        resp = fetch(warmup + i)
        times.append((time.perf_counter() - t0) * 1000)
        if resp.status not in expect:
            errors += 1
            first = first or f"call {warmup + i}: {resp.status} {resp.body[:300]!r}"
    return Stats(label, times, time.perf_counter() - began, errors, first)


def concurrent(label: str, fetch: Callable[[int, int], Response], clients: int, per_client: int,
               expect: Sequence[int] = (200, 201)) -> tuple[Stats, list[Response]]:
    """``clients`` threads each calling ``fetch(client, i)`` ``per_client`` times at once; the
    answers are returned too so the caller can check nothing was lost."""
    times: list[float] = []
    answers: list[Response] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def run(client: int) -> None:
        start.wait()
        for i in range(per_client):
            t0 = time.perf_counter()
            try:
                resp = fetch(client, i)
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            took = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(took)
                answers.append(resp)
                if resp.status not in expect:
                    errors[0] += 1

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return Stats(label, times, time.perf_counter() - began, errors[0]), answers
