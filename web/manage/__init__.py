"""The IT manager's area: the overview of open work and the escalated requests."""

from web.manage import (  # noqa: F401  (they add the routes)
    analytics,
    deescalate,
    escalations,
    evaluations,
    overview,
    vendors,
)
from web.manage.blueprint import bp

__all__ = ["bp"]
