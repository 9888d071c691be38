"""The installed base as an essential built-in plugin: the worker's threshold job."""

from __future__ import annotations

from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.plugin import HelpdeskPlugin
from hdcore.services.counter_rules import JOB_EVERY, JOB_NAME, threshold_job
from hdcore.worker import Job


class AssetsPlugin(HelpdeskPlugin):
    """Checks the counters' threshold rules periodically; cannot be disabled."""

    name = "assets"
    title = _("Installed base")
    description = _("Assets, their counters, and the requests threshold rules open by "
                    "themselves.")
    essential = True

    @hookimpl
    def hd_worker_jobs(self) -> list[Job]:
        """Age counters grow by themselves: check every rule once an hour."""
        return [Job(JOB_NAME, JOB_EVERY, threshold_job)]
