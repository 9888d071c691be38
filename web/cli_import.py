"""``helpdesk import users|departments FILE``: people and departments from CSV or Excel files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from hdcore import services as svc
from hdcore.services.csv_input import CsvTable
from hdcore.services.imports import ImportReport
from web.cli_base import CliState, pass_state
from web.cli_tabular import (
    encoding_option,
    print_rejected,
    report_option,
    write_rejected_report,
)


@click.group("import")
def import_group() -> None:
    """Import people and departments from CSV or Excel (.xlsx) files, as Excel or the HR
    system saves them."""


def _print_report(report: ImportReport) -> None:
    click.echo(f"Imported {report.imported} of {report.rows} rows: {report.created} created, "
               f"{report.updated} updated, {report.unchanged} unchanged.")
    if report.departments_created:
        click.echo("Departments created: " + ", ".join(report.departments_created) + ".")
    if report.ignored_columns:
        click.echo("Columns ignored (not understood): " + ", ".join(report.ignored_columns)
                   + ".")
    print_rejected(report, "line")


def _run(ctx: click.Context, state: CliState, file: Path, encoding: str,
         report_path: Path | None, read: Callable[[bytes, str], CsvTable],
         run: Callable[..., ImportReport], noun: str) -> None:
    hd = state.ready_helpdesk()
    table = read(file.read_bytes(), encoding)
    click.echo(f"Reading {file.name} ({table.encoding}): {len(table.rows)} rows.")
    with hd.session_scope() as session, click.progressbar(
            length=len(table.rows), label=f"Importing {noun}") as bar:
        report = run(session, None, table, progress=bar.update)
    _print_report(report)
    write_rejected_report(file, table, report, report_path)
    if report.rejected:
        ctx.exit(1)


@import_group.command("users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@encoding_option
@report_option
@pass_state
@click.pass_context
def import_users_command(ctx: click.Context, state: CliState, file: Path,
                         encoding: str, report_path: Path | None) -> None:
    """Create or update accounts from FILE: a staff list or an HR export of employees.

    Columns (English or Chinese headers): username, name, e-mail, phone, employee number,
    role, department (code or name), department name (creates unknown departments), groups
    and skills (separated by ";", a skill as name:level), capacity. Rows are matched by user
    name, else by employee number, so importing a file again updates the accounts. In an
    update an empty cell keeps the value and "-" clears it. The good rows are imported; when
    a row is rejected, the rejected rows are written with the reasons to a file to correct and
    import again, and the exit status is 1.
    """
    _run(ctx, state, file, encoding, report_path, svc.read_users, svc.import_users, "users")


@import_group.command("departments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@encoding_option
@report_option
@pass_state
@click.pass_context
def import_departments_command(ctx: click.Context, state: CliState, file: Path,
                               encoding: str, report_path: Path | None) -> None:
    """Create or update departments from FILE: code, name, cost centre, head.

    The head is given by employee number or user name. Rows are matched by code. Rejected
    rows are written to a file as for users, and the exit status is 1.
    """
    _run(ctx, state, file, encoding, report_path, svc.read_departments,
         svc.import_departments, "departments")

