"""Views of the portal: a view parses the input, calls one service, renders the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from hdcore import (
    CategoryDisabled,
    Conflict,
    HelpdeskError,
    PermissionDenied,
    ServiceRequest,
    Transition,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from hdcore.models import utcnow
from hdcore.workflow import StateKind
from web.context import db, host
from web.files import uploads
from web.plugins import request_panels
from web.portal.asset_defaults import asset_form_defaults
from web.schema_forms import FieldView, display_details, form_fields, parse_form
from web.views_common import (
    flash_invalid,
    flash_refusal,
    load_visible,
    new_summary_lines,
    paginate,
    step_data,
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
    return render_template("portal/index.html", page=page, tab=tab, counts=counts, now=utcnow())


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
    values: dict = asset_form_defaults(schema)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        details = parse_form(schema, request.form, prefix="details.")
        values = {"title": request.form.get("title", ""),
                  "description": request.form.get("description", ""),
                  "priority": request.form.get("priority", "normal"), "details": details}
        try:
            req = svc.submit_request_about(db(), current_user, category=category,
                                           title=values["title"],
                                           description=values["description"],
                                           priority=values["priority"], details=details,
                                           channel="web", attachments=uploads(request),
                                           assets=request.form.getlist("assets"))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(_("Please correct the marked fields."), "error")
        except CategoryDisabled as exc:
            flash_refusal(exc)
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
    return _detail_page(load_visible(db(), current_user, number))[0]


@dataclass
class StepState:
    """A step refused for its input: what was typed and what is wrong, drawn again."""

    name: str
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _steps(req: ServiceRequest, state: StepState | None) -> list[tuple[Transition,
                                                                       list[FieldView]]]:
    """The steps the viewer may take now with their inputs (a refused one with its input)."""
    out = []
    for t in svc.available_transitions(db(), current_user, req):
        mine = state if state is not None and state.name == t.name else None
        errors = {f"{t.name}.{k}": v for k, v in mine.errors.items()} if mine else None
        fields = (form_fields(t.schema, mine.values if mine else None, errors, prefix=t.name,
                              session=db()) if t.schema else [])
        out.append((t, fields))
    return out


def _detail_page(req: ServiceRequest, state: StepState | None = None,
                 status: int = 200) -> tuple[str, int]:
    schema = host().request_schema(req.category)
    kind = host().workflow(req.category).kind(req.status)
    details = display_details(schema, req.details)
    return render_template(
        "portal/detail.html", req=req, details=details,
        summary=new_summary_lines(host().detail_summary(req.category, req.details), details),
        history=timeline(db(), req, internal=False), steps=_steps(req, state),
        step_state=state, now=utcnow(), kind=kind.value,
        attachments=visible_attachments(db(), req, internal=False),
        panels=request_panels(req, current_user),
        can_rate=(req.requester_id == current_user.id and req.rating is None
                  and req.status != "cancelled"
                  and kind in (StateKind.RESOLVED, StateKind.FINAL)),
        can_escalate=(req.requester_id == current_user.id
                      and kind not in (StateKind.RESOLVED, StateKind.FINAL)),
        is_final=kind is StateKind.FINAL,
    ), status


def _back(req_number: str) -> Response:
    return redirect(url_for("portal.detail", number=req_number))


def _stale() -> None:
    flash(_("Someone else changed this request meanwhile. Its current state is shown; "
            "check it and try again."), "error")


@bp.route("/r/<number>/reply", methods=["POST"])
def reply(number: str) -> Response:
    """Write to IT on the request."""
    req = load_visible(db(), current_user, number)
    try:
        svc.add_comment(db(), current_user, req.id, request.form.get("body", ""),
                        attachments=uploads(request))
        flash(_("Your message was added."), "success")
    except ValidationFailed as exc:
        flash_invalid(exc)
    except (TransitionRefused, PermissionDenied) as exc:
        flash_refusal(exc)
    return _back(number)


@bp.route("/r/<number>/step/<name>", methods=["POST"])
def step(number: str, name: str) -> Response | tuple[str, int]:
    """Take a step of the workflow (confirm and close, not fixed, cancel, ...)."""
    req = load_visible(db(), current_user, number)
    t = transition_or_404(req, name)
    data = step_data(t)
    try:
        svc.transition(db(), current_user, req.id, name, data,
                       expected_version=request.form.get("version", type=int))
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _detail_page(req, StepState(name, data, exc.errors))
    except Conflict:
        _stale()
        return _detail_page(load_visible(db(), current_user, number),
                            StepState(name, data), 409)
    except (TransitionRefused, PermissionDenied, CategoryDisabled) as exc:
        flash_refusal(exc)
        return _back(number)
    flash(_("Done: %(step)s.", step=str(t.label)), "success")
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
        flash_invalid(exc)
    except (TransitionRefused, PermissionDenied, Conflict) as exc:
        flash_refusal(exc)
    return _back(number)


@bp.route("/r/<number>/escalate", methods=["POST"])
def escalate(number: str) -> Response:
    """Ask for the request to be escalated to the IT manager."""
    req = load_visible(db(), current_user, number)
    try:
        svc.escalate(db(), current_user, req.id, request.form.get("reason", ""))
        flash(_("The request was escalated; the IT manager is informed."), "success")
    except ValidationFailed as exc:
        flash_invalid(exc)
    except (TransitionRefused, PermissionDenied) as exc:
        flash_refusal(exc)
    return _back(number)
