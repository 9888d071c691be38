"""Taking a request off the escalated list: the manager's de-escalate button."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import Conflict, TransitionRefused, ValidationFailed
from hdcore import services as svc
from web.auth import safe_next
from web.context import db
from web.manage.blueprint import bp
from web.views_common import load_visible


@bp.route("/escalations/<number>/de-escalate", methods=["POST"])
def de_escalate(number: str) -> Response:
    """Set the request's escalation level back to 0, with an optional note for the history."""
    req = load_visible(db(), current_user, number)
    back = safe_next(request.form.get("next")) or url_for("manage.escalations")
    try:
        svc.de_escalate(db(), current_user, req.id, request.form.get("note", ""),
                        expected_version=request.form.get("version", type=int))
    except ValidationFailed as exc:
        flash(" ".join(m for msgs in exc.errors.values() for m in msgs), "error")
    except Conflict:
        flash(_("Someone else changed %(number)s meanwhile; check it and try again.",
                number=number), "error")
    except TransitionRefused as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(number)s is no longer escalated.", number=number), "success")
    return redirect(back)
