"""Downloading attachments, only through this authorising view."""

from __future__ import annotations

from flask import Blueprint, Request, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hdcore import services as svc
from hdcore.services import Upload
from web.context import db

bp = Blueprint("files", __name__)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> Response:
    """Send the file as a download under its original name (never rendered inline)."""
    att, path = svc.open_attachment(db(), current_user, attachment_id)
    response = send_file(path, mimetype=att.content_type, as_attachment=True,
                         download_name=att.filename, etag=att.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def uploads(request: Request, field: str = "files") -> list[Upload]:
    """The files posted in ``field`` (empty file inputs are ignored)."""
    return [Upload(f.filename or "", f.stream, f.mimetype) for f in request.files.getlist(field)
            if f and f.filename]
