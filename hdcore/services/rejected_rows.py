"""The rows an import rejected, as a file to correct and import again (CSV or Excel).

Every import (people, departments, assets, readings) reports its rejected rows by line with
the reasons per column. The file gives each its line, its cells under the file's own headers
(so it imports back as it is once corrected) and the reasons in a last column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hdcore.i18n import _
from hdcore.services.csv_input import CsvTable
from hdcore.services.imports import ImportReport
from hdcore.tabular import write_table


@dataclass(frozen=True)
class Rejected:
    """One rejected row: its line in the file, its cells as read, and the reasons by column
    (``_row`` for the row as a whole)."""

    line: int
    cells: list[str]
    errors: Mapping[str, Sequence[str]]


def rejected_rows(table: CsvTable, report: ImportReport) -> tuple[list[str], list[Rejected]]:
    """The file's headers (the columns understood) and each rejected row with its cells."""
    fields = list(table.columns)
    by_line = {row.line: row for row in table.rows}
    rows = []
    for found in report.rejected:
        row = by_line.get(found.line)
        cells = [str(row.values.get(f, "") or "") for f in fields] if row else [""] * len(fields)
        rows.append(Rejected(found.line, cells, found.errors))
    return [table.columns[f] for f in fields], rows


def write_rejected(headers: Sequence[str], rows: Sequence[Rejected],
                   fmt: str = "csv") -> tuple[bytes, str]:
    """The rows as a ``fmt`` file (``csv`` or ``xlsx``) and its MIME type: the row's line, its
    cells, the reasons."""
    out: list[list[Any]] = []
    for row in rows:
        reasons = "; ".join(
            f"{str(_('row')) if column == '_row' else column}: {' '.join(map(str, msgs))}"
            for column, msgs in row.errors.items())
        out.append([row.line, *(row.cells or [""] * len(headers)), reasons])
    return write_table(fmt, [str(_("Row")), *headers, str(_("Errors"))], out,
                       title=str(_("Rejected rows")))


def rejected_rows_file(table: CsvTable, report: ImportReport,
                       fmt: str = "csv") -> tuple[bytes, str]:
    """The import's rejected rows as a ``fmt`` file to correct and import again."""
    return write_rejected(*rejected_rows(table, report), fmt)
