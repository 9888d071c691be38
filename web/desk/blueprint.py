"""The desk's blueprint: every page and action of it is for IT staff only."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.before_request
@login_required
def _staff_only() -> None:
    """Employees get 403 for the whole area (whatever the URL names, so nothing is disclosed);
    a request number that does not exist answers 404 to staff."""
    if not current_user.is_staff:
        abort(403)
