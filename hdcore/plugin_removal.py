"""Taking a plugin's tables out of the database before its package is uninstalled.

A plugin with tables has its own migration branch (see :mod:`hdcore.migrate`). Uninstalling
its package while the database still records that branch leaves a revision nobody knows, and
the next ``helpdesk db upgrade`` stops on it. So the branch is taken down first, while the
package (and so its revisions) is still installed, and only when nothing needs it any more:
the plugin is disabled, so no process files requests in its categories or runs its hooks, and
no request was ever filed in its categories, since those requests cannot be shown without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, inspect, select, table

from hdcore import migrate
from hdcore.migrate import MigrationError
from hdcore.models import ServiceRequest

if TYPE_CHECKING:
    from hdcore.app import HelpDesk


@dataclass(frozen=True)
class PluginTables:
    """A plugin's tables now in the database, with the rows each holds."""

    plugin: str
    rows: dict[str, int]


def plugin_tables(helpdesk: HelpDesk, name: str) -> PluginTables:
    """What taking the plugin ``name``'s branch down would remove.

    Raises :class:`~hdcore.migrate.MigrationError`, saying what to do, when it may not be taken
    down: the plugin is not installed, has no tables of its own, has none in this database, is
    still enabled, or requests were filed in its categories.
    """
    host = helpdesk.host
    if name == migrate.CORE_BRANCH:
        raise MigrationError("the core's own tables are not a plugin's to remove")
    if name not in {plugin.name for plugin in host.plugins()}:
        raise MigrationError(
            f"no plugin {name!r} is installed: its tables can only be removed while its package "
            "(which carries its migrations) is installed")
    if name not in migrate.branch_folders(helpdesk):
        raise MigrationError(
            f"the plugin {name} has no tables of its own; its package can be uninstalled as it is")
    directory = migrate.scripts(helpdesk)
    applied = [head for head in migrate.current_heads(helpdesk)
               if name in (directory.get_revision(head).branch_labels or ())]
    if not applied:
        raise MigrationError(
            f"the plugin {name}'s tables are not in this database (its migrations were never "
            "applied here, or were taken down already)")
    categories = sorted(c.name for c in host.categories() if c.plugin == name)
    with helpdesk.session_scope() as session:
        if name not in host.disabled_plugins(session):
            raise MigrationError(
                f"the plugin {name} is enabled: disable it first (helpdesk plugins disable "
                f"{name}), so that no running process uses its tables")
        filed = session.scalar(select(func.count()).select_from(ServiceRequest).where(
            ServiceRequest.category.in_(categories))) if categories else 0
    if filed:
        raise MigrationError(
            f"{filed} request(s) were filed in the plugin {name}'s categories "
            f"({', '.join(categories)}); they cannot be shown without it, so keep the plugin "
            "installed and disabled")
    with helpdesk.engine.connect() as conn:
        owned = sorted(t for t in inspect(conn).get_table_names()
                       if migrate.table_owner(helpdesk, t) == name)
        rows = {t: int(conn.scalar(select(func.count()).select_from(table(t))) or 0)
                for t in owned}
    return PluginTables(name, rows)


def drop_plugin_tables(helpdesk: HelpDesk, name: str) -> PluginTables:
    """Take the plugin ``name``'s migration branch down (its tables and their rows go), after
    the checks of :func:`plugin_tables`; what was removed. One transaction: a failure leaves
    the database as it was."""
    found = plugin_tables(helpdesk, name)
    migrate.downgrade(helpdesk, f"{name}@base")
    return found

