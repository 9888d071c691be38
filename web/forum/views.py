"""Forum pages: a view parses the input, calls one service, renders."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hdcore import CategoryDisabled, Conflict, TransitionRefused, ValidationFailed
from hdcore import services as svc
from hdcore.models import GENERAL_BOARD, ServiceRequest
from hdcore.queries.forum import (
    board_keys,
    board_label,
    boards,
    is_moderator,
    threads,
    visible_posts,
    visible_thread,
)
from hdcore.services.kb import may_write
from web.context import db, host
from web.views_common import flash_invalid, flash_refusal

bp = Blueprint("forum", __name__, url_prefix="/forum")
PER_PAGE = 30


@bp.before_request
@login_required
def _signed_in() -> None:
    """Everyone signed in reads and writes the forum."""


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.route("/")
def index() -> str:
    """The boards and the latest threads of all of them."""
    page = _page()
    rows, total = threads(db(), current_user, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template("forum/index.html", boards=boards(db(), current_user), threads=rows,
                           board=None, page=page, pages=max(1, -(-total // PER_PAGE)),
                           label=lambda k: board_label(db(), k))


@bp.route("/b/<board>")
def board(board: str) -> str:
    """One board's threads, the latest activity first."""
    if board not in board_keys(db()):
        abort(404)
    page = _page()
    rows, total = threads(db(), current_user, board, limit=PER_PAGE,
                          offset=(page - 1) * PER_PAGE)
    return render_template("forum/index.html", boards=boards(db(), current_user), threads=rows,
                           board=board, page=page, pages=max(1, -(-total // PER_PAGE)),
                           label=lambda k: board_label(db(), k))


@bp.route("/new", methods=["GET", "POST"])
def new_thread() -> str | Response | tuple[str, int]:
    """Ask a question on a board."""
    keys = board_keys(db())
    values = {"board": request.values.get("board", GENERAL_BOARD), "title": "", "body": ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values.update({k: request.form.get(k, "") for k in ("board", "title", "body")})
        try:
            thread = svc.start_thread(db(), current_user, **values)
        except ValidationFailed as exc:
            errors = exc.errors
            flash(_("Please correct the marked fields."), "error")
        else:
            return redirect(url_for("forum.thread", thread_id=thread.id))
    return render_template("forum/new.html", values=values, errors=errors,
                           boards=[(k, board_label(db(), k)) for k in keys]), \
        422 if errors else 200


@bp.route("/t/<int(max=2147483647):thread_id>")
def thread(thread_id: int) -> str:
    """A thread with its posts, the reply form and what the viewer may do."""
    t = visible_thread(db(), current_user, thread_id)
    return render_template(
        "forum/thread.html", thread=t, posts=visible_posts(current_user, t),
        moderator=is_moderator(current_user),
        may_accept=t.author_id == current_user.id or is_moderator(current_user),
        may_file=t.request_id is None and (t.author_id == current_user.id
                                           or current_user.is_staff),
        may_draft=may_write(current_user) and t.answered and t.article_id is None,
        request_obj=db().get(ServiceRequest, t.request_id) if t.request_id else None,
        categories=host().categories(db()), label=board_label(db(), t.board),
        boards=[(k, board_label(db(), k)) for k in board_keys(db())])


def _back(thread_id: int) -> Response:
    return redirect(url_for("forum.thread", thread_id=thread_id))


@bp.route("/t/<int(max=2147483647):thread_id>/reply", methods=["POST"])
def reply(thread_id: int) -> Response:
    """Answer in the thread."""
    try:
        post = svc.reply(db(), current_user, thread_id, request.form.get("body", ""))
    except ValidationFailed as exc:
        flash_invalid(exc)
        return _back(thread_id)
    except TransitionRefused as exc:
        flash_refusal(exc)
        return _back(thread_id)
    return redirect(url_for("forum.thread", thread_id=thread_id, _anchor=f"p{post.id}"))


@bp.route("/p/<int(max=2147483647):post_id>/accept", methods=["POST"])
def accept(post_id: int) -> Response:
    """Mark a reply as the accepted answer."""
    thread_id = request.form.get("thread", type=int) or 0
    try:
        t = svc.accept_answer(db(), current_user, post_id)
        flash(_("The answer was accepted."), "success")
        thread_id = t.id
    except ValidationFailed as exc:
        flash_invalid(exc)
    return _back(thread_id)


@bp.route("/t/<int(max=2147483647):thread_id>/moderate", methods=["POST"])
def moderate(thread_id: int) -> Response:
    """Hide, show, lock, unlock or move the thread (the lead)."""
    if not is_moderator(current_user):
        abort(403)
    action = request.form.get("action")
    changes = {"hide": {"hidden": True}, "show": {"hidden": False}, "lock": {"locked": True},
               "unlock": {"locked": False},
               "move": {"board": request.form.get("board", "")}}.get(action or "")
    if changes is None:
        abort(400)
    try:
        svc.moderate_thread(db(), current_user, thread_id, **changes)
        flash(_("The thread was updated."), "success")
    except ValidationFailed as exc:
        flash_invalid(exc)
    return _back(thread_id)


@bp.route("/p/<int(max=2147483647):post_id>/moderate", methods=["POST"])
def moderate_post(post_id: int) -> Response:
    """Hide or show one post (the lead)."""
    if not is_moderator(current_user):
        abort(403)
    hidden = request.form.get("action") == "hide"
    post = svc.moderate_post(db(), current_user, post_id, hidden=hidden)
    flash(_("The post was hidden.") if hidden else _("The post is shown again."), "success")
    return _back(post.thread_id)


@bp.route("/t/<int(max=2147483647):thread_id>/to-request", methods=["POST"])
def to_request(thread_id: int) -> Response:
    """File the thread as a request for its author."""
    try:
        req = svc.thread_to_request(db(), current_user, thread_id,
                                    category=request.form.get("category") or None)
    except ValidationFailed as exc:
        flash_invalid(exc)
        return _back(thread_id)
    except (Conflict, CategoryDisabled) as exc:
        flash_refusal(exc)
        return _back(thread_id)
    flash(_("Request %(n)s was filed from this thread.", n=req.number), "success")
    if current_user.is_staff:
        return redirect(url_for("desk.request", number=req.number))
    return redirect(url_for("portal.detail", number=req.number))


@bp.route("/t/<int(max=2147483647):thread_id>/to-article", methods=["POST"])
def to_article(thread_id: int) -> Response:
    """A knowledge-base draft from the accepted answer."""
    try:
        art = svc.answer_to_article(db(), current_user, thread_id)
    except (TransitionRefused, Conflict) as exc:
        flash_refusal(exc)
        return _back(thread_id)
    flash(_("A knowledge-base draft was made from the accepted answer."), "success")
    return redirect(url_for("kb.edit", article_id=art.id))
