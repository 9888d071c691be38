"""The employees' self-service portal: file requests, follow them, reply, close and rate."""

import web.portal.equipment  # noqa: F401  (routes)
from web.portal import surveys  # noqa: F401  (routes)
from web.portal.views import bp

__all__ = ["bp"]
