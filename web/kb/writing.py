"""Writing the knowledge base (IT staff): new articles, edits, the lifecycle, versions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import Conflict, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore import services as svc
from hdcore.models import Visibility
from hdcore.queries.kb import versions, visible_article
from hdcore.services.kb import may_write
from web.context import db, host
from web.files import uploads
from web.formatting import join_words
from web.kb.views import bp
from web.views_common import flash_refusal

#: How each saved step reads in the version list.
STEP_LABELS = {"write": _l("Written"), "submit": _l("Submitted for review"),
               "publish": _l("Published"), "send_back": _l("Sent back to draft"),
               "retire": _l("Retired"), "revive": _l("Back to draft")}
FIELDS = ("title", "symptom", "cause", "solution", "category", "tags", "visibility")


def _writers_only() -> None:
    if not may_write(current_user):
        abort(403)


def _form_values() -> dict[str, Any]:
    values: dict[str, Any] = {f: request.form.get(f, "") for f in FIELDS}
    values["tags"] = [t.strip() for t in values["tags"].replace("，", ",").split(",")
                      if t.strip()]
    values["category"] = values["category"] or None
    return values


def _form(values: dict[str, Any], errors: dict[str, list[str]], art: Any = None,
          status: int = 200) -> tuple[str, int]:
    return render_template("kb/form.html", values=values, errors=errors, art=art,
                           categories=host().categories(), visibilities=list(Visibility)), status


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response | tuple[str, int]:
    """Write a new article (a draft)."""
    _writers_only()
    if request.method == "GET":
        return _form({"visibility": Visibility.EVERYONE.value, "tags": []}, {})
    values = _form_values()
    try:
        art = svc.create_article(db(), current_user, files=uploads(request), **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _form(values, exc.errors, status=422)
    flash(_("The draft was saved."), "success")
    return redirect(url_for("kb.article", article_id=art.id))


@bp.route("/a/<int(max=2147483647):article_id>/edit", methods=["GET", "POST"])
def edit(article_id: int) -> str | Response | tuple[str, int]:
    """Edit an article; every save is kept as a version."""
    _writers_only()
    art = visible_article(db(), current_user, article_id)
    if request.method == "GET":
        return _form({f: getattr(art, f) for f in FIELDS}, {}, art)
    values = _form_values()
    try:
        svc.update_article(db(), current_user, art.id,
                           expected_version=request.form.get("version", type=int),
                           note=request.form.get("note", ""), files=uploads(request),
                           **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _form(values, exc.errors, art, 422)
    except Conflict:
        flash(_("Someone else changed this article meanwhile. Your text is kept below; "
                "compare it with the current version and save again."), "error")
        db().refresh(art)
        return _form(values, {}, art, 409)
    flash(_("The article was saved."), "success")
    return redirect(url_for("kb.article", article_id=art.id))


@bp.route("/a/<int(max=2147483647):article_id>/step/<name>", methods=["POST"])
def step(article_id: int, name: str) -> Response:
    """Submit for review, publish, send back, retire or revive."""
    _writers_only()
    try:
        svc.change_article_status(db(), current_user, article_id, name,
                                  expected_version=request.form.get("version", type=int))
        flash(_("The article's state was changed."), "success")
    except Conflict:
        flash(_("Someone else changed this article meanwhile; check it and try again."),
              "error")
    except (TransitionRefused, PermissionDenied) as exc:
        flash_refusal(exc)
    except ValidationFailed:
        abort(404)
    return redirect(url_for("kb.article", article_id=article_id))


@bp.route("/a/<int(max=2147483647):article_id>/versions")
def history(article_id: int) -> str:
    """Every saved version: who, when, what changed; any can be restored."""
    _writers_only()
    art = visible_article(db(), current_user, article_id)
    labels = {"title": _("Title"), "symptom": _("Symptom"), "cause": _("Cause"),
              "solution": _("Solution"), "category": _("Category"), "tags": _("Tags"),
              "visibility": _("Visible to"), "status": _("State")}
    rows = [(v, join_words(labels.get(f, f) for f in v.changes.get("fields", [])),
             STEP_LABELS.get(v.changes.get("step", "")))
            for v in versions(db(), art)]
    return render_template("kb/versions.html", art=art, rows=rows)


@bp.route("/a/<int(max=2147483647):article_id>/versions/"
          "<int(max=2147483647):version_no>/restore", methods=["POST"])
def restore(article_id: int, version_no: int) -> Response:
    """Bring an old version back (as a new version)."""
    _writers_only()
    try:
        svc.restore_version(db(), current_user, article_id, version_no,
                            expected_version=request.form.get("version", type=int))
        flash(_("Version %(n)d was restored as a new version.", n=version_no), "success")
    except Conflict:
        flash(_("Someone else changed this article meanwhile; check it and try again."),
              "error")
        return redirect(url_for("kb.history", article_id=article_id))
    return redirect(url_for("kb.article", article_id=article_id))


@bp.route("/from-request/<number>", methods=["POST"])
def from_request(number: str) -> Response:
    """"Save as article" on a resolved request: a linked draft, opened for editing."""
    _writers_only()
    try:
        art = svc.article_from_request(db(), current_user, number)
    except ValidationFailed as exc:
        flash(" ".join(m for msgs in exc.errors.values() for m in msgs), "error")
        return redirect(url_for("desk.request", number=number))
    except (TransitionRefused, PermissionDenied) as exc:
        flash_refusal(exc)
        return redirect(url_for("desk.request", number=number))
    flash(_("A draft was made from %(n)s. Check it and submit it for review.", n=number),
          "success")
    return redirect(url_for("kb.edit", article_id=art.id))

