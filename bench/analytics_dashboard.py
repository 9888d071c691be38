"""Benchmark of the dashboards: the benchmark's data set (two years of requests of a 5 000-employee
company with their figures, see :mod:`bench.dataset`), then each dashboard (the manager's, the
lead's, a technician's) rendered through the Flask test client and timed.

    python -m bench.analytics_dashboard                 # 100 000 requests on SQLite
    python -m bench.analytics_dashboard --requests 20000 --database-url postgresql://...

The database must be empty, or hold a data set generated earlier (``--home`` keeps the SQLite
file; a second run reuses it).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hdcore import HelpDesk, Settings, migrate
from hdcore.models import ServiceRequest

if not __package__:  # run as ``python bench/analytics_dashboard.py``: the repository's root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.dataset import Dataset, generate, load
from bench.dataset_people import PASSWORD

RUNS = 5


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
    """Build the data (or reuse it), time the dashboards, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--home", type=Path, default=None,
                        help="keep the SQLite file there; a second run reuses its data")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="hd-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{home / 'bench.sqlite'}"
    hd = HelpDesk(Settings(database_url=url, home=home))
    migrate.upgrade(hd)
    with hd.session_scope() as session:
        existing = session.scalar(select(ServiceRequest.created_at)
                                  .order_by(ServiceRequest.created_at.desc()).limit(1))
    if existing is None:
        end = datetime.now(UTC)
        data = generate(hd, args.requests, seed=args.seed, end=end)
    else:
        end = existing + timedelta(hours=1)
        data = load(hd)
        print(f"reusing the data in {hd.settings.database_url}")
    time_all(hd, data, end, args.runs)


def time_all(hd: HelpDesk, data: Dataset, end: datetime, runs: int) -> None:
    """Time every dashboard on the data ending at ``end``."""
    from web.app import create_app

    app = create_app(hd, {"TESTING": True})
    year = f"start={(end - timedelta(days=364)).date()}&end={end.date()}"
    tech = data.technicians[0]
    pages = [
        ("manager, 30 days", data.manager, "/manage/dashboard"),
        ("manager, a year", data.manager, f"/manage/dashboard?{year}"),
        ("manager reports by person, a year", data.manager,
         f"/manage/reports?by=person&{year}"),
        ("lead, 14 days", data.lead, "/dispatch/dashboard"),
        ("technician, 30 days", tech, "/desk/dashboard"),
        ("technician, a year", tech, f"/desk/dashboard?{year}"),
        ("drill-down, a year, late resolutions", data.manager,
         f"/manage/reports/requests?metric=late_resolution&{year}"),
    ]
    for row in time_pages(app, pages, runs):
        print(f"{row['page']:<40} median {row['median_ms']:7.1f} ms   "
              f"max {row['max_ms']:7.1f} ms   cpu {row['cpu_ms']:7.1f} ms")
    hd.dispose()


if __name__ == "__main__":
    main()
