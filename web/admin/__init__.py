"""The administrator's area: plugins and their settings, accounts, departments, IT groups."""

from web.admin import (  # noqa: F401  (they add the routes)
    assets,
    calendars,
    departments,
    groups,
    imports,
    mail,
    outbox,
    plugins,
    resources,
    routing,
    sla_policies,
    surveys,
    users,
    vendors,
)
from web.admin.blueprint import bp

__all__ = ["bp"]
