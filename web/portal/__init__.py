"""The employees' self-service portal: file requests, follow them, reply, close and rate."""

from web.portal.views import bp

__all__ = ["bp"]
