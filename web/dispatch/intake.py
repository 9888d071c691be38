"""The intake queue: requests no person has taken yet, oldest first, each with quick assign."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore.models import utcnow
from hdcore.queries.workload import INTAKE_TABS, intake_counts, intake_query, route_suggestions
from web.auth import safe_next
from web.context import db
from web.dispatch.blueprint import bp
from web.dispatch.common import AssignChoices, AssignState, assign_choices, submit_assign
from web.views_common import load_visible, paginate

Page = Response | tuple[str, int]


def _tab(value: str | None) -> str:
    return value if value in INTAKE_TABS else INTAKE_TABS[0]


def _suggested_ids(suggestions: dict[int, dict[str, Any]],
                   choices: AssignChoices) -> dict[int, dict[str, Any]]:
    """Each suggestion with the ids of the person and group it names, for pre-selection."""
    by_name = {g.group.name: g.group.id for g in choices.groups}
    people = choices.technicians + choices.others
    by_username = {p.user.username: p.user.id for p in people}
    return {rid: {**s, "group_id": by_name.get(s.get("group") or ""),
                  "assignee_id": by_username.get(s.get("assignee") or "")}
            for rid, s in suggestions.items()}


def render_intake(tab: str, state: AssignState | None = None, status: int = 200,
                  page: int | None = None) -> tuple[str, int]:
    """The intake page; ``state`` is a refused assign form to draw again on its row."""
    listing = paginate(db(), intake_query(db(), tab), page)
    choices = assign_choices()
    suggestions = _suggested_ids(route_suggestions(db(), [r.id for r in listing.items]),
                                 choices)
    # After a stale post, the request as it is now (it may have left this list meanwhile).
    stale = load_visible(db(), current_user, state.number) if state and state.conflict else None
    return render_template(
        "dispatch/intake.html", tab=tab, page=listing, counts=intake_counts(db()),
        choices=choices, suggestions=suggestions, state=state, now=utcnow(),
        stale=stale if stale is not None and stale not in listing.items else None,
    ), status


@bp.route("/")
def intake() -> tuple[str, int]:
    """Requests nobody has (tab ``unassigned``) or only a group has (tab ``group``)."""
    return render_intake(_tab(request.args.get("tab")))


@bp.route("/r/<number>/assign", methods=["POST"])
def assign(number: str) -> Page:
    """Assign one request from its intake row, then back to the queue with a message."""
    req = load_visible(db(), current_user, number)
    state = submit_assign(req)
    tab = _tab(request.form.get("tab"))
    if state is None:
        return redirect(safe_next(request.form.get("next")) or url_for("dispatch.intake",
                                                                        tab=tab))
    if state.conflict:
        flash(_("Someone else changed %(number)s meanwhile, so your choice was not saved. "
                "Its current state is shown.", number=number), "error")
        return render_intake(tab, state, 409, request.form.get("page", type=int))
    flash(_("Please correct the marked fields."), "error")
    return render_intake(tab, state, 200, request.form.get("page", type=int))
