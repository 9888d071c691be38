"""Phone intake: find the caller, choose the category, fill its form on their behalf.

The caller is found by name, user name, employee number, phone or e-mail: with the plain
search form (works without JavaScript) or the search-as-you-type list that ``dispatch.js``
draws from :func:`people_search`'s JSON. The chosen caller and category travel in the URL
(``?requester=<id>&category=<name>``), so every step can be bookmarked and reloaded.
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import CategoryDisabled, CategorySpec, User, ValidationFailed
from hdcore import services as svc
from hdcore.queries.people import open_request_counts, open_requests_of, search_people
from web.context import db, host
from web.dispatch.blueprint import bp
from web.dispatch.common import request_url
from web.files import uploads
from web.schema_forms import form_fields, parse_form
from web.views_common import flash_refusal

Page = Response | tuple[str, int]


def _caller(raw: str | None) -> User | None:
    """The active account the form names as the caller, or None."""
    raw = (raw or "").strip()
    user = db().get(User, int(raw)) if raw.isdigit() else None
    return user if user is not None and user.is_active else None


def _category(name: str | None) -> CategorySpec | None:
    """The enabled category called ``name``, or None."""
    return next((c for c in host().categories(db()) if c.name == name), None)


def _person_json(user: User, open_count: int, category: str) -> dict[str, Any]:
    return {
        "id": user.id, "full_name": user.full_name, "username": user.username,
        "employee_no": user.employee_no or "", "phone": user.phone or "",
        "email": user.email or "", "department": user.department.name if user.department else "",
        "role": user.role_enum.label, "open_requests": open_count,
        "url": url_for("dispatch.phone", requester=user.id, category=category or None),
    }


@bp.route("/people")
def people_search() -> Response:
    """People matching ``?q=`` as JSON, for the search-as-you-type list."""
    text = request.args.get("q", "")
    category = request.args.get("category", "")
    hits = search_people(db(), text)
    counts = open_request_counts(db(), [u.id for u in hits])
    return jsonify({"query": text, "results": [
        _person_json(u, counts.get(u.id, 0), category) for u in hits]})


def _render(caller: User | None, spec: CategorySpec | None, *, values: dict[str, Any] | None = None,
            errors: dict[str, list[str]] | None = None, files_dropped: bool = False,
            status: int = 200) -> tuple[str, int]:
    values = values or {}
    errors = errors or {}
    text = request.args.get("q", "").strip() if caller is None else ""
    hits = search_people(db(), text) if text else []
    counts = open_request_counts(db(), [u.id for u in hits] + ([caller.id] if caller else []))
    fields = []
    if caller is not None and spec is not None:
        fields = form_fields(host().request_schema(spec.name), values.get("details"), errors,
                             prefix="details", session=db())
    drawn = {"title", "description", "priority", "file", "requester"} | {
        f"details.{f.name}" for f in fields}
    # Errors no input shows (a rule across several fields, say) are listed above the button.
    other = [m for key, msgs in errors.items()
             if not any(key == d or key.startswith(d + ".") for d in drawn) for m in msgs]
    return render_template(
        "dispatch/phone.html", caller=caller, spec=spec, categories=host().categories(db()),
        query=text, hits=hits, counts=counts, fields=fields, values=values, errors=errors,
        other_errors=other, files_dropped=files_dropped,
        caller_requests=open_requests_of(db(), caller.id) if caller is not None else [],
    ), status


@bp.route("/phone", methods=["GET", "POST"])
def phone() -> Page:
    """Enter a request taken by phone; on success, the new request's page."""
    caller = _caller(request.values.get("requester"))
    spec = _category(request.values.get("category"))
    if request.method == "GET":
        if request.args.get("requester") and caller is None:
            flash(_("That account does not exist or is not active; search for the caller."),
                  "error")
        if request.args.get("category") and spec is None:
            flash(_("This service category is switched off at the moment."), "error")
        return _render(caller, spec)
    if caller is None or spec is None:
        flash(_("Choose the caller and the service category first."), "error")
        return _render(caller, spec, status=400)
    schema = host().request_schema(spec.name)
    details = parse_form(schema, request.form, prefix="details.")
    values = {"title": request.form.get("title", ""),
              "description": request.form.get("description", ""),
              "priority": request.form.get("priority", spec.default_priority), "details": details}
    files = uploads(request)
    try:
        req = svc.submit_request(db(), current_user, category=spec.name, title=values["title"],
                                 description=values["description"], priority=values["priority"],
                                 details=details, channel="phone", requester=caller.id,
                                 attachments=files)
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render(caller, spec, values=values, errors=exc.errors, files_dropped=bool(files))
    except CategoryDisabled as exc:
        flash_refusal(exc)
        return redirect(url_for("dispatch.phone", requester=caller.id))
    flash(_("Request %(number)s was filed for %(name)s.", number=req.number,
            name=caller.full_name), "success")
    return redirect(request_url(req.number))
