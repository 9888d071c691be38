"""Outgoing mail: the messages waiting or dead, with their errors, and sending one again."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import Conflict, NotFound
from hdcore import services as svc
from web.admin.blueprint import bp
from web.context import db, helpdesk

#: The views of the list: which statuses each shows.
VIEWS = {
    "problems": ("dead", "pending", "sending"),
    "dead": ("dead",),
    "pending": ("pending", "sending"),
    "sent": ("sent",),
}


@bp.route("/outbox")
def outbox() -> str:
    """Dead and waiting messages first, with why they failed and when they are tried next."""
    view = request.args.get("view", "problems")
    if view not in VIEWS:
        view = "problems"
    settings = helpdesk().settings
    return render_template(
        "admin/outbox.html", view=view, messages=svc.outbox_messages(db(), VIEWS[view]),
        counts=svc.outbox_counts(db()), smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port, max_attempts=settings.mail_max_attempts,
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def retry_message(message_id: int) -> Response:
    """Send one message again at the worker's next run."""
    try:
        message = svc.retry_outbox_message(db(), current_user, message_id)
    except NotFound:
        abort(404)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(_("The message to %(to)s will be sent again.", to=message.recipient), "success")
    return redirect(url_for("admin.outbox", view=request.form.get("view", "problems")))


@bp.route("/outbox/retry-dead", methods=["POST"])
def retry_dead() -> Response:
    """Send every dead message again."""
    count = svc.retry_dead_messages(db(), current_user)
    flash(_("%(n)d messages will be sent again.", n=count), "success")
    return redirect(url_for("admin.outbox"))
