"""The ``helpdesk`` command: database upgrades, demo data, the web server, plugins and accounts."""

from __future__ import annotations

import click

from hdcore import __version__
from hdcore.demo import DemoSummary, load_demo
from web.cli_admin import plugins_group, user_group
from web.cli_analytics import analytics_group
from web.cli_assets import assets_group, counters_group
from web.cli_backup import backup_command, restore_command
from web.cli_base import CliState, HelpdeskGroup, pass_state, upgrade_database
from web.cli_import import import_group
from web.cli_kb import search_group
from web.cli_mail import mail_group
from web.cli_plugin import plugin_commands, plugin_group
from web.cli_tokens import token_group

ALL_INTERFACES = ("0.0.0.0", "::", "")


@click.group(cls=HelpdeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database-url", metavar="URL",
              help="Database to use (default: $HELPDESK_DATABASE_URL, else the embedded SQLite "
                   "file under $HELPDESK_HOME or ./instance).")
@click.version_option(__version__, prog_name="helpdesk")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Run and administer the IT help desk."""
    state = CliState(database_url)
    ctx.obj = state
    ctx.call_on_close(state.close)


@main.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@pass_state
def db_upgrade(state: CliState) -> None:
    """Bring the database to the newest schema (safe to run again)."""
    applied = upgrade_database(state.helpdesk)
    if applied:
        click.echo(f"Database {state.display_url} upgraded; applied: {', '.join(applied)}.")
    else:
        click.echo(f"Database {state.display_url} was already up to date.")


@main.command("demo")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already has accounts.")
@pass_state
def demo(state: CliState, if_empty: bool) -> None:
    """Load demo data into an empty database.

    Departments with their heads, IT groups, accounts (password "demo"), the plugins' example
    vendors, and a few dozen requests in every category, walked through their workflows.
    """
    hd = state.ready_helpdesk()
    summary = load_demo(hd, if_empty=if_empty)
    if not summary.loaded:
        click.echo(summary.message)
        return
    _print_summary(summary)


def _print_summary(s: DemoSummary) -> None:
    click.echo(f"Demo data loaded in {s.seconds:.1f} s:")
    click.echo(f"  {s.departments} departments, {s.groups} IT groups, {s.users} accounts, "
               f"{s.vendors} vendors")
    click.echo(f"  {s.requests} requests, {s.comments} comments, {s.escalations} escalations, "
               f"{s.ratings} ratings")
    click.echo("  by category: " + ", ".join(f"{k} {v}" for k, v in s.by_category.items()))
    click.echo("  by status:   " + ", ".join(f"{k} {v}" for k, v in s.by_status.items()))
    click.echo(f"Accounts to try (every demo account's password is {s.password!r}):")
    width = max(len(a.username) for a in s.accounts)
    for a in s.accounts:
        click.echo(f"  {a.username:<{width}}  {a.full_name}  ({a.note})")
    for note in s.adjustments:
        click.echo(f"note: {note}")
    for warning in s.warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--debug", is_flag=True,
              help="Reload on code changes and show the interactive debugger (never in "
                   "production).")
@pass_state
def serve(state: CliState, host: str, port: int, debug: bool) -> None:
    """Run the web application with werkzeug's threaded server."""
    from werkzeug.serving import run_simple

    from web.app import create_app

    hd = state.ready_helpdesk()
    app = create_app(hd)
    app.debug = debug
    shown = "127.0.0.1" if host in ALL_INTERFACES else host
    if ":" in shown:
        shown = f"[{shown}]"
    where = " (listening on every interface)" if host in ALL_INTERFACES else ""
    click.echo(f"Help desk on {state.display_url}")
    click.echo(f"Open http://{shown}:{port}/ in a browser{where}. Press Ctrl+C to stop.")
    run_simple(host, port, app, threaded=True, use_debugger=debug, use_reloader=debug)


@main.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or tests).")
@click.option("--job", "jobs", multiple=True, metavar="NAME",
              help="Run only this job (repeatable).")
@click.option("--tick", default=5.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds between checks for jobs that are due.")
@pass_state
def worker_command(state: CliState, once: bool, jobs: tuple[str, ...], tick: float) -> None:
    """Run the periodic jobs: SLA sweeps, reminders, outgoing mail, mail polling."""
    import logging

    from hdcore import worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Run as a service, the worker may start before the database does: it waits for it.
    # Once (from cron or by hand) it reports the outage and exits.
    hd = state.ready_helpdesk() if once else worker.when_reachable(
        state.ready_helpdesk, tick=tick, after_failure=state.close)
    assert hd is not None  # no stop event: it returns only with the help desk
    names = [j.name for j in worker.jobs_of(hd)]
    unknown = sorted(set(jobs) - set(names))
    if unknown:
        raise click.ClickException(f"unknown job {', '.join(unknown)}; jobs: {', '.join(names)}")
    if once:
        for result in worker.run_once(hd, set(jobs) or None):
            status = f"error: {result.error}" if result.error else f"{result.handled} handled"
            click.echo(f"{result.job}: {status}")
        return
    click.echo(f"Worker on {state.display_url} running: {', '.join(names) or 'no jobs'}. "
               "Press Ctrl+C to stop.")
    try:
        worker.run_forever(hd, tick=tick)
    except KeyboardInterrupt:
        click.echo("Worker stopped.")


main.add_command(plugins_group)
main.add_command(user_group)
main.add_command(mail_group)
main.add_command(import_group)
main.add_command(token_group)
main.add_command(plugin_group)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(assets_group)
main.add_command(counters_group)
main.add_command(search_group)
main.add_command(analytics_group)
for _command in plugin_commands():  # commands plugins add (hd_cli_commands)
    main.add_command(_command)
