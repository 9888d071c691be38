"""The dispatch area's blueprint: the help desk lead's pages (managers and administrators too)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from web.dispatch.common import assigned_to_text, request_url

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")

#: Who may use the dispatch area.
ROLES = frozenset({"lead", "manager", "admin"})


@bp.before_request
@login_required
def _dispatchers_only() -> None:
    """Employees and technicians get 403 for the whole area, whatever the URL names."""
    if current_user.role not in ROLES:
        abort(403)


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"request_url": request_url, "assigned_to": assigned_to_text}
