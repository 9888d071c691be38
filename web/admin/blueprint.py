"""The administration area's blueprint: every page and action of it is for administrators."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only() -> None:
    """Everyone but administrators gets 403 for the whole area, whatever the URL names."""
    if current_user.role != "admin":
        abort(403)
