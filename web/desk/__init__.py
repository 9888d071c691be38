"""The technicians' desk: the work queue, the request workspace and the actions taken there."""

from web.desk import (  # noqa: F401  (they add the routes)
    actions,
    analytics,
    assets,
    edit,
    queue,
    routing,
    sla_panel,
    tasks,
    vendors,
    workspace,
)
from web.desk.blueprint import bp

__all__ = ["bp"]
