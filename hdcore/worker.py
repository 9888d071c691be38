"""The worker: runs the periodic jobs (SLA sweeps, reminders, outgoing mail, mail polling).

Jobs come from the plugins through ``hd_worker_jobs`` (the core's own jobs are its built-in
plugin's). Each job gets the help desk and the current time, does its work in its own
transactions and returns how many items it handled. A job must be idempotent and safe with
several workers running at once: claim rows in the database (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, an atomic ``UPDATE ... WHERE`` on SQLite), never in process memory.

When the database cannot be reached the worker does not stop: it logs, waits (doubling the
wait up to :data:`MAX_BACKOFF`) and tries again; the job that met the outage is not counted as
run, so it runs as soon as the database is back. Claimed rows are left to their lease. A
worker started while the database is down waits for it the same way (:func:`when_reachable`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hdcore import clock
from hdcore.db import unreachable

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

log = logging.getLogger("hdcore.worker")

#: Errors that say the database cannot be reached now, not that the job is wrong.
DB_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
#: The longest wait, in seconds, between two tries while the database is unreachable.
MAX_BACKOFF = 60.0

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """A periodic piece of work: its name, how often it runs, and the function."""

    name: str
    every: timedelta
    run: Callable[[HelpDesk, datetime], int]
    plugin: str = field(default="", compare=False)


@dataclass
class JobResult:
    """What one run of a job did."""

    job: str
    handled: int = 0
    error: str | None = None
    #: The database could not be reached: the job did not run, and should run again soon.
    unavailable: bool = False


def jobs_of(helpdesk: HelpDesk) -> list[Job]:
    """Every job the plugins declare (disabled plugins' jobs are skipped at run time)."""
    from dataclasses import replace

    found: list[Job] = []
    for plugin, jobs in helpdesk.host.call_all("hd_worker_jobs"):
        found.extend(replace(j, plugin=plugin) for j in jobs)
    return found


def run_once(helpdesk: HelpDesk, only: set[str] | None = None) -> list[JobResult]:
    """Run every (enabled) job once, now; a failing job is logged and does not stop the others."""
    results = []
    with helpdesk.session_scope() as session:
        disabled = helpdesk.host.disabled_plugins(session)
    for job in jobs_of(helpdesk):
        if job.plugin in disabled or (only and job.name not in only):
            continue
        results.append(_run(helpdesk, job))
    return results


def _run(helpdesk: HelpDesk, job: Job) -> JobResult:
    try:
        handled = job.run(helpdesk, clock.now())
        if handled:
            log.info("%s: %d handled", job.name, handled)
        return JobResult(job.name, handled)
    except Exception as exc:  # one broken job must not stop the worker
        if unreachable(exc):
            log.warning("job %s: the database cannot be reached: %s", job.name,
                        _first_line(exc))
            return JobResult(job.name, error=f"{type(exc).__name__}: {_first_line(exc)}",
                             unavailable=True)
        log.exception("job %s failed", job.name)
        return JobResult(job.name, error=f"{type(exc).__name__}: {exc}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def run_forever(helpdesk: HelpDesk, stop: threading.Event | None = None,
                tick: float = 5.0, max_backoff: float = MAX_BACKOFF) -> None:
    """Run each job at its interval until ``stop`` is set (Ctrl+C ends the CLI's loop).

    While the database is unreachable, wait ``tick``, then twice as long each time, at most
    ``max_backoff`` seconds, and try again.
    """
    stop = stop or threading.Event()
    last: dict[str, datetime] = {}
    failures = 0
    while not stop.is_set():
        try:
            reachable = _tick(helpdesk, last)
        except DB_UNAVAILABLE as exc:  # not even the plugins' states could be read
            if not unreachable(exc):
                raise
            log.warning("the database cannot be reached: %s", _first_line(exc))
            reachable = False
        if reachable:
            if failures:
                log.info("the database is reachable again")
            failures, wait = 0, tick
        else:
            failures += 1
            wait = backoff(failures, tick, max_backoff)
            # Connections to a database that went away are useless; new ones on demand.
            helpdesk.engine.dispose()
            log.warning("trying again in %g s (attempt %d)", wait, failures)
        stop.wait(wait)


def backoff(failures: int, tick: float, max_backoff: float = MAX_BACKOFF) -> float:
    """Seconds to wait after ``failures`` failed tries in a row: ``tick``, then twice as long
    each time, at most ``max_backoff`` (never less than ``tick``)."""
    return float(min(tick * 2 ** (failures - 1), max(max_backoff, tick)))


def when_reachable(attempt: Callable[[], T], *, stop: threading.Event | None = None,
                   tick: float = 5.0, max_backoff: float = MAX_BACKOFF,
                   after_failure: Callable[[], None] | None = None) -> T | None:
    """``attempt()``'s answer, trying again, with the worker's back-off, for as long as it
    fails because the database cannot be reached (any other error is raised). None when
    ``stop`` is set first. ``after_failure`` runs after each failed try (to drop connections).

    For a worker started while the database is down: a host booting, a database restarting
    for an upgrade. It waits instead of exiting, as it does when the database goes away later.
    """
    stop = stop or threading.Event()
    failures = 0
    while not stop.is_set():
        try:
            answer = attempt()
        except DB_UNAVAILABLE as exc:
            if not unreachable(exc):
                raise
            failures += 1
            wait = backoff(failures, tick, max_backoff)
            log.warning("the database cannot be reached: %s; trying again in %g s (attempt %d)",
                        _first_line(exc), wait, failures)
            if after_failure is not None:
                after_failure()
            stop.wait(wait)
            continue
        if failures:
            log.info("the database is reachable")
        return answer
    return None


def _tick(helpdesk: HelpDesk, last: dict[str, datetime]) -> bool:
    """Run the jobs that are due; False when the database could not be reached."""
    now = clock.now()
    with helpdesk.session_scope() as session:
        disabled = helpdesk.host.disabled_plugins(session)
    for job in jobs_of(helpdesk):
        if job.plugin in disabled:
            continue
        if job.name not in last or now - last[job.name] >= job.every:
            if _run(helpdesk, job).unavailable:
                return False  # not marked as run: it runs as soon as the database is back
            last[job.name] = now
    return True
