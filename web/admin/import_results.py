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
from hdcore.services.rejected_rows import Rejected, rejected_rows, write_rejected

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
    headers, rows = rejected_rows(table, report)
    return json.dumps({"headers": headers, "rows": [
        {"line": r.line, "cells": r.cells, "errors": dict(r.errors)} for r in rows]},
        ensure_ascii=False)


def rejected_file(fmt: str) -> Response:
    """The posted rejected rows as a ``fmt`` file: the row's line, its cells, the reasons."""
    if fmt not in FORMATS:
        abort(404)
    try:
        data = json.loads(request.form.get("rejected", ""))
        headers = [str(h) for h in data["headers"]]
        rows = [Rejected(int(r["line"]), [str(c) for c in r["cells"]],
                         {str(k): [str(m) for m in v] for k, v in dict(r["errors"]).items()})
                for r in data["rows"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        abort(400)
    body, mimetype = write_rejected(headers, rows, fmt)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=rejected-rows.{fmt}"})
