"""``helpdesk assets import|export FILE`` and ``helpdesk counters import FILE``: the installed
base and counter readings as CSV or Excel files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import select

from hdcore import User, ValidationFailed
from hdcore.services.assets_io import (
    export_assets,
    import_assets,
    import_readings,
    read_assets,
    read_readings,
)
from hdcore.services.csv_input import CsvTable
from hdcore.services.imports import ImportReport
from web.cli_base import CliState, pass_state
from web.cli_tabular import (
    encoding_option,
    print_rejected,
    report_option,
    write_rejected_report,
)

_user_option = click.option(
    "--as", "username", metavar="USER",
    help="The account the changes are recorded under (a technician, the lead or an "
         "administrator); default: the system.")


def _actor(state: CliState, username: str | None) -> User | None:
    if not username:
        return None
    with state.ready_helpdesk().session_scope() as session:
        user = session.scalar(select(User).where(User.username == username.lower()))
        if user is None or not user.is_active:
            raise click.ClickException(f"no active account {username}")
        session.expunge(user)
        return user


def _fail(exc: ValidationFailed) -> click.ClickException:
    reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
    return click.ClickException(reasons)


def _print_report(report: ImportReport) -> None:
    if report.kind == "assets":
        click.echo(f"Imported {report.imported} of {report.rows} rows: {report.created} "
                   f"created, {report.updated} updated, {report.unchanged} unchanged.")
    else:
        click.echo(f"Entered {report.created} of {report.rows} readings.")
    if report.ignored_columns:
        click.echo("Columns ignored (not understood): " + ", ".join(report.ignored_columns)
                   + ".")
    print_rejected(report, "row")


def _run(ctx: click.Context, state: CliState, file: Path, encoding: str, username: str | None,
         report_path: Path | None, read: Callable[[bytes, str], CsvTable],
         run: Callable[..., ImportReport], noun: str) -> None:
    hd = state.ready_helpdesk()
    actor = _actor(state, username)
    try:
        table = read(file.read_bytes(), encoding)
    except ValidationFailed as exc:
        raise _fail(exc) from None
    click.echo(f"Reading {file.name} ({table.encoding}): {len(table.rows)} rows.")
    with hd.session_scope() as session:
        if actor is not None:
            actor = session.merge(actor)
        with click.progressbar(length=len(table.rows), label=f"Importing {noun}") as bar:
            try:
                report = run(session, actor, table, progress=bar.update)
            except ValidationFailed as exc:
                raise _fail(exc) from None
    _print_report(report)
    write_rejected_report(file, table, report, report_path)
    if report.rejected:
        ctx.exit(1)


@click.group("assets")
def assets_group() -> None:
    """The installed base: import and export assets as CSV or Excel files."""


@assets_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@encoding_option
@_user_option
@report_option
@pass_state
@click.pass_context
def import_assets_command(ctx: click.Context, state: CliState, file: Path, encoding: str,
                          username: str | None, report_path: Path | None) -> None:
    """Create or update assets from FILE (CSV or .xlsx).

    Columns (English or Chinese headers): tag, type, model, serial number, status, department,
    user, location, purchase date, warranty end, supplier, maintenance vendor, notes. Rows are
    matched by tag (else serial number), so importing a file again updates the assets; in an
    update an empty cell keeps the value and "-" clears it. Every row is checked; rows are
    written in batches of 100 (each batch one transaction, a bad row left out alone). Exits
    with status 1 when a row was rejected, after writing the rejected rows to a report file.
    """
    _run(ctx, state, file, encoding, username, report_path, read_assets, import_assets,
         "assets")


@assets_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--retired/--no-retired", default=True, show_default=True,
              help="Include retired assets.")
@pass_state
def export_assets_command(state: CliState, file: Path, retired: bool) -> None:
    """Write every asset to FILE: Excel when it ends in .xlsx, else CSV (UTF-8, for Excel).

    The columns are those the import reads, so the file can be edited and imported back.
    """
    from hdcore.models import Asset, AssetStatus

    fmt = "xlsx" if file.suffix.lower() == ".xlsx" else "csv"
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        query = select(Asset)
        if not retired:
            query = query.where(Asset.status != AssetStatus.RETIRED.value)
        data, _mime = export_assets(session, None, fmt, query=query)
        count = session.scalar(select(Asset.id).limit(1)) is not None
    file.write_bytes(data)
    click.echo(f"Wrote {file}" + ("" if count else " (no assets yet)") + ".")


@click.group("counters")
def counters_group() -> None:
    """Counter readings of the installed base."""


@counters_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@encoding_option
@_user_option
@report_option
@pass_state
@click.pass_context
def import_readings_command(ctx: click.Context, state: CliState, file: Path, encoding: str,
                            username: str | None, report_path: Path | None) -> None:
    """Enter counter readings from FILE (CSV or .xlsx): tag, counter (code or name), value,
    read at, reset (yes/no), note.

    Each reading is checked like one typed in (a page count never goes down unless reset);
    the threshold rules run and open their requests. Exits with status 1 when a row was
    rejected, after writing the rejected rows to a report file.
    """
    _run(ctx, state, file, encoding, username, report_path, read_readings, import_readings,
         "readings")
