"""What the benchmark measures against a running help desk: each scenario is the work one kind
of user causes, timed from a separate client process as that user would feel it."""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from bench.client import Address, Response, Session, Stats, call, concurrent, series
from bench.dataset import Dataset, make_due
from hdcore import HelpDesk, worker
from hdcore.models import ServiceRequest, User
from hdcore.services.tokens import issue_token

#: The jobs one sweep runs: escalations and reminders, and the other periodic checks that
#: read requests (vendors' promises, counters' thresholds); mail is measured elsewhere.
SWEEP_JOBS = {"sla_sweep", "reminders", "vendor_overdue"}


@dataclass
class Repeats:
    """How many timed calls each series makes (after ``warmup`` unmeasured ones)."""

    pages: int = 300
    dashboard: int = 30
    creates_per_client: int = 150
    warmup: int = 20
    clients: int = 4


def tokens(hd: HelpDesk, usernames: list[str]) -> dict[str, str]:
    """An API token for each of ``usernames`` (issued in-process, as the CLI would)."""
    out = {}
    with hd.session_scope() as session:
        for name in usernames:
            out[name] = issue_token(session, None, name, name="bench").secret
    return out


def assigned_to(hd: HelpDesk, username: str, count: int = 200) -> list[tuple[int, str]]:
    """``count`` requests (id, number) assigned to ``username``, open ones first, spread over
    their history: what a technician opens from their queue and their search results."""
    r = ServiceRequest
    with hd.session_scope() as session:
        me = session.scalar(select(User.id).where(User.username == username))
        open_ones = session.execute(
            select(r.id, r.number).where(r.assignee_id == me, r.closed_at.is_(None))
            .order_by(r.id.desc()).limit(count // 2)).all()
        older = session.execute(
            select(r.id, r.number).where(r.assignee_id == me, r.closed_at.is_not(None),
                                         r.id % 7 == 0)
            .order_by(r.id).limit(count - len(open_ones))).all()
    return [(row.id, row.number) for row in [*open_ones, *older]]


def creates(hd: HelpDesk, addresses: list[Address], data: Dataset, api_tokens: dict[str, str],
            repeats: Repeats) -> tuple[Stats, list[Response]]:
    """Employees filing requests through ``POST /api/v1/requests``, ``clients`` at once.

    With several servers each request goes to the one with the fewest requests in flight,
    as a load balancer's least-connections rule does (a fixed client-to-server split left one
    server idle whenever the other was slower)."""
    samples = {c: [dict(s.details) for s in hd.host.sample_requests(c)] for c in data.categories}
    people = list(api_tokens)
    rng = random.Random(4)
    bodies = []
    for i in range(repeats.clients * repeats.creates_per_client):
        category = data.categories[i % len(data.categories)]
        details = rng.choice(samples[category]) if samples[category] else {}
        bodies.append(json.dumps({
            "category": category, "title": f"基准测试请求 {i}: printer jams on floor {i % 9}",
            "description": "打印机卡纸，显示错误 E-204。The printer jams every morning.",
            "priority": rng.choice(["low", "normal", "normal", "high"]),
            "details": details}, default=str).encode())

    in_flight = [0] * len(addresses)
    lock = threading.Lock()

    def fetch(client: int, i: int) -> Response:
        body = bodies[client * repeats.creates_per_client + i]
        token = api_tokens[people[client % len(people)]]
        with lock:
            # fewest in flight; ties go round from the client's own server
            target = min(range(len(addresses)),
                         key=lambda k: (in_flight[k], (k - client) % len(addresses)))
            in_flight[target] += 1
        try:
            return call(addresses[target], "POST", "/api/v1/requests", body=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        finally:
            with lock:
                in_flight[target] -= 1

    return concurrent(f"create request (API, {repeats.clients} clients)", fetch, repeats.clients,
                      repeats.creates_per_client, expect=(201,))


def api_reads(hd: HelpDesk, address: Address, data: Dataset, api_tokens: dict[str, str],
              repeats: Repeats) -> tuple[Stats, list[Response]]:
    """A technician's requests read through ``GET /api/v1/requests/{id}`` by as many clients
    at once as file requests: the least an authenticated API call does (check the token, read
    one request, answer in JSON), as a second reference beside the floor's bare insert."""
    ids = [request_id for request_id, _n in assigned_to(hd, data.technicians[0])]
    token = api_tokens[data.technicians[0]]

    def fetch(client: int, i: int) -> Response:
        request_id = ids[(client * repeats.creates_per_client + i) % len(ids)]
        return call(address, "GET", f"/api/v1/requests/{request_id}",
                    headers={"Authorization": f"Bearer {token}"})

    return concurrent(f"read one request (API, {repeats.clients} clients)", fetch,
                      repeats.clients, repeats.creates_per_client, expect=(200,))


def pages(hd: HelpDesk, address: Address, data: Dataset, api_tokens: dict[str, str],
          repeats: Repeats) -> list[Stats]:
    """The pages people wait for, one client at a time (latency, not throughput)."""
    tech = Session(address)
    tech.login(data.technicians[0], data.password)
    employee = Session(address)
    employee.login(data.employees[0], data.password)
    manager = Session(address)
    manager.login(data.manager, data.password)
    mine = assigned_to(hd, data.technicians[0])
    numbers = [number for _id, number in mine]
    ids = [request_id for request_id, _n in mine]
    queries = data.kb_queries
    tech_token = api_tokens[data.technicians[0]]
    out = [
        series("work queue (technician, first page)", lambda i: tech.get("/desk/"),
               repeats.pages, repeats.warmup),
        series("request page", lambda i: tech.get(f"/desk/r/{numbers[i % len(numbers)]}"),
               repeats.pages, repeats.warmup),
        series("request (API)", lambda i: call(
            address, "GET", f"/api/v1/requests/{ids[i % len(ids)]}",
            headers={"Authorization": f"Bearer {tech_token}"}), repeats.pages, repeats.warmup),
        series("knowledge search", lambda i: employee.get(
            f"/kb/?q={quote(queries[i % len(queries)])}"), repeats.pages, repeats.warmup),
        series("suggestions while submitting", lambda i: employee.get(
            f"/kb/suggest.json?q={quote(queries[i % len(queries)])}"),
            repeats.pages, repeats.warmup),
        series("manager's dashboard", lambda i: manager.get("/manage/dashboard"),
               repeats.dashboard, max(2, repeats.warmup // 5)),
    ]
    return out


def sweep(hd: HelpDesk, due: int) -> dict[str, Any]:
    """Make ``due`` requests due, then time one run of the sweep jobs (in this process)."""
    make_due(hd, due)
    began = time.perf_counter()
    results = worker.run_once(hd, only=SWEEP_JOBS)
    took = time.perf_counter() - began
    failed = [r for r in results if r.error]
    if failed:
        raise RuntimeError(f"sweep failed: {failed}")
    return {"label": f"sweep ({due} due)", "seconds": round(took, 3),
            "handled": {r.job: r.handled for r in results}}


def floor_figures(address: Address, repeats: Repeats) -> tuple[Stats, Stats]:
    """The floor app: inserts with the same clients, and its indexed read one at a time."""
    body = json.dumps({"title": "基准测试 floor item", "body": "x" * 200, "owner": 1}).encode()

    def insert(client: int, i: int) -> Response:
        mine = body.replace(b'"owner": 1', f'"owner": {client}'.encode())
        return call(address, "POST", "/items", body=mine,
                    headers={"Content-Type": "application/json"})

    made, _ = concurrent("floor insert (4 clients)", insert, repeats.clients,
                         repeats.creates_per_client, expect=(201,))
    read = series("floor indexed select", lambda i: call(address, "GET", f"/items?owner={i % 4}"),
                  repeats.pages, repeats.warmup)
    return made, read
