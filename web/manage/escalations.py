"""Escalated requests: why and by whom they were escalated, and reassigning them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore.models import utcnow
from hdcore.queries.workload import escalated_query, last_escalations
from web.auth import safe_next
from web.context import db
from web.dispatch.common import AssignState, assign_choices, submit_assign
from web.manage.blueprint import bp
from web.views_common import load_visible, paginate


def render_escalations(state: AssignState | None = None, status: int = 200,
                       page: int | None = None) -> tuple[str, int]:
    """The list; ``state`` is a refused reassign form to draw again on its row."""
    listing = paginate(db(), escalated_query(db()), page)
    stale = load_visible(db(), current_user, state.number) if state and state.conflict else None
    return render_template(
        "manage/escalations.html", page=listing, choices=assign_choices(), state=state,
        last=last_escalations(db(), [r.id for r in listing.items]), now=utcnow(),
        stale=stale if stale is not None and stale not in listing.items else None,
    ), status


@bp.route("/escalations")
def escalations() -> tuple[str, int]:
    """Escalated requests not yet closed, the highest level first."""
    return render_escalations()


@bp.route("/escalations/<number>/reassign", methods=["POST"])
def reassign(number: str) -> Response | tuple[str, int]:
    """Give an escalated request to another person or group, with a note for the history."""
    req = load_visible(db(), current_user, number)
    state = submit_assign(req)
    page = request.form.get("page", type=int)
    if state is None:
        return redirect(safe_next(request.form.get("next")) or url_for("manage.escalations"))
    if state.conflict:
        flash(_("Someone else changed %(number)s meanwhile, so your choice was not saved. "
                "Its current state is shown.", number=number), "error")
        return render_escalations(state, 409, page)
    flash(_("Please correct the marked fields."), "error")
    return render_escalations(state, 200, page)
