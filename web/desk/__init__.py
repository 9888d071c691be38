"""The technicians' desk: the work queue, the request workspace and the actions taken there."""

from web.desk import actions, edit, queue, tasks, workspace  # noqa: F401  (they add the routes)
from web.desk.blueprint import bp

__all__ = ["bp"]
