"""Views of the portal: a view parses the input, calls one service, renders the result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from hdcore import CategoryDisabled, HelpdeskError, ServiceRequest, ValidationFailed
from hdcore import services as svc
from hdcore.workflow import StateKind
from web.context import db, host
from web.files import uploads
from web.plugins import request_panels
from web.schema_forms import display_details, form_fields, parse_form
from web.views_common import (
    load_visible,
    paginate,
    step_data,
    step_forms,
    timeline,
    transition_or_404,
    visible_attachments,
)

bp = Blueprint("portal", __name__, url_prefix="/portal")

#: The tabs of "my requests" and the state kinds each shows.
TABS = {
    "open": (StateKind.NEW, StateKind.ACTIVE, StateKind.WAITING),
    "resolved": (StateKind.RESOLVED,),
    "closed": (StateKind.FINAL,),
}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every portal page needs a signed-in user."""


def _states_of(kinds: tuple[StateKind, ...]) -> set[str]:
    names: set[str] = set()
    for cat in host().categories():
        names.update(host().workflow(cat.name).states_of_kind(*kinds))
    return names


@bp.route("/")
def index() -> str:
    """My requests, by tab (open, waiting for my confirmation, closed)."""
    tab = request.args.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    mine = ServiceRequest.requester_id == current_user.id
    query = (select(ServiceRequest).where(mine)
             .where(ServiceRequest.status.in_(_states_of(TABS[tab])))
             .order_by(ServiceRequest.updated_at.desc()))
    page = paginate(db(), query)
    counts = {
        t: db().scalar(select(func.count()).select_from(ServiceRequest)
                       .where(mine, ServiceRequest.status.in_(_states_of(kinds))))
        for t, kinds in TABS.items()
    }
    return render_template("portal/index.html", page=page, tab=tab, counts=counts)


@bp.route("/new")
def choose_category() -> str:
    """Pick the kind of help needed."""
    return render_template("portal/choose.html", categories=host().categories(db()))


@bp.route("/new/<category>", methods=["GET", "POST"])
def new_request(category: str) -> str | Response:
    """The category's form; on success, the new request's page."""
    try:
        spec = host().category(category)
    except HelpdeskError:
        abort(404)
    if not host().category_enabled(db(), category):
        flash(_("This service category is switched off at the moment."), "error")
        return redirect(url_for("portal.choose_category"))
    schema = host().request_schema(category)
    values: dict = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        details = parse_form(schema, request.form, prefix="details.")
        values = {"title": request.form.get("title", ""),
                  "description": request.form.get("description", ""),
                  "priority": request.form.get("priority", "normal"), "details": details}
        try:
            req = svc.submit_request(db(), current_user, category=category,
                                     title=values["title"], description=values["description"],
                                     priority=values["priority"], details=details, channel="web",
                                     attachments=uploads(request))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(_("Please correct the marked fields."), "error")
        except CategoryDisabled as exc:
            flash(str(exc), "error")
            return redirect(url_for("portal.choose_category"))
        else:
            flash(_("Request %(n)s was filed. IT will get back to you.", n=req.number),
                  "success")
            return redirect(url_for("portal.detail", number=req.number))
    fields = form_fields(schema, values.get("details"), errors, prefix="details", session=db())
    return render_template("portal/new.html", spec=spec, fields=fields, values=values,
                           errors=errors)


@bp.route("/r/<number>")
def detail(number: str) -> str:
    """One request as its requester sees it: details, public history, what they can do."""
    req = load_visible(db(), current_user, number)
    schema = host().request_schema(req.category)
    steps = svc.available_transitions(db(), current_user, req)
    kind = host().workflow(req.category).kind(req.status)
    return render_template(
        "portal/detail.html", req=req, details=display_details(schema, req.details),
        summary=host().detail_summary(req.category, req.details),
        history=timeline(db(), req, internal=False), steps=step_forms(db(), req, steps),
        attachments=visible_attachments(db(), req, internal=False),
        panels=request_panels(req, current_user),
        can_rate=(req.requester_id == current_user.id and req.rating is None
                  and req.status != "cancelled"
                  and kind in (StateKind.RESOLVED, StateKind.FINAL)),
        can_escalate=(req.requester_id == current_user.id
                      and kind not in (StateKind.RESOLVED, StateKind.FINAL)),
        is_final=kind is StateKind.FINAL,
    )


def _back(req_number: str) -> Response:
    return redirect(url_for("portal.detail", number=req_number))


@bp.route("/r/<number>/reply", methods=["POST"])
def reply(number: str) -> Response:
    """Write to IT on the request."""
    req = load_visible(db(), current_user, number)
    try:
        svc.add_comment(db(), current_user, req.id, request.form.get("body", ""),
                        attachments=uploads(request))
        flash(_("Your message was added."), "success")
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.errors.values() for m in msgs), "error")
    return _back(number)


@bp.route("/r/<number>/step/<name>", methods=["POST"])
def step(number: str, name: str) -> Response:
    """Take a step of the workflow (confirm and close, not fixed, cancel, ...)."""
    req = load_visible(db(), current_user, number)
    t = transition_or_404(req, name)
    try:
        svc.transition(db(), current_user, req.id, name, step_data(t),
                       expected_version=request.form.get("version", type=int))
        flash(_("Done: %(step)s.", step=str(t.label)), "success")
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.errors.values() for m in msgs), "error")
    return _back(number)


@bp.route("/r/<number>/rate", methods=["POST"])
def rate(number: str) -> Response:
    """Rate the service received."""
    req = load_visible(db(), current_user, number)
    try:
        svc.rate(db(), current_user, req.id, request.form.get("score", type=int) or 0,
                 request.form.get("comment", ""))
        flash(_("Thank you for your rating."), "success")
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.errors.values() for m in msgs), "error")
    return _back(number)


@bp.route("/r/<number>/escalate", methods=["POST"])
def escalate(number: str) -> Response:
    """Ask for the request to be escalated to the IT manager."""
    req = load_visible(db(), current_user, number)
    try:
        svc.escalate(db(), current_user, req.id, request.form.get("reason", ""))
        flash(_("The request was escalated; the IT manager is informed."), "success")
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.errors.values() for m in msgs), "error")
    return _back(number)
