"""The help desk lead's area: intake, phone intake, assignment, tasks, workload, force-close."""

from web.dispatch import (  # noqa: F401  (routes)
    analytics,
    close,
    intake,
    load,
    mail,
    phone,
    split,
)
from web.dispatch.blueprint import bp

__all__ = ["bp"]
