"""``helpdesk plugins ...`` and ``helpdesk user ...``: the operator's administration commands."""

from __future__ import annotations

import sys

import click

from hdcore import Role
from hdcore import services as svc
from hdcore.migrate import MigrationError
from hdcore.plugin_removal import drop_plugin_tables, plugin_tables
from web.cli_base import CliState, pass_state


@click.group("plugins")
def plugins_group() -> None:
    """List, enable and disable plugins (service categories)."""


@plugins_group.command("list")
@pass_state
def plugins_list(state: CliState) -> None:
    """Show every installed plugin, whether it is enabled, and its categories."""
    hd = state.ready_helpdesk()
    host = hd.host
    rows = [("NAME", "TITLE", "VERSION", "ENABLED", "ESSENTIAL", "CATEGORIES")]
    with hd.session_scope() as session:
        disabled = host.disabled_plugins(session)
        for p in host.plugins():
            cats = ",".join(c.name for c in host.categories() if c.plugin == p.name)
            rows.append((p.name, str(p.title), p.version,
                         "no" if p.name in disabled else "yes",
                         "yes" if p.essential else "no", cats or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]))


def _switch(state: CliState, name: str, enabled: bool) -> None:
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        svc.set_plugin_enabled(session, None, name, enabled)
        cats = ", ".join(c.name for c in hd.host.categories() if c.plugin == name)
    if enabled:
        click.echo(f"Plugin {name} enabled." + (f" Categories open: {cats}." if cats else ""))
    else:
        click.echo(f"Plugin {name} disabled." + (
            f" No new requests in: {cats}; existing ones stay readable and closable."
            if cats else ""))


@plugins_group.command("enable")
@click.argument("name")
@pass_state
def plugins_enable(state: CliState, name: str) -> None:
    """Switch the plugin NAME on for every running process."""
    _switch(state, name, True)


@plugins_group.command("disable")
@click.argument("name")
@pass_state
def plugins_disable(state: CliState, name: str) -> None:
    """Switch the plugin NAME off (its categories take no new requests)."""
    _switch(state, name, False)


@plugins_group.command("drop-tables")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def plugins_drop_tables(state: CliState, name: str, yes: bool) -> None:
    """Remove the plugin NAME's tables (and their rows) before uninstalling its package.

    Takes the plugin's migration branch down, so that `helpdesk db upgrade` still works once
    the package is gone. Refused while the plugin is enabled, and when requests were filed in
    its categories (keep it installed and disabled then).
    """
    hd = state.ready_helpdesk()
    try:
        found = plugin_tables(hd, name)
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from exc
    listed = ", ".join(f"{t} ({rows} row(s))" for t, rows in found.rows.items()) or "none left"
    click.echo(f"The plugin {name}'s tables in {state.display_url}: {listed}.")
    if not yes:
        click.confirm("Remove them, with their rows, for good?", abort=True)
    drop_plugin_tables(hd, name)
    click.echo(f"Removed the plugin {name}'s tables; its package can now be uninstalled. "
               "While it stays installed, `helpdesk db upgrade` makes them again, empty.")


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name, e.g. 张伟.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.EMPLOYEE.value,
              show_default=True, help="What the person does in the help desk.")
@click.option("--email", help="E-mail address (notifications go there).")
@click.option("--department", metavar="CODE", help="Code of the person's department, e.g. FIN.")
@click.option("--group", "groups", multiple=True, metavar="NAME",
              help="IT group to join (repeat for several).")
@click.option("--employee-no", help="Employee number.")
@click.option("--phone", help="Phone number or extension.")
@click.option("--password", help="Password (asked twice, hidden, when left out on a terminal).")
@pass_state
def user_add(state: CliState, username: str, full_name: str, role: str, email: str | None,
             department: str | None, groups: tuple[str, ...], employee_no: str | None,
             phone: str | None, password: str | None) -> None:
    """Create the account USERNAME."""
    hd = state.ready_helpdesk()
    if password is None:
        if not sys.stdin.isatty():
            raise click.ClickException(
                "No --password given and no terminal to ask for one on; pass --password."
            )
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with hd.session_scope() as session:
        user = svc.create_user(
            session, None, username=username, full_name=full_name, role=role, email=email,
            department=department, groups=groups, employee_no=employee_no, phone=phone,
            password=password,
        )
        click.echo(f"Created {Role(user.role).label.lower()} {user.username} ({user.full_name}).")
