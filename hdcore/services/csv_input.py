"""Reading the CSV files people make with Excel: the encoding, the delimiter, and headers.

Excel saves "CSV UTF-8" with a byte-order mark, plain "CSV" in the Windows code page (GBK on
Chinese Windows), and "Unicode text" as UTF-16 with tabs. :func:`decode` detects these (or
takes the encoding the user chose); :func:`read_csv` finds the delimiter from the header line
and maps each header, in English or Chinese, to the field it stands for.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hdcore.errors import ValidationFailed
from hdcore.i18n import _

#: The encodings a user can choose; ``auto`` detects.
ENCODINGS = {
    "auto": _("Detect automatically"),
    "utf-8": _("UTF-8 (with or without BOM)"),
    "gbk": _("GBK / GB18030 (Excel on Chinese Windows)"),
}
#: The largest number of data rows one file may hold.
MAX_ROWS = 50_000


@dataclass
class CsvRow:
    """One data row: the line it starts on, and its cells by field (only mapped columns),
    trimmed."""

    line: int
    values: dict[str, str]
    #: Cells beyond the header's columns (a stray delimiter, a row shifted by one).
    extra: int = 0


@dataclass
class CsvTable:
    """A decoded file: the header as written, the columns understood, and the rows."""

    encoding: str
    headers: list[str]
    #: field -> the header it was read from (as written in the file).
    columns: dict[str, str]
    rows: list[CsvRow] = field(default_factory=list)
    #: Headers no field matched (their columns are ignored).
    ignored: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        """The header the file uses for ``name`` (the field name when it has no column)."""
        return self.columns.get(name, name)


def normalise_header(text: str) -> str:
    """A header as compared: width-folded, lower-case, ``_``/``-``/``.`` as spaces, no ``*``."""
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    text = re.sub(r"[_\-.*:：]+", " ", text)
    return " ".join(text.split())


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The file's text and the encoding it was read with.

    ``auto``: a UTF-8 or UTF-16 byte-order mark decides; otherwise UTF-8 if the bytes are valid
    UTF-8, else GB18030 (a superset of GBK). A byte that does not fit is reported with its line.
    """
    if encoding not in ENCODINGS:
        raise ValidationFailed({"encoding": [str(_("Choose one of: %(c)s.")) % {
            "c": ", ".join(ENCODINGS)}]})
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable("UTF-16", data, exc) from None
    tries = {"auto": ("utf-8-sig", "gb18030"), "utf-8": ("utf-8-sig",),
             "gbk": ("gb18030",)}[encoding]
    failure: UnicodeDecodeError | None = None
    for codec in tries:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            failure = failure or exc
            continue
        used = ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8") \
            if codec == "utf-8-sig" else "gbk"
        return text, used
    assert failure is not None
    name = "UTF-8" if encoding == "utf-8" else ("GBK" if encoding == "gbk" else "UTF-8 / GBK")
    raise _undecodable(name, data, failure)


def _undecodable(name: str, data: bytes, exc: UnicodeDecodeError) -> ValidationFailed:
    return ValidationFailed({"file": [str(_(
        "The file cannot be read as %(enc)s (line %(line)d). Save it again as CSV, or choose "
        "another encoding.")) % {"enc": name, "line": _line_of(data, exc.start)}]})


def _delimiter(first_line: str) -> str:
    """The delimiter the header line uses most: comma, semicolon or tab."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes, aliases: Mapping[str, Sequence[str]], *,
             encoding: str = "auto") -> CsvTable:
    """Decode and parse a CSV file whose first non-empty line is the header.

    ``aliases`` maps each field to the headers that mean it (compared with
    :func:`normalise_header`). Blank lines are skipped; each row keeps the line it starts on.
    """
    text, used = decode(data, encoding)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise ValidationFailed({"file": [str(_("The file is empty."))]})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    lookup = {normalise_header(a): name for name, names in aliases.items() for a in names}
    headers: list[str] | None = None
    table = CsvTable(encoding=used, headers=[], columns={})
    index: dict[int, str] = {}
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.strip() for c in cells]
                table.headers = headers
                for i, header in enumerate(headers):
                    name = lookup.get(normalise_header(header))
                    if name is None or name in table.columns:
                        if header:
                            table.ignored.append(header)
                        continue
                    table.columns[name] = header
                    index[i] = name
                continue
            if len(table.rows) >= MAX_ROWS:
                raise ValidationFailed({"file": [str(_(
                    "At most %(n)d rows per file; split it.")) % {"n": MAX_ROWS}]})
            # Runs of white space (a line break typed into a cell) become one space.
            values = {name: (" ".join(cells[i].split()) if i < len(cells) else "")
                      for i, name in index.items()}
            extra = sum(1 for c in cells[len(headers):] if c.strip())
            table.rows.append(CsvRow(line=start, values=values, extra=extra))
    except csv.Error as exc:
        raise ValidationFailed({"file": [str(_("The file is not valid CSV near line %(line)d: "
                                               "%(error)s")) % {"line": last_line + 1,
                                                               "error": str(exc)}]}) from None
    return table
