"""The worker: runs the periodic jobs (SLA sweeps, reminders, outgoing mail, mail polling).

Jobs come from the plugins through ``hd_worker_jobs`` (the core's own jobs are its built-in
plugin's). Each job gets the help desk and the current time, does its work in its own
transactions and returns how many items it handled. A job must be idempotent and safe with
several workers running at once: claim rows in the database (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, an atomic ``UPDATE ... WHERE`` on SQLite), never in process memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hdcore import clock

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

log = logging.getLogger("hdcore.worker")


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
        log.exception("job %s failed", job.name)
        return JobResult(job.name, error=f"{type(exc).__name__}: {exc}")


def run_forever(helpdesk: HelpDesk, stop: threading.Event | None = None,
                tick: float = 5.0) -> None:
    """Run each job at its interval until ``stop`` is set (Ctrl+C ends the CLI's loop)."""
    stop = stop or threading.Event()
    last: dict[str, datetime] = {}
    while not stop.is_set():
        now = clock.now()
        with helpdesk.session_scope() as session:
            disabled = helpdesk.host.disabled_plugins(session)
        for job in jobs_of(helpdesk):
            if job.plugin in disabled:
                continue
            if job.name not in last or now - last[job.name] >= job.every:
                last[job.name] = now
                _run(helpdesk, job)
        stop.wait(tick)
