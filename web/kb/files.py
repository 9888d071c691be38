"""Files on articles: downloads (for whoever may read the article) and removal (IT staff)."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import NotFound
from hdcore import services as svc
from hdcore.services.attachments import download_type
from hdcore.services.kb import may_write
from web.context import db
from web.kb.views import bp


@bp.route("/files/<int(max=2147483647):file_id>")
def download(file_id: int) -> Response:
    """Send an article's file as a download under its original name."""
    att, path = svc.open_article_file(db(), current_user, file_id)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=download_type(att.content_type), as_attachment=True,
                         download_name=att.filename, etag=att.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/files/<int(max=2147483647):file_id>/remove", methods=["POST"])
def remove_file(file_id: int) -> Response:
    """Take a file off its article."""
    if not may_write(current_user):
        abort(403)
    try:
        att = svc.remove_article_file(db(), current_user, file_id)
    except NotFound:  # removed meanwhile (a second click on a page not reloaded)
        flash(_("The file was already removed."), "info")
        return redirect(url_for("kb.index"))
    flash(_("The file %(name)s was removed.", name=att.filename), "success")
    return redirect(url_for("kb.edit", article_id=att.article_id))
