"""The management area's blueprint: for IT managers and administrators only."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from web.dispatch.common import assigned_to_text, request_url

bp = Blueprint("manage", __name__, url_prefix="/manage")

#: Who may use the management area.
ROLES = frozenset({"manager", "admin"})


@bp.before_request
@login_required
def _managers_only() -> None:
    """Everyone else (the lead included) gets 403 for the whole area."""
    if current_user.role not in ROLES:
        abort(403)


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"request_url": request_url, "assigned_to": assigned_to_text}
