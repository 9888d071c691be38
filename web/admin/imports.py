"""Importing accounts and departments from a CSV or Excel file: the upload form and the report."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from hdcore import ValidationFailed
from hdcore import services as svc
from hdcore.services.csv_input import ENCODINGS
from hdcore.services.import_departments import DEPARTMENT_COLUMNS
from hdcore.services.imports import USER_COLUMNS
from web.admin.blueprint import bp
from web.admin.common import form_failed
from web.admin.import_results import announce, rejected_file, rejected_json
from web.context import db

#: What can be imported: the reader and the importer of each kind.
KINDS = {
    "users": (svc.read_users, svc.import_users),
    "departments": (svc.read_departments, svc.import_departments),
}


def _page(values: dict[str, str], errors: dict[str, list[str]], report: Any = None,
          rejected_json: str = "", status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/resources_import.html", values=values, errors=errors, report=report,
        rejected_json=rejected_json, encodings=ENCODINGS, user_columns=USER_COLUMNS,
        department_columns=DEPARTMENT_COLUMNS,
    ), status


@bp.route("/users/import", methods=["GET", "POST"])
def import_users() -> tuple[str, int]:
    """Upload a staff list, an HR export or a departments file; show what was done."""
    values = {"kind": request.values.get("kind", "users"),
              "encoding": request.values.get("encoding", "auto")}
    if values["kind"] not in KINDS:
        values["kind"] = "users"
    if request.method == "GET":
        return _page(values, {})
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(values, form_failed(ValidationFailed(
            {"file": [_("Choose the file to import.")]})), status=400)
    read, run = KINDS[values["kind"]]
    try:
        table = read(upload.read(), values["encoding"])
    except ValidationFailed as exc:
        return _page(values, form_failed(exc), status=400)
    report = run(db(), current_user, table)
    announce(report)
    return _page(values, {}, report, rejected_json(table, report))


@bp.route("/users/import/rejected.<fmt>", methods=["POST"])
def import_users_rejected(fmt: str) -> Response:
    """The rejected rows of the import just shown, as a file to correct and import again."""
    return rejected_file(fmt)
