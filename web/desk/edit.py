"""Editing a request's title, description, priority and category details, with a stale check."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import (
    CategoryDisabled,
    Conflict,
    PermissionDenied,
    ServiceRequest,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from web.context import db, host
from web.desk.blueprint import bp
from web.desk.forms import form_version
from web.schema_forms import display_details, form_fields, parse_form
from web.views_common import flash_refusal, load_visible


def _page(req: ServiceRequest, values: dict[str, Any], errors: dict[str, list[str]],
          version: int, conflict: bool = False, status: int = 200) -> tuple[str, int]:
    schema = host().request_schema(req.category)
    return render_template(
        "desk/edit.html", req=req, values=values, errors=errors, version=version,
        conflict=conflict,
        fields=form_fields(schema, values.get("details"), errors, prefix="details",
                           session=db()),
        current_details=display_details(schema, req.details),
    ), status


@bp.route("/r/<number>/edit", methods=["GET", "POST"])
def edit(number: str) -> Response | tuple[str, int]:
    """Change what the request says; a stale form keeps the typed text beside the current."""
    req = load_visible(db(), current_user, number)
    if host().workflow(req.category).is_final(req.status) or not svc.works_on(current_user, req):
        flash(_("Only the technicians working on an open request can edit it."), "error")
        return redirect(url_for("desk.request", number=req.number))
    if request.method == "GET":
        values = {"title": req.title, "description": req.description,
                  "priority": req.priority, "details": dict(req.details)}
        return _page(req, values, {}, req.version)
    schema = host().request_schema(req.category)
    values = {"title": request.form.get("title", ""),
              "description": request.form.get("description", ""),
              "priority": request.form.get("priority", req.priority),
              "details": parse_form(schema, request.form, prefix="details.")}
    try:
        svc.update_request(db(), current_user, req.id, expected_version=form_version(),
                           **values)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _page(req, values, exc.errors, form_version() or req.version)
    except Conflict:
        # The notice sits on the form itself, which now carries the current version: saving
        # again is a decision taken with the other person's change in view.
        return _page(req, values, {}, req.version, conflict=True, status=409)
    except (PermissionDenied, TransitionRefused, CategoryDisabled) as exc:
        flash_refusal(exc)
        return redirect(url_for("desk.request", number=req.number))
    flash(_("The request was saved."), "success")
    return redirect(url_for("desk.request", number=req.number))
