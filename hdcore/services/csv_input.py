"""Reading the CSV files people make with Excel: the encoding, headers, and what a read file is.

Excel saves "CSV UTF-8" with a byte-order mark, plain "CSV" in the Windows code page (GBK on
Chinese Windows), and "Unicode text" as UTF-16 with tabs. :func:`decode` detects these (or
takes the encoding the user chose); :func:`normalise_header` lets a header in English or
Chinese, typed any way, name its field. :func:`hdcore.tabular.read_records` reads a CSV or
Excel file into a :class:`CsvTable` with them.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
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
