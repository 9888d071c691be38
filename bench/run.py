"""The benchmark: generate the data, start the help desk as in production, measure, compare
with the floor, print the figures beside their targets.

    python -m bench                    # N = 10 000 and 100 000, SQLite and PostgreSQL
    python -m bench --sizes 10000,100000,1000000 --databases sqlite
    python -m bench --home DIR         # keep the SQLite data sets; reruns reuse them
    python -m bench --smoke            # tiny N, few repetitions: checks it all works
    python -m bench --scale-out        # also two servers and two workers on PostgreSQL

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench import floor_app, report, scenarios, server
from bench.client import Response, Stats
from bench.dataset import Dataset, generate, load
from hdcore import HelpDesk, Settings, migrate
from hdcore.models import ServiceRequest

SECRET = "bench-secret-key-not-for-production"


@dataclass
class Target:
    """Where one benchmark run happens: a database kind, its URL and a folder."""

    database: str
    url: str
    home: Path
    drop: Any = None  # called to remove the database afterwards


@dataclass
class Run:
    """Everything one (database, N) run measured."""

    database: str
    requests: int
    generated_s: float | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    sweep: dict[str, Any] = field(default_factory=dict)
    memory_mb: list[float] = field(default_factory=list)
    floor: dict[str, dict[str, Any]] = field(default_factory=dict)


def prepare(target: Target, n: int, articles: int) -> tuple[HelpDesk, Dataset, float | None]:
    """Migrate and fill the database (or reuse a filled one)."""
    hd = HelpDesk(Settings(database_url=target.url, home=target.home))
    migrate.upgrade(hd)
    with hd.session_scope() as session:
        filled = session.scalar(select(ServiceRequest.id).limit(1)) is not None
    if filled:
        data = load(hd)
        print(f"  reusing {data.requests:,} requests in {target.database}")
        return hd, data, None
    began = time.perf_counter()
    data = generate(hd, n, articles=articles)
    return hd, data, time.perf_counter() - began


def measure(target: Target, n: int, repeats: scenarios.Repeats, articles: int,
            due: int) -> Run:
    """One full run on one database at one N."""
    print(f"\n== {target.database}, N = {n:,}")
    run = Run(target.database, n)
    hd, data, run.generated_s = prepare(target, n, articles)
    if run.generated_s is not None:
        print(f"  data generated in {run.generated_s:.1f} s")
    people = data.employees[: repeats.clients] + data.technicians[:1]
    api_tokens = scenarios.tokens(hd, people)
    employee_tokens = {k: v for k, v in api_tokens.items() if k in data.employees}
    env = {"HELPDESK_DATABASE_URL": target.url, "HELPDESK_HOME": str(target.home),
           "HELPDESK_SECRET_KEY": SECRET}
    app = server.start(f"helpdesk-{target.database}-{n}", "web.wsgi:app", env, 2, target.home)
    try:
        run.figures.append(throughput(app, lambda: scenarios.creates(
            hd, [app.address], data, employee_tokens, repeats)))
        run.figures.append(throughput(app, lambda: scenarios.api_reads(
            hd, app.address, data, api_tokens, repeats)))
        for stats in scenarios.pages(hd, app.address, data, api_tokens, repeats):
            if stats.errors:
                raise RuntimeError(f"{stats.label}: {stats.errors} errors, {stats.first_error}")
            run.figures.append(stats.row())
        run.memory_mb = [round(m, 1) for m in app.peak_memory_mb()]
    finally:
        app.stop()
    run.sweep = scenarios.sweep(hd, due)
    hd.dispose()
    run.floor = measure_floor(target, repeats)
    report.print_run(run)
    return run


def throughput(app: server.Server,
               series: Callable[[], tuple[Stats, list[Response]]]) -> dict[str, Any]:
    """Run a concurrent series against ``app``: its figures and the processor time the web
    workers spent per call (with two cores shared by the workers and the client, that and not
    the database decides how many calls a second are possible)."""
    cpu = app.cpu_seconds()
    stats, answers = series()
    if stats.errors:
        raise RuntimeError(f"{stats.label}: {stats.errors} failed, {stats.first_error}")
    return {**stats.row(), "cpu_ms": round(
        (app.cpu_seconds() - cpu) * 1000 / max(1, len(answers)), 2)}


def measure_floor(target: Target, repeats: scenarios.Repeats) -> dict[str, dict[str, Any]]:
    """The floor app on the same database and server settings."""
    floor_app.prepare(target.url)
    env = {"BENCH_FLOOR_URL": target.url}
    floor = server.start(f"floor-{target.database}", "bench.floor_app:app", env, 2, target.home)
    try:
        made, read = scenarios.floor_figures(floor.address, repeats)
    finally:
        floor.stop()
    return {"create": made.row(), "select": read.row()}


def targets(databases: list[str], n: int, home: Path, pg: Any) -> list[Target]:
    """A fresh (or kept) database of each kind for N requests."""
    out = []
    for kind in databases:
        if kind == "sqlite":
            folder = home / f"sqlite-{n}"
            folder.mkdir(parents=True, exist_ok=True)
            out.append(Target("sqlite", f"sqlite:///{folder / 'helpdesk.sqlite'}", folder))
        else:
            name = pg.create_database()
            folder = home / f"postgresql-{n}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            out.append(Target("postgresql", pg.url(name), folder,
                              drop=lambda name=name: pg.drop_database(name)))
    return out


def postgres() -> Any:
    """A PostgreSQL server: ``HELPDESK_TEST_POSTGRES_URL``'s, or one started for this run."""
    from hdcore.testing.postgres import NOT_INSTALLED, session_server

    pg = session_server()
    if pg is None:
        raise SystemExit(f"cannot measure PostgreSQL: {NOT_INSTALLED}")
    return pg


def environment() -> dict[str, Any]:
    """The machine and versions the figures were measured on."""
    load1, load5, _ = os.getloadavg()
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(), "flask": version("flask"),
            "sqlalchemy": version("sqlalchemy"), "gunicorn": version("gunicorn"),
            "cpus": os.cpu_count(),
            "machine": platform.machine(), "system": platform.platform(terse=True),
            "load_before": [round(load1, 2), round(load5, 2)]}


def main(argv: list[str] | None = None, *, pg: Any = None) -> dict[str, Any]:
    """Parse the options, run every (database, N) combination, write the results and return
    them. ``pg`` is a PostgreSQL server to use (else one is started when needed)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="numbers of requests, separated by commas")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--home", type=Path, default=None,
                        help="folder for data sets and results (kept; SQLite data is reused)")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--due", type=int, default=1000, help="items due in the sweep")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny data and few repetitions: proves the benchmark works")
    parser.add_argument("--scale-out", action="store_true",
                        help="also run two servers and two workers on PostgreSQL")
    parser.add_argument("--out", type=Path, default=None, help="results file (JSON)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    repeats = scenarios.Repeats()
    articles, due = args.articles, args.due
    if args.smoke:
        repeats = scenarios.Repeats(pages=10, dashboard=3, creates_per_client=5, warmup=2)
        articles, due = min(articles, 40), min(due, 20)
    home = args.home or Path(tempfile.mkdtemp(prefix="hd-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    own_pg = pg is None and ("postgresql" in databases or args.scale_out)
    if own_pg:
        pg = postgres()
    env = environment()
    runs: list[Run] = []
    scale: dict[str, Any] | None = None
    try:
        for n in sizes:
            for target in targets(databases, n, home, pg):
                try:
                    runs.append(measure(target, n, repeats, articles, due))
                finally:
                    if target.drop:
                        target.drop()
        if args.scale_out:
            from bench import scaleout

            scale = scaleout.run(pg, home, sizes[0], repeats, articles, due)
    finally:
        if own_pg and pg.folder is not None:
            pg.stop()
    results = {"environment": env, "runs": [r.__dict__ for r in runs], "scale_out": scale}
    out = args.out or home / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report.print_summary(runs, scale)
    print(f"\nresults written to {out}")
    return results


if __name__ == "__main__":
    main()
