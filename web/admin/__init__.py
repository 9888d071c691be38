"""The administrator's area: plugins and their settings, accounts, departments, IT groups."""

from web.admin import departments, groups, plugins, users  # noqa: F401  (they add the routes)
from web.admin.blueprint import bp

__all__ = ["bp"]
