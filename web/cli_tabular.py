"""What the import commands share (people, departments, assets, readings): the file's options,
and the rejected rows, listed and written to a file to correct and import again."""

from __future__ import annotations

from pathlib import Path

import click

from hdcore.services.csv_input import ENCODINGS, CsvTable
from hdcore.services.imports import ImportReport
from hdcore.services.rejected_rows import rejected_rows_file

encoding_option = click.option(
    "--encoding", type=click.Choice(list(ENCODINGS)), default="auto", show_default=True,
    help="A CSV file's encoding: detected from its bytes (UTF-8 with or without BOM, UTF-16, "
         "else GBK), or as given (gbk: a CSV saved by Excel on Chinese Windows). Excel files "
         "(.xlsx) need none.")

report_option = click.option(
    "--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the rejected rows (CSV, or XLSX by the name's ending); default: "
         "FILE's name with .rejected.csv, written only when rows are rejected.")


def print_rejected(report: ImportReport, unit: str) -> None:
    """List the rejected rows (``unit``: how the file's rows are called) with every reason."""
    if not report.rejected:
        return
    click.echo(f"{len(report.rejected)} row(s) rejected; nothing of them was written:", err=True)
    for row in report.rejected:
        key = f" ({row.key})" if row.key else ""
        click.echo(f"  {unit} {row.line}{key}:", err=True)
        for column, reasons in row.errors.items():
            where = "row" if column == "_row" else column
            click.echo(f"    {where}: {' '.join(reasons)}", err=True)


def write_rejected_report(file: Path, table: CsvTable, report: ImportReport,
                          report_path: Path | None) -> None:
    """Write the rejected rows (cells and reasons) next to ``file`` or to ``report_path``, and
    say where; nothing when no row was rejected."""
    if not report.rejected:
        return
    target = report_path or file.with_name(file.stem + ".rejected.csv")
    fmt = "xlsx" if target.suffix.lower() == ".xlsx" else "csv"
    data, _mime = rejected_rows_file(table, report, fmt)
    target.write_bytes(data)
    click.echo(f"The rejected rows, with the reasons, are in {target}: correct them there "
               "and import that file again (rows already imported are updated, not "
               "duplicated).", err=True)
