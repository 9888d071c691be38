"""Benchmark of the dashboards: a year of requests of a 5 000-employee company, written with
bulk inserts, their figures backfilled, then each dashboard (the manager's, the lead's, a
technician's) rendered through the Flask test client and timed.

    python bench/analytics_dashboard.py                 # 100 000 requests on SQLite
    python bench/analytics_dashboard.py --requests 20000 --database-url postgresql://...

The database must be empty (a new SQLite file is made in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from hdcore import HelpDesk, Settings, migrate
from hdcore.analytics.metrics import backfill
from hdcore.models import (
    Department,
    Event,
    Group,
    ServiceRequest,
    User,
    group_membership,
)
from hdcore.security import hash_password

ZONE = ZoneInfo("Asia/Shanghai")
EMPLOYEES = 5000
TECHNICIANS = 40
GROUPS = ("桌面支持", "网络与安全", "企业应用", "邮件与账号", "采购", "外包协调")
DEPARTMENTS = 40
PASSWORD = "bench"
CHUNK = 5000


def _work_moment(rng: random.Random, day: datetime) -> datetime:
    """A moment during office hours of ``day`` (local), as UTC."""
    minute = rng.randrange(9 * 60, 18 * 60)
    local = day.replace(hour=minute // 60, minute=minute % 60, second=rng.randrange(60))
    return local.astimezone(UTC)


def people(session: Any, rng: random.Random) -> dict[str, Any]:
    """Departments, employees, technicians, a lead and a manager, IT groups."""
    staff_hash = hash_password(PASSWORD)
    session.execute(insert(Department), [
        {"code": f"D{i:02d}", "name": f"部门 {i:02d}"} for i in range(DEPARTMENTS)])
    depts = list(session.scalars(select(Department.id)))
    now = datetime.now(UTC)
    rows = [{"username": f"e{i:05d}", "full_name": f"员工{i:05d}", "role": "employee",
             "department_id": rng.choice(depts), "is_active": True, "timezone": "Asia/Shanghai",
             "created_at": now, "email": f"e{i:05d}@corp.example"} for i in range(EMPLOYEES)]
    rows += [{"username": f"t{i:02d}", "full_name": f"技术员{i:02d}", "role": "technician",
              "password_hash": staff_hash, "is_active": True, "timezone": "Asia/Shanghai",
              "created_at": now} for i in range(TECHNICIANS)]
    rows += [{"username": name, "full_name": name, "role": role, "password_hash": staff_hash,
              "is_active": True, "timezone": "Asia/Shanghai", "created_at": now}
             for name, role in (("lead", "lead"), ("manager", "manager"))]
    session.execute(insert(User), rows)
    session.execute(insert(Group), [{"name": g, "assignment_policy": "least_loaded"}
                                    for g in GROUPS])
    groups = list(session.scalars(select(Group.id)))
    techs = list(session.scalars(select(User.id).where(User.role == "technician")))
    session.execute(insert(group_membership), [
        {"group_id": groups[i % len(groups)], "user_id": t} for i, t in enumerate(techs)])
    employees = list(session.scalars(select(User.id).where(User.role == "employee")))
    lead = session.scalar(select(User.id).where(User.username == "lead"))
    session.commit()
    return {"employees": employees, "techs": techs, "groups": groups, "lead": lead,
            "tech_group": {t: groups[i % len(groups)] for i, t in enumerate(techs)}}


def requests(session: Any, rng: random.Random, org: dict[str, Any], count: int,
             categories: list[str], end: datetime) -> None:
    """``count`` requests over the year before ``end``, with their histories."""
    start = end - timedelta(days=365)
    days = [start + timedelta(days=d) for d in range(365)]
    workdays = [d for d in days if d.astimezone(ZONE).weekday() < 5]
    prio = (["low"] * 2 + ["normal"] * 6 + ["high"] * 2 + ["urgent"])
    req_rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    next_id = 1
    for n in range(count):
        day = rng.choice(workdays).astimezone(ZONE)
        created = _work_moment(rng, day)
        tech = rng.choice(org["techs"])
        rid = next_id
        next_id += 1
        row: dict[str, Any] = {
            "id": rid, "number": f"SR-B-{rid:07d}", "category": rng.choice(categories),
            "title": f"请求 {n}", "description": "", "priority": rng.choice(prio),
            "channel": "web", "details": {}, "requester_id": rng.choice(org["employees"]),
            "entered_by_id": org["lead"], "assignee_id": tech,
            "group_id": org["tech_group"][tech], "created_at": created, "updated_at": created,
            "escalation_level": 0, "version": 1, "status": "new",
        }
        log = [(created, None, "created", {}, {})]
        t = created + timedelta(minutes=rng.randrange(1, 30))
        log.append((t, org["lead"], "transition", {"status": ["new", "assigned"]},
                    {"transition": "assign"}))
        t += timedelta(minutes=rng.randrange(5, 240))
        row["first_response_at"] = t
        log.append((t, tech, "transition", {"status": ["assigned", "in_progress"]},
                    {"transition": "start"}))
        status = "in_progress"
        if rng.random() < 0.15:
            t += timedelta(minutes=rng.randrange(10, 120))
            log.append((t, tech, "transition", {"status": [status, "waiting_requester"]},
                        {"transition": "wait_requester"}))
            t += timedelta(hours=rng.randrange(1, 40))
            log.append((t, row["requester_id"], "transition",
                        {"status": ["waiting_requester", status]}, {"transition": "resume"}))
        if rng.random() < 0.2:
            t += timedelta(minutes=1)
            log.append((t, row["requester_id"], "escalated", {"escalation_level": [0, 1]}, {}))
            row["escalation_level"] = 1
        t += timedelta(minutes=rng.randrange(20, 60 * 30))
        open_now = t > end - timedelta(days=2) and rng.random() < 0.7
        if not open_now:
            log.append((t, tech, "transition", {"status": [status, "resolved"]},
                        {"transition": "resolve"}))
            status, row["resolved_at"] = "resolved", t
            if rng.random() < 0.06:
                t += timedelta(hours=rng.randrange(1, 30))
                log.append((t, row["requester_id"], "transition",
                            {"status": ["resolved", "in_progress"]}, {"transition": "reopen"}))
                t += timedelta(hours=rng.randrange(1, 20))
                log.append((t, tech, "transition", {"status": ["in_progress", "resolved"]},
                            {"transition": "resolve"}))
                row["resolved_at"] = t
            t += timedelta(hours=rng.randrange(1, 72))
            if t < end:
                log.append((t, row["requester_id"], "transition",
                            {"status": ["resolved", "closed"]}, {"transition": "close"}))
                status, row["closed_at"] = "closed", t
                if rng.random() < 0.6:
                    score = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 10, 12])[0]
                    row["rating"], row["rated_at"] = score, t
                    log.append((t, row["requester_id"], "rated", {"rating": [None, score]}, {}))
        row["status"] = status
        req_rows.append(row)
        for at, actor, kind, changes, data in log:
            events.append({"request_id": rid, "actor_id": actor, "at": at, "kind": kind,
                           "changes": changes, "data": data, "public": True})
        if len(req_rows) >= CHUNK:
            _flush(session, req_rows, events)
    _flush(session, req_rows, events)


def _flush(session: Any, req_rows: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    for row in req_rows:
        for key in ("first_response_at", "resolved_at", "closed_at", "rating", "rated_at"):
            row.setdefault(key, None)
    if req_rows:
        session.execute(insert(ServiceRequest.__table__), req_rows)
    if events:
        session.execute(insert(Event.__table__), events)
    session.commit()
    req_rows.clear()
    events.clear()


def _login(client: Any, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no sign-in form"
    resp = client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token.group(1)})
    assert resp.status_code == 302, f"{username} could not sign in"


def time_pages(app: Any, pages: list[tuple[str, str, str]], runs: int) -> list[dict[str, Any]]:
    """Render each page ``runs`` times after a warm-up: the median and worst times, and the
    median CPU time of this process."""
    out = []
    for label, username, url in pages:
        client = app.test_client()
        _login(client, username)
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        times, cpu = [], []
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            resp = client.get(url)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            assert resp.status_code == 200
        # CPU time too: SQLite runs in this process, so on a busy machine it is the time the
        # page would take on an idle one (PostgreSQL's work is in the server's processes)
        out.append({"page": label, "url": url, "median_ms": statistics.median(times) * 1000,
                    "max_ms": max(times) * 1000, "cpu_ms": statistics.median(cpu) * 1000})
    return out


def main() -> None:
    """Build the data, backfill, time the dashboards, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--home", type=Path, default=None,
                        help="keep the SQLite file there; a second run reuses its data")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="hd-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{home / 'bench.sqlite'}"
    hd = HelpDesk(Settings(database_url=url, home=home))
    migrate.upgrade(hd)
    rng = random.Random(args.seed)
    end = datetime.now(UTC)
    with hd.session_scope() as session:
        existing = session.scalar(select(ServiceRequest.created_at)
                                  .order_by(ServiceRequest.created_at.desc()).limit(1))
    if existing is None:
        build(hd, rng, args.requests, end)
    else:
        end = existing + timedelta(hours=1)
        print(f"reusing the data in {hd.settings.database_url}")
    time_all(hd, end, args.runs)


def build(hd: HelpDesk, rng: random.Random, count: int, end: datetime) -> None:
    """Write the organisation and ``count`` requests, then backfill their figures."""
    with hd.session_scope() as session:
        began = time.perf_counter()
        org = people(session, rng)
        categories = [c.name for c in hd.host.categories()]
        requests(session, rng, org, count, categories, end)
        generated = time.perf_counter() - began
        began = time.perf_counter()
        done = backfill(session, batch=1000)
        session.commit()
        backfilled = time.perf_counter() - began
    print(f"{count} requests written in {generated:.1f} s; "
          f"figures of {done} backfilled in {backfilled:.1f} s ({hd.settings.database_url})")


def time_all(hd: HelpDesk, end: datetime, runs: int) -> None:
    """Time every dashboard on the data ending at ``end``."""
    from web.app import create_app

    app = create_app(hd, {"TESTING": True})
    year = f"start={(end - timedelta(days=364)).date()}&end={end.date()}"
    pages = [
        ("manager, 30 days", "manager", "/manage/dashboard"),
        ("manager, a year", "manager", f"/manage/dashboard?{year}"),
        ("manager reports by person, a year", "manager", f"/manage/reports?by=person&{year}"),
        ("lead, 14 days", "lead", "/dispatch/dashboard"),
        ("technician, 30 days", "t00", "/desk/dashboard"),
        ("technician, a year", "t00", f"/desk/dashboard?{year}"),
        ("drill-down, a year, late resolutions", "manager",
         f"/manage/reports/requests?metric=late_resolution&{year}"),
    ]
    for row in time_pages(app, pages, runs):
        print(f"{row['page']:<40} median {row['median_ms']:7.1f} ms   "
              f"max {row['max_ms']:7.1f} ms   cpu {row['cpu_ms']:7.1f} ms")
    hd.dispose()


if __name__ == "__main__":
    main()
