"""Commands for plugin authors: ``helpdesk plugin new NAME`` and ``helpdesk plugins doctor``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from hdcore.doctor import ERROR, WARNING, diagnose_installed
from hdcore.scaffold import ScaffoldError, create_plugin
from web import hookspecs
from web.cli_admin import plugins_group


@click.group("plugin")
def plugin_group() -> None:
    """Write new plugins."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--title", help="The category's name in English (default: from NAME).")
@click.option("--title-zh", prompt="The category's name in Chinese",
              help="The category's name in Simplified Chinese.")
@click.option("--directory", "-d", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="Where to create the package's folder.")
def plugin_new(name: str, title: str | None, title_zh: str, directory: Path) -> None:
    """Create a working category plugin package called NAME.

    It has a pyproject with the entry point, the plugin class, a schema, a workflow, sample
    requests, a Chinese catalog, a page and tests using the plugin test kit. Install it with
    `pip install -e DIR/NAME`; it then shows up in the running help desk.
    """
    english = title or name.replace("_", " ").capitalize()
    try:
        target = create_plugin(name, directory, title=english, title_zh=title_zh)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created the plugin {name} in {target}.")
    click.echo("Next:")
    click.echo(f"  pip install -e {target}")
    click.echo(f"  cd {target} && pytest")
    click.echo("  helpdesk plugins doctor")


@plugins_group.command("doctor")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def plugins_doctor(strict: bool) -> None:
    """Check every installed plugin: hooks, conflicts, workflows, translations, tables.

    Prints one line per finding with its severity and plugin; the exit code is 1 when any
    error is found (or any warning, with --strict).
    """
    findings = diagnose_installed(spec_modules=[hookspecs])
    counts = Counter(f.severity for f in findings)
    width = max((len(f.plugin) for f in findings), default=0)
    for f in findings:
        colour = {"error": "red", "warning": "yellow"}.get(f.severity)
        label = click.style(f"{f.severity.upper():<8}", fg=colour, bold=f.severity == ERROR)
        click.echo(f"{label} {f.plugin:<{width}}  {f.check}: {f.message}")
    click.echo(f"{counts[ERROR]} error(s), {counts[WARNING]} warning(s).")
    if counts[ERROR] or (strict and counts[WARNING]):
        raise SystemExit(1)


def plugin_commands() -> list[click.Command]:
    """The commands installed plugins add through ``hd_cli_commands`` (loaded at start-up;
    a plugin that does not load, or a command whose name is taken, is left out). While its
    plugin is disabled, a command refuses to run."""
    from hdcore.doctor import installed_plugins

    found, _failures = installed_plugins()
    out: list[click.Command] = []
    for name, plugin in found.items():
        hook = getattr(plugin, "hd_cli_commands", None)
        if hook is None or getattr(hook, "hdcore_impl", None) is None:
            continue
        try:
            commands = list(hook() or [])
        except Exception:  # a broken plugin must not take the command line down
            continue
        out.extend(_gated(command, name) for command in commands)
    return out


def _gated(command: click.Command, plugin: str) -> click.Command:
    """``command``, refusing to run while ``plugin`` is disabled."""
    from web.cli_base import CliState

    original = command.invoke

    def invoke(ctx: click.Context) -> object:
        state = ctx.find_object(CliState)
        if state is not None:
            from hdcore.models import PluginState

            with state.ready_helpdesk().session_scope() as session:
                row = session.get(PluginState, plugin)
                if row is not None and not row.enabled:
                    raise click.ClickException(
                        f"the plugin {plugin} is disabled; enable it with "
                        f"`helpdesk plugins enable {plugin}` to use this command")
        return original(ctx)

    command.invoke = invoke  # type: ignore[method-assign]
    return command
