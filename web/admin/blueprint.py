"""The administration area's blueprint: the administrator's, with the sections other roles'
work lives in opened to them (see :mod:`web.admin.sections`)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from web.admin.sections import admin_tabs, may_open, may_open_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _gate() -> None:
    """403 for every page of a section the signed-in person may not open, whatever the URL
    names; a page no section claims is the administrator's."""
    if not may_open_page(current_user):
        abort(403)


@bp.app_context_processor
def _tabs() -> dict[str, object]:
    """``admin_tabs(active)`` and ``admin_may_open(user, key)`` for the area's templates."""
    return {"admin_tabs": admin_tabs, "admin_may_open": may_open}
