"""What every ``helpdesk`` command shares: the one HelpDesk, and core errors as plain messages."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from hdcore import HelpDesk, Settings, migrate
from hdcore.errors import HelpdeskError, PermissionDenied, PluginError, ValidationFailed
from hdcore.plugin_versions import apply_plugin_versions


class CliState:
    """The command line's settings; builds the HelpDesk once, when a command first needs it."""

    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self._helpdesk: HelpDesk | None = None

    @property
    def helpdesk(self) -> HelpDesk:
        """The help desk for this invocation (closed when the command ends)."""
        if self._helpdesk is None:
            overrides = {"database_url": self.database_url} if self.database_url else {}
            self._helpdesk = HelpDesk(Settings.from_env(**overrides))
        return self._helpdesk

    @property
    def display_url(self) -> str:
        """The database URL with any password hidden."""
        return make_url(self.helpdesk.settings.database_url).render_as_string(hide_password=True)

    def ready_helpdesk(self) -> HelpDesk:
        """The help desk, refusing clearly when its database is missing tables or migrations."""
        hd = self.helpdesk
        if not inspect(hd.engine).has_table("user_account"):
            raise click.ClickException(
                f"The database {self.display_url} has no help desk tables yet; "
                "run `helpdesk db upgrade` first."
            )
        todo = migrate.pending(hd)
        if todo:
            raise click.ClickException(
                f"The database {self.display_url} is behind this version of the help desk "
                f"({len(todo)} migration(s) to apply); run `helpdesk db upgrade` first."
            )
        return hd

    def close(self) -> None:
        """Release the database connections."""
        if self._helpdesk is not None:
            self._helpdesk.dispose()
            self._helpdesk = None


pass_state = click.make_pass_decorator(CliState)


def upgrade_database(helpdesk: HelpDesk) -> list[str]:
    """Bring the database to the newest schema, then to the plugins' versions (moving requests
    out of states a plugin's new version removed); what was applied (none if up to date)."""
    todo = migrate.pending(helpdesk)
    migrate.upgrade(helpdesk)
    return todo + [str(report) for report in apply_plugin_versions(helpdesk)]


class CoreFailure(click.ClickException):
    """A core error shown as a readable message (exit code 1)."""

    exit_code = 1


def describe(exc: Exception) -> str:
    """A one-paragraph explanation of a core or database error for the operator."""
    if isinstance(exc, ValidationFailed):
        lines = [f"  {field}: {' '.join(reasons)}" for field, reasons in exc.errors.items()]
        return "the input was refused:\n" + "\n".join(lines)
    if isinstance(exc, PermissionDenied):
        return f"not allowed: {exc}"
    if isinstance(exc, PluginError):
        return f"plugin problem: {exc}"
    if isinstance(exc, HelpdeskError):
        return str(exc)
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if isinstance(exc, OperationalError | ProgrammingError):
        return (f"database error: {first}\n"
                "Is the database reachable, and was `helpdesk db upgrade` run?")
    return f"database error: {first}"


class HelpdeskGroup(click.Group):
    """The top-level group: turns core and database errors into messages, never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, mapping the errors it raises."""
        try:
            return super().invoke(ctx)
        except (HelpdeskError, SQLAlchemyError) as exc:
            raise CoreFailure(describe(exc)) from exc
