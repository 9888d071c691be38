"""The benchmark's data set: N requests over two years of a 5 000-employee company, written into
an empty migrated database by bulk inserts, so that every page and service works on it as on
data the application wrote itself.

    python -m bench.dataset --requests 100000 [--database-url URL] [--home DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset_text as text
from bench.dataset_due import make_due
from bench.dataset_life import DAY, Life, Org, history_sla, live
from bench.dataset_people import (
    MONITOR,
    PASSWORD,
    request_templates,
    write_articles,
    write_people,
)
from bench.dataset_rows import Rows
from bench.dataset_sla import SlaContext, metrics_from_clocks
from bench.dataset_sql import Writer, to_datetime, to_seconds
from hdcore import HelpDesk, Settings, migrate

#: Requests generated and written per transaction.
CHUNK = 20_000
#: The tables whose ids the generator gives (their sequences are moved on afterwards).
ID_TABLES = ("department", "user_account", "it_group", "kb_article", "kb_article_version",
             "service_request", "task", "event", "comment", "sla_fired_action", "search_doc")
SAMPLE = 200
OPEN_STATES = ("new", "assigned", "in_progress", "waiting_requester")
PRIORITIES = (("low", 15), ("normal", 58), ("high", 21), ("urgent", 6))
CHANNELS = (("web", 58), ("email", 16), ("phone", 21), ("api", 5))


@dataclass
class Dataset:
    """What a benchmark needs to know of a generated database."""

    requests: int  # how many requests were written
    password: str  # the password of every staff and employee account
    technicians: list[str]  # usernames of the 20 technicians
    lead: str
    manager: str
    admin: str
    employees: list[str]  # a sample of employees who have requests
    open_request_ids: list[int]  # a sample of open requests assigned to technicians
    request_ids: list[int]  # a sample of any requests
    kb_queries: list[str]  # searches, Chinese and English, that find articles
    categories: list[str]


def generate(hd: HelpDesk, requests: int, *, seed: int = 10, end: datetime | None = None,
             articles: int = 2000, progress: Callable[[str], None] = print) -> Dataset:
    """Fill hd's empty migrated database with ``requests`` requests over the two years before
    ``end`` (default now), the organisation, ``articles`` knowledge-base articles, and every
    derived row (SLA due times and actions, figures, search index); deterministic for a seed.
    """
    rng = random.Random(seed)
    end_s = to_seconds(end or datetime.now(UTC))
    categories = [c.name for c in hd.host.categories()]
    began, cpu = time.perf_counter(), time.process_time()
    w = Writer(hd)
    try:
        if w.execute("SELECT count(*) FROM service_request")[0][0]:
            raise ValueError("the database already holds requests; generate() needs an empty one")
        first = {t: (w.execute(f"SELECT max(id) FROM {t}")[0][0] or 0) + 1 for t in ID_TABLES}
        w.defer_search_index()
        org = write_people(w, rng, first, categories, end_s)
        docs = write_articles(w, rng, first, articles, org, categories, end_s)
        w.commit()
        progress(f"organisation and {articles} articles written "
                 f"({time.perf_counter() - began:.1f} s)")
        first["search_doc"] += docs
        _write_requests(hd, w, rng, requests, org, categories, end_s, first, progress)
        w.reset_sequences(ID_TABLES)
        progress("indexing and analysing the tables ...")
        w.finish()
    except BaseException:
        w.abort()
        raise
    elapsed = time.perf_counter() - began
    progress(f"{requests} requests in {elapsed:.1f} s ({requests / max(elapsed, 1e-9):,.0f}/s; "
             f"{time.process_time() - cpu:.1f} s CPU in this process)")
    return load(hd)


def _moments(rng: random.Random, count: int, end_s: int) -> list[int]:
    """Filing times over the two years before ``end_s``: working days and office hours mostly."""
    start = end_s - 730 * DAY
    # A desk always has a backlog: some requests of the last three days, whatever N is.
    recent = min(count, max(25, count // 500))
    out = [end_s - rng.randrange(600, 3 * DAY) for _n in range(recent)]
    while len(out) < count:
        day = rng.randrange(730)
        local_midnight = (start // DAY + day) * DAY - 8 * 3600
        weekday = ((local_midnight + 8 * 3600) // DAY + 3) % 7
        if weekday >= 5 and rng.random() > 0.12:
            continue
        if rng.random() < 0.9:
            second = rng.randrange(int(8.5 * 3600), 18 * 3600)
        else:
            second = rng.randrange(DAY)
        at = local_midnight + second
        if start <= at < end_s - 600:
            out.append(at)
    out.sort()
    return out


def _write_requests(hd: HelpDesk, w: Writer, rng: random.Random, count: int, org: Org,
                    categories: list[str], end_s: int, first: dict[str, int],
                    progress: Callable[[str], None]) -> None:
    templates = request_templates(hd, categories)
    weights = [text.CATEGORY_WEIGHTS.get(c, 10) for c in categories]
    moments = _moments(rng, count, end_s)
    rows = Rows(w, first)
    years: dict[int, int] = {}
    began = time.perf_counter()
    written = 0
    with hd.session_scope() as session:
        ctx = SlaContext(session)
        targets = ctx.targets(categories)
        for n, created in enumerate(moments):
            category = rng.choices(categories, weights)[0]
            title, description, details, _priority = rng.choice(templates[category])
            channel = rng.choices([c for c, _w in CHANNELS], [w_ for _c, w_ in CHANNELS])[0]
            requester = org.employees[int(len(org.employees) * rng.random() ** 1.4)]
            life = Life(
                id=first["service_request"] + n, category=category, title=title,
                description=description, details=details,
                priority=rng.choices([p for p, _w in PRIORITIES],
                                     [w_ for _p, w_ in PRIORITIES])[0],
                channel=channel, requester=requester,
                entered_by=org.lead if channel == "phone" else requester, created=created)
            cat_targets = targets.get(category, {})
            live(life, rng, org, end_s, cat_targets)
            figures = None
            if ctx.is_final(life):
                history_sla(life, cat_targets)
            else:
                ctx.settle(life, end_s, rng)
                figures = metrics_from_clocks(ctx, life)
            year = to_datetime(created).year
            years[year] = years.get(year, 0) + 1
            rows.add(life, f"SR-{year}-{years[year]:06d}", org.department_of.get(requester),
                     figures, cat_targets.get(life.priority))
            if (n + 1) % CHUNK == 0 or n + 1 == count:
                written += rows.flush()
                w.commit()
                seconds = time.perf_counter() - began
                progress(f"  {n + 1:>9,} requests ({written:,} rows) in {seconds:6.1f} s: "
                         f"{(n + 1) / seconds:,.0f} requests/s")
    for year, value in years.items():
        w.execute("DELETE FROM sequence WHERE name = ?", (f"SR-{year}",))
        w.execute("INSERT INTO sequence (name, value) VALUES (?, ?)", (f"SR-{year}", value))
    w.commit()


def load(hd: HelpDesk) -> Dataset:
    """The description of a database :func:`generate` filled earlier (so a benchmark can reuse
    a kept database without regenerating); the samples are chosen by the data, not at random."""
    w = Writer(hd, bulk=False)
    try:
        def names(role: str) -> list[str]:
            return [r[0] for r in w.execute(
                "SELECT username FROM user_account WHERE role = ? ORDER BY id", (role,))]

        monitor = w.execute("SELECT id FROM user_account WHERE username = ?", (MONITOR,))
        monitor_id = monitor[0][0] if monitor else -1
        requests = w.execute("SELECT count(*) FROM service_request WHERE requester_id <> ?",
                             (monitor_id,))[0][0]
        employees = [r[0] for r in w.execute(
            "SELECT u.username FROM user_account u WHERE u.role = 'employee' AND u.id <> ? "
            "AND EXISTS (SELECT 1 FROM service_request r WHERE r.requester_id = u.id) "
            f"ORDER BY u.id LIMIT {SAMPLE}", (monitor_id,))]
        marks = ", ".join("?" * len(OPEN_STATES))
        open_ids = [r[0] for r in w.execute(
            f"SELECT id FROM service_request WHERE status IN ({marks}) "
            "AND assignee_id IS NOT NULL AND requester_id <> ? ORDER BY id",
            (*OPEN_STATES, monitor_id))]
        lowest = w.execute("SELECT min(id) FROM service_request")[0][0] or 0
        articles = w.execute("SELECT count(*) FROM kb_article")[0][0]
        admins, leads, managers = names("admin"), names("lead"), names("manager")
        technicians = names("technician")
    finally:
        w.finish(analyze=False)
    step = max(1, len(open_ids) // SAMPLE)
    return Dataset(
        requests=requests, password=PASSWORD, technicians=technicians,
        lead=leads[0] if leads else "", manager=managers[0] if managers else "",
        admin=admins[0] if admins else "", employees=employees,
        open_request_ids=open_ids[::step][:SAMPLE],
        request_ids=sorted({lowest + i * max(requests - 1, 0) // (SAMPLE - 1)
                            for i in range(SAMPLE)}) if requests else [],
        kb_queries=text.kb_queries(articles),
        categories=[c.name for c in hd.host.categories()])


def main() -> None:
    """Generate a data set from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="hd-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    hd = HelpDesk(Settings(database_url=args.database_url or
                           f"sqlite:///{home / 'bench.sqlite'}", home=home))
    migrate.upgrade(hd)
    data = generate(hd, args.requests, seed=args.seed, articles=args.articles)
    print(f"{data.requests} requests in {hd.settings.database_url}")
    hd.dispose()


__all__ = ["Dataset", "generate", "load", "make_due"]

if __name__ == "__main__":
    main()
