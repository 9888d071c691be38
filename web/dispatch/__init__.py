"""The help desk lead's area: intake, phone intake, assignment, tasks, workload, force-close."""

from web.dispatch import close, intake, load, mail, phone, split  # noqa: F401  (routes)
from web.dispatch.blueprint import bp

__all__ = ["bp"]
