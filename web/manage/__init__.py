"""The IT manager's area: the overview of open work and the escalated requests."""

from web.manage import deescalate, escalations, overview  # noqa: F401  (they add the routes)
from web.manage.blueprint import bp

__all__ = ["bp"]
