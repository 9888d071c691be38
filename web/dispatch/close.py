"""Force-closing a request without its requester, with a reason (leads and managers)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hdcore import (
    CategoryDisabled,
    Conflict,
    PermissionDenied,
    ServiceRequest,
    Transition,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from web.auth import safe_next
from web.context import db
from web.dispatch.blueprint import bp
from web.dispatch.common import form_int, request_url
from web.views_common import flash_refusal, load_visible

STEP = "force_close"


def _page(req: ServiceRequest, *, reason: str = "", errors: dict[str, list[str]] | None = None,
          conflict: bool = False, status: int = 200) -> tuple[str, int]:
    step = host_step(req)
    open_tasks = [t for t in req.tasks if t.is_open]
    return render_template(
        "dispatch/force_close.html", req=req, step=step, reason=reason, errors=errors or {},
        conflict=conflict, open_tasks=open_tasks,
        back=safe_next(request.values.get("next")) or url_for("dispatch.intake"),
    ), status


def host_step(req: ServiceRequest) -> Transition | None:
    """The force-close step if the signed-in user may take it on ``req`` now."""
    return next((t for t in svc.available_transitions(db(), current_user, req)
                 if t.name == STEP), None)


@bp.route("/r/<number>/close", methods=["GET", "POST"])
def force_close(number: str) -> Response | tuple[str, int]:
    """Ask for the reason, then close the request; open tasks are cancelled with it."""
    req = load_visible(db(), current_user, number)
    if request.method == "GET":
        return _page(req)
    reason = (request.form.get("reason") or "").strip()
    try:
        svc.force_close(db(), current_user, req.id, reason,
                        expected_version=form_int("version"))
    except ValidationFailed as exc:
        return _page(req, reason=reason, errors=exc.errors)
    except Conflict:
        req = load_visible(db(), current_user, number)
        flash(_("Someone else changed this request meanwhile. Its current state is shown; "
                "your reason is kept. Check it and close again."), "error")
        return _page(req, reason=reason, conflict=True, status=409)
    except (TransitionRefused, PermissionDenied, CategoryDisabled) as exc:
        flash_refusal(exc)
        return redirect(url_for("dispatch.force_close", number=number))
    flash(_("%(number)s was closed.", number=req.number), "success")
    return redirect(safe_next(request.form.get("next")) or request_url(req.number))
