"""In-app notifications: the bell's unread count, the list, opening one, marking all read."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from hdcore import NotFound
from hdcore import services as svc
from hdcore.models import Notification
from web.context import db

bp = Blueprint("notifications", __name__, url_prefix="/me/notifications")

PER_PAGE = 50


@bp.before_request
@login_required
def _signed_in() -> None:
    """Notifications are personal."""


def unread_notifications() -> int:
    """The signed-in user's unread count, for the bell (0 when signed out); once per page."""
    if not current_user.is_authenticated:
        return 0
    if "hd_unread" not in g:
        try:
            g.hd_unread = svc.unread_count(db(), current_user)
        except SQLAlchemyError:  # an error page after a failed transaction still renders
            g.hd_unread = 0
    return int(g.hd_unread)


def destination(note: Notification) -> str:
    """Where a notification leads: the request as its reader works with it."""
    req = note.request
    if req.requester_id == current_user.id or not current_user.is_staff:
        return url_for("portal.detail", number=req.number)
    if note.task_id is not None:
        return url_for("desk.request", number=req.number, _anchor=f"task-{note.task_id}")
    return url_for("desk.request", number=req.number)


@bp.route("/inbox")
def inbox() -> str:
    """My notifications, newest first; the unread ones marked."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items = svc.notifications_of(db(), current_user, limit=PER_PAGE + 1,
                                 offset=(page - 1) * PER_PAGE)
    return render_template(
        "notifications/inbox.html", items=items[:PER_PAGE], page=page,
        has_more=len(items) > PER_PAGE, describe=svc.describe_notification,
    )


@bp.route("/<int:notification_id>")
def open_one(notification_id: int) -> Response:
    """Mark the notification read and go to its request."""
    try:
        note = svc.open_notification(db(), current_user, notification_id)
    except NotFound:
        abort(404)
    return redirect(destination(note))


@bp.route("/read-all", methods=["POST"])
def read_all() -> Response:
    """Mark every notification read."""
    count = svc.mark_all_notifications_read(db(), current_user)
    if count:
        flash(_("%(n)d notifications marked read.", n=count), "success")
    return redirect(url_for("notifications.inbox"))


def init_app(app: Flask) -> None:
    """Register the pages and the bell's count (``unread_notifications()`` in templates)."""
    app.register_blueprint(bp)
    app.jinja_env.globals["unread_notifications"] = unread_notifications
