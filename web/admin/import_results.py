"""What an import did, for its page: the message above the report, and the rows it rejected
offered back as a file (CSV or Excel) to correct and import again.

The import's page carries the rejected rows (their cells as read and the reasons) in a hidden
field; posting it back returns them as a file with the same columns plus the reasons, so
nothing is kept on the server between the two requests.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, request
from flask_babel import gettext as _

from hdcore.services.csv_input import CsvTable
from hdcore.services.imports import ImportReport
from hdcore.tabular import write_table

FORMATS = ("csv", "xlsx")


def announce(report: ImportReport) -> None:
    """Say at the top of the page how many rows went in and how many were rejected."""
    if report.rejected:
        flash(_("%(ok)d of %(n)d rows imported; %(bad)d rejected (see below).",
                ok=report.imported, n=report.rows, bad=len(report.rejected)), "error")
    else:
        flash(_("All %(n)d rows imported.", n=report.rows), "success")


def rejected_json(table: CsvTable, report: ImportReport) -> str:
    """The rejected rows of ``report`` with their cells from ``table``, for the page's form
    (empty when nothing was rejected)."""
    if not report.rejected:
        return ""
    fields = list(table.columns)
    by_line = {row.line: row for row in table.rows}
    return json.dumps({
        "headers": [table.columns[f] for f in fields],
        "rows": [{"line": r.line, "cells": [by_line[r.line].values.get(f, "") for f in fields]
                  if r.line in by_line else [], "errors": r.errors} for r in report.rejected],
    }, ensure_ascii=False)


def rejected_file(fmt: str) -> Response:
    """The posted rejected rows as a ``fmt`` file: the row's line, its cells, the reasons."""
    if fmt not in FORMATS:
        abort(404)
    try:
        data = json.loads(request.form.get("rejected", ""))
        headers = [str(h) for h in data["headers"]]
        rows = [(int(r["line"]), [str(c) for c in r["cells"]], dict(r["errors"]))
                for r in data["rows"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        abort(400)
    out = []
    for line, cells, errors in rows:
        reasons = "; ".join(f"{_('row') if col == '_row' else col}: {' '.join(map(str, msgs))}"
                            for col, msgs in errors.items())
        out.append([line, *(cells or [""] * len(headers)), reasons])
    body, mimetype = write_table(fmt, [_("Row"), *headers, _("Errors")], out,
                                 title=_("Rejected rows"))
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=rejected-rows.{fmt}"})
