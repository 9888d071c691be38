"""The request page's "How the due times are computed": the SLA explanation for templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from hdcore import ServiceRequest
from hdcore import services as svc
from hdcore.i18n import gettext as catalog_gettext
from hdcore.sla.explain import Explanation
from web.context import db
from web.desk.blueprint import bp
from web.formatting import when
from web.history import HistoryEntry
from web.views_common import load_visible


@bp.route("/r/<number>/sla")
def sla(number: str) -> str:
    """How the request's due times are computed: the panel the request page loads when it is
    opened (``?fragment=1``), or a page of its own (the panel's link, without scripts)."""
    req = load_visible(db(), current_user, number)
    if request.args.get("fragment"):
        return render_template("desk/_sla_explanation_body.html", req=req)
    return render_template("desk/sla.html", req=req)


@bp.app_template_global("sla_explanation")
def sla_explanation(req: ServiceRequest, history: Sequence[HistoryEntry] | None = None,
                    ) -> Explanation | None:
    """Why ``req`` is due when it is, for the signed-in viewer (None: no policy applies).

    ``history``: the request's whole history as the page shows it to IT staff (every event),
    whose events are then not read a second time.
    """
    events = [entry.event for entry in history] if history is not None else None
    return svc.explain_due_times(db(), current_user, req.id, events=events)


@bp.app_template_filter("business_time")
def business_time(minutes: float) -> str:
    """Business minutes as "3 h 30 min" ("45 min", "2 h")."""
    total = round(minutes)
    hours, rest = divmod(total, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min", h=hours, m=rest)
    if hours:
        return _("%(h)d h", h=hours)
    return _("%(m)d min", m=rest)


@bp.app_template_global("sla_reason")
def sla_reason(facts: dict[str, Any]) -> str:
    """An automatic escalation's reason in the viewer's language, from the facts it stored."""
    target = _("first response") if facts.get("target") == "response" else _("resolution")
    values = {
        "percent": facts.get("percent", 100), "target": target,
        "length": business_time(facts.get("target_minutes") or 0),
        "due": when(facts.get("due_at"), "short") or "—",
    }
    if facts.get("after_minutes"):
        return _("%(percent)s%% of the %(target)s target (%(length)s) and %(after)s more have "
                 "passed; it was due %(due)s.", after=business_time(facts["after_minutes"]),
                 **values)
    return _("%(percent)s%% of the %(target)s target (%(length)s) has passed; due %(due)s.",
             **values)


@bp.app_template_filter("sla_name")
def sla_name(text: str | None) -> str:
    """A calendar's or holiday's name in the viewer's language when it is one the help desk
    seeded (stored in English); a name the administrator typed is shown as typed."""
    return catalog_gettext(text) if text else ""
