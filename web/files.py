"""Downloading attachments, only through this authorising view."""

from __future__ import annotations

from flask import Blueprint, Request, abort, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hdcore import services as svc
from hdcore.services import Upload
from hdcore.services.attachments import download_type
from web.context import db

bp = Blueprint("files", __name__)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> Response:
    """Send the file as a download under its original name (never rendered inline)."""
    att, path = svc.open_attachment(db(), current_user, attachment_id)
    if not path.is_file():
        abort(404)
    # The name goes out as filename*=UTF-8''... (RFC 5987) when it is not ASCII, so Chinese
    # names arrive intact; a type a browser could run is sent as octet-stream.
    response = send_file(path, mimetype=download_type(att.content_type), as_attachment=True,
                         download_name=att.filename, etag=att.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # Should a browser ever show it anyway, it runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def uploads(request: Request, field: str = "files") -> list[Upload]:
    """The files posted in ``field`` (empty file inputs are ignored)."""
    return [Upload(f.filename or "", f.stream, f.mimetype) for f in request.files.getlist(field)
            if f and f.filename]
