"""Incoming mail: the messages held, refused or ignored with their reasons, one message read,
and filing a held message for an employee (or discarding it).

The same pages serve the administrator (``/admin/mail``) and the help desk lead
(``/dispatch/mail``, registered by :mod:`web.dispatch.mail`); the services decide who may act.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import ValidationFailed
from hdcore import services as svc
from hdcore.mail.reasons import reason_text
from hdcore.models import InboundMessage
from hdcore.queries.mail import TABS, mail_counts, mail_query, message_view
from hdcore.services.mail import OPEN_STATUSES
from web.admin.blueprint import bp as admin_bp
from web.context import db, host
from web.views_common import paginate

Page = Response | tuple[str, int]
FORM_FIELDS = ("requester", "category", "title", "request")


def request_url(number: str) -> str:
    """The staff page of request ``number``."""
    from web.dispatch.common import request_url as url  # the dispatch area imports this module

    return url(number)


def _area() -> str:
    return request.blueprint or "admin"


def _message(message_id: int) -> InboundMessage:
    row = db().get(InboundMessage, message_id)
    if row is None:
        abort(404)
    return row


def mail_list() -> str:
    """The messages of one list (``?tab=held|rejected|ignored|processed``), newest first."""
    tab = request.args.get("tab", TABS[0])
    if tab not in TABS:
        tab = TABS[0]
    return render_template("admin/mail.html", area=_area(), tab=tab, tabs=TABS,
                           counts=mail_counts(db()), page=paginate(db(), mail_query(tab)),
                           reason_of=reason_text)


def _render(row: InboundMessage, values: dict[str, Any] | None = None,
            errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    view = message_view(db(), row)
    if values is None:
        values = {"requester": view.senders[0].username if len(view.senders) == 1 else "",
                  "category": "", "request": row.reason_detail.get("reply_to")
                  or row.reason_detail.get("number") or "",
                  "title": view.parsed.subject if view.parsed else row.subject}
    errors = errors or {}
    other = [m for key, msgs in errors.items() if key not in FORM_FIELDS for m in msgs]
    return render_template(
        "admin/mail_message.html", area=_area(), view=view, m=row, values=values,
        errors=errors, other_errors=other, categories=host().categories(db()),
        open_statuses=OPEN_STATUSES,
        request_link=request_url(row.request.number) if row.request is not None else None,
    ), status


def mail_message(message_id: int) -> tuple[str, int]:
    """One message: its reason, headers, text, files, and what can be done with it."""
    return _render(_message(message_id))


def mail_file(message_id: int) -> Page:
    """File the message as a new request (or as a reply on a request) for an employee."""
    row = _message(message_id)
    values = {k: request.form.get(k, "").strip() for k in FORM_FIELDS}
    as_reply = request.form.get("as") == "reply"
    try:
        svc.file_held_message(
            db(), current_user, row.id, requester=values["requester"] or None,
            category=None if as_reply else values["category"] or None,
            request=(values["request"] or None) if as_reply else None,
            title=None if as_reply else values["title"] or None)
    except ValidationFailed as exc:
        if as_reply and "category" in exc.errors:  # a reply needs the request number
            exc.errors["request"] = [_("Give the number of the request it replies to.")]
            del exc.errors["category"]
        flash(_("Please correct the marked fields."), "error")
        return _render(row, values, exc.errors, 200)
    db().refresh(row)
    number = row.request.number if row.request is not None else ""
    if row.action == "replied":
        flash(_("The message was added to %(number)s as a reply.", number=number), "success")
    else:
        flash(_("Request %(number)s was filed from the message.", number=number), "success")
    return redirect(request_url(number))


def mail_discard(message_id: int) -> Page:
    """Put the message aside for good (it stays stored, among the ignored ones)."""
    row = _message(message_id)
    try:
        svc.discard_message(db(), current_user, row.id, request.form.get("note", ""))
    except ValidationFailed as exc:
        flash(" ".join(m for msgs in exc.errors.values() for m in msgs), "error")
        return _render(row, status=200)
    flash(_("The message was discarded."), "success")
    return redirect(url_for(f"{_area()}.mail", tab="held"))


def mail_raw(message_id: int) -> Response:
    """The message exactly as it arrived, as an ``.eml`` file to open in a mail program."""
    row = _message(message_id)
    response = Response(row.raw, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="message-{row.id}.eml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register(bp: Blueprint) -> None:
    """Add the mail pages to ``bp`` (the admin's and the lead's areas)."""
    bp.add_url_rule("/mail", "mail", mail_list)
    bp.add_url_rule("/mail/<int:message_id>", "mail_message", mail_message)
    bp.add_url_rule("/mail/<int:message_id>/file", "mail_file", mail_file, methods=["POST"])
    bp.add_url_rule("/mail/<int:message_id>/discard", "mail_discard", mail_discard,
                    methods=["POST"])
    bp.add_url_rule("/mail/<int:message_id>/raw", "mail_raw", mail_raw)


register(admin_bp)
