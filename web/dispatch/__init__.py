"""The help desk lead's area: intake, phone intake, assignment, tasks, workload, force-close."""

from web.dispatch import close, intake, load, phone, split  # noqa: F401  (they add the routes)
from web.dispatch.blueprint import bp

__all__ = ["bp"]
