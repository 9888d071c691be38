"""Tables in and out: CSV and XLSX files as Excel writes and reads them, safe to open.

Reading (:func:`read_grid`, :func:`read_records`): an XLSX workbook (its first sheet) or a CSV
file in UTF-8 (with or without BOM), UTF-16, or GBK/GB18030 as Excel saves it on Chinese
Windows; the kind is told from the bytes, not the file name. :func:`read_records` maps the
header row, in English or Chinese, to field names and returns the same
:class:`~hdcore.services.csv_input.CsvTable` the CSV importers use, so one importer takes both.

Writing (:func:`write_csv`, :func:`iter_csv`, :func:`write_xlsx`, :func:`write_workbook`):
CSV is UTF-8 with a byte-order mark (Excel then reads Chinese text correctly) and CRLF line
ends; XLSX has a bold, frozen header row and fitted column widths. Every written text cell
is protected against formula injection: a value starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return would be run by the spreadsheet as a formula, so in CSV it gets a
leading apostrophe, and in XLSX it is stored as text with Excel's quote prefix (shown as
typed, never evaluated). Reading takes that apostrophe off again, so an export imports back
unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from hdcore.errors import ValidationFailed
from hdcore.i18n import _
from hdcore.services.csv_input import MAX_ROWS, CsvRow, CsvTable, decode, normalise_header

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The file formats :func:`write_table` knows, by the extension they are saved with.
FORMATS = ("csv", "xlsx")
#: First characters a spreadsheet takes as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The largest XLSX file read (compressed); a bigger one is refused before unzipping.
MAX_XLSX_BYTES = 20 * 1024 * 1024
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = (int, float, Decimal)


# -- formula injection -------------------------------------------------------------------------


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula (or the start of one)."""
    return bool(text) and text.startswith(FORMULA_STARTS)


def safe_text(value: Any) -> str:
    """A cell value as CSV text, with a leading apostrophe if it could run as a formula.

    Numbers are written as they are (``-5`` is a number, not a formula); dates as ISO dates,
    times without a zone as ``YYYY-MM-DD HH:MM:SS``; ``None`` as an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _NUMBER):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`safe_text`'s apostrophe (``'=SUM(A1)`` -> ``=SUM(A1)``); else unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


# -- writing -----------------------------------------------------------------------------------


def _csv_line(cells: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([safe_text(c) for c in cells])
    return out.getvalue()


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """A CSV file as chunks of bytes (BOM and header first), for streaming large exports."""
    yield "\ufeff".encode() + _csv_line([str(h) for h in headers]).encode()
    for row in rows:
        yield _csv_line(row).encode()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A whole CSV file: UTF-8 with BOM, CRLF line ends, every cell protected."""
    return b"".join(iter_csv(headers, rows))


@dataclass
class Sheet:
    """One worksheet to write: its title, header and rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    #: Number format for decimal columns by header, e.g. ``{"Price": "0.00"}``.
    number_formats: Mapping[str, str] = field(default_factory=dict)


def _xlsx_value(value: Any) -> tuple[Any, str | None, bool]:
    """The value openpyxl should store, its number format, and whether it must stay text."""
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return value, None, False
    if isinstance(value, _NUMBER):
        return value, None, False
    if isinstance(value, datetime):
        # Spreadsheets know no time zones: the caller gives local times; a zone is dropped.
        return value.replace(tzinfo=None), "yyyy-mm-dd hh:mm", False
    if isinstance(value, date):
        return value, "yyyy-mm-dd", False
    if isinstance(value, time):
        return value.isoformat(timespec="minutes"), None, True
    text = _ILLEGAL_XML.sub("", str(value))
    return text, None, True


def _sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique worksheet title (31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook of several sheets; every text cell is stored as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for spec in sheets:
        ws = wb.create_sheet(_sheet_title(spec.title, used))
        widths = [len(str(h)) for h in spec.headers]
        ws.append([_ILLEGAL_XML.sub("", str(h)) for h in spec.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        formats = {i: spec.number_formats[h] for i, h in enumerate(spec.headers)
                   if h in spec.number_formats}
        for r, row in enumerate(spec.rows, start=2):
            for c, raw in enumerate(row, start=1):
                value, fmt, text = _xlsx_value(raw)
                cell = ws.cell(row=r, column=c)
                cell.value = value
                if text:
                    # Assigning "=..." makes openpyxl store a formula: force plain text, and
                    # mark it like Excel does for a typed apostrophe.
                    cell.data_type = "s"
                    if is_formula_like(value):
                        cell.quotePrefix = True
                if fmt or (c - 1) in formats:
                    cell.number_format = formats.get(c - 1) or fmt
                if c - 1 < len(widths):
                    shown = len(str(value)) if value is not None else 0
                    widths[c - 1] = max(widths[c - 1], 16 if fmt else shown)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    if not wb.worksheets:
        wb.create_sheet("Sheet")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
               title: str = "Sheet") -> bytes:
    """An XLSX workbook with one sheet."""
    return write_workbook([Sheet(title, headers, rows)])


def write_table(fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                title: str = "Sheet") -> tuple[bytes, str]:
    """The file in ``fmt`` (``csv`` or ``xlsx``) and its MIME type."""
    if fmt == "xlsx":
        return write_xlsx(headers, rows, title=title), XLSX_MIMETYPE
    if fmt == "csv":
        return write_csv(headers, rows), CSV_MIMETYPE
    raise ValidationFailed({"format": [str(_("Choose one of: %(c)s.")) % {
        "c": ", ".join(FORMATS)}]})


# -- reading -----------------------------------------------------------------------------------


@dataclass
class Grid:
    """A file read as cells: how it was read (an encoding, or ``xlsx``) and its non-empty
    rows as (row number in the file, cells as text)."""

    encoding: str
    rows: list[tuple[int, list[str]]]


def is_xlsx(data: bytes) -> bool:
    """Whether the bytes are an XLSX workbook (a zip holding ``xl/workbook.xml``)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _xlsx_text(value: Any) -> str:
    """A cell as the text a user typed: ``12`` not ``12.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    return str(value)


def _read_xlsx(data: bytes) -> Grid:
    from openpyxl import load_workbook

    if len(data) > MAX_XLSX_BYTES:
        raise ValidationFailed({"file": [str(_("The file is larger than %(n)d MB.")) % {
            "n": MAX_XLSX_BYTES // (1024 * 1024)}]})
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ValidationFailed({"file": [str(_("The workbook cannot be read: %(e)s")) % {
            "e": type(exc).__name__}]}) from None
    try:
        ws = wb.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [" ".join(_xlsx_text(v).split()) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                raise ValidationFailed({"file": [str(_(
                    "At most %(n)d rows per file; split it.")) % {"n": MAX_ROWS}]})
    finally:
        wb.close()
    return Grid("xlsx", rows)


def _read_csv(data: bytes, encoding: str) -> Grid:
    text, used = decode(data, encoding)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(rows) > MAX_ROWS:
                raise ValidationFailed({"file": [str(_(
                    "At most %(n)d rows per file; split it.")) % {"n": MAX_ROWS}]})
            rows.append((start, [" ".join(c.split()) for c in cells]))
    except csv.Error as exc:
        raise ValidationFailed({"file": [str(_("The file is not valid CSV near line %(line)d: "
                                               "%(error)s")) % {"line": last + 1,
                                                               "error": str(exc)}]}) from None
    return Grid(used, rows)


def read_grid(data: bytes, *, encoding: str = "auto") -> Grid:
    """Read a CSV or XLSX file (told apart by its bytes) into rows of trimmed text cells.

    A cell's runs of white space become one space, and an export's protecting apostrophe
    (``'=...``) is taken off. ``encoding`` applies to CSV only (``auto``, ``utf-8``, ``gbk``).
    """
    if not data.strip():
        raise ValidationFailed({"file": [str(_("The file is empty."))]})
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationFailed({"file": [str(_(
            "Old Excel files (.xls) cannot be read; save the file as .xlsx or CSV."))]})
    if data.startswith(b"PK\x03\x04") and not is_xlsx(data):
        raise ValidationFailed({"file": [str(_(
            "The file is a zip archive but not an Excel workbook (.xlsx)."))]})
    grid = _read_xlsx(data) if is_xlsx(data) else _read_csv(data, encoding)
    grid.rows = [(n, [unescape_cell(c) for c in cells]) for n, cells in grid.rows]
    return grid


def read_records(data: bytes, aliases: Mapping[str, Sequence[str]], *,
                 encoding: str = "auto") -> CsvTable:
    """Read a CSV or XLSX file whose first non-empty row is the header, into a ``CsvTable``.

    ``aliases`` maps each field to the headers that mean it (compared width-folded and
    case-blind, so ``Serial No.``, ``serial_no`` and ``序列号`` can all name one field). Each
    row keeps its row number in the file (the line, for CSV), which rejection reports cite.
    """
    grid = read_grid(data, encoding=encoding)
    if not grid.rows:
        raise ValidationFailed({"file": [str(_("The file is empty."))]})
    lookup = {normalise_header(a): name for name, names in aliases.items() for a in names}
    headers = grid.rows[0][1]
    table = CsvTable(encoding=grid.encoding, headers=list(headers), columns={})
    index: dict[int, str] = {}
    for i, header in enumerate(headers):
        name = lookup.get(normalise_header(header))
        if name is None or name in table.columns:
            if header:
                table.ignored.append(header)
            continue
        table.columns[name] = header
        index[i] = name
    for number, cells in grid.rows[1:]:
        values = {name: (cells[i] if i < len(cells) else "") for i, name in index.items()}
        extra = sum(1 for c in cells[len(headers):] if c)
        table.rows.append(CsvRow(line=number, values=values, extra=extra))
    return table
