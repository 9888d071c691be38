"""SLA policies per category and priority (targets, calendar, escalation ladder) and each
category's reminder ladder for resolved requests."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hdcore import NotFound, Priority, ValidationFailed
from hdcore import services as svc
from hdcore.models import ANY_CATEGORY, SlaCalendar, SlaPolicy
from hdcore.sla.policy import ACTION_LABELS, ACTIONS, TARGET_LABELS, TARGETS
from web.admin.blueprint import bp
from web.admin.common import form_failed
from web.context import db, host

#: Empty ladder rows offered below the existing levels, to add more.
BLANK_LEVELS = 2


def _category_or_404(category: str) -> str:
    if category != ANY_CATEGORY and category not in {c.name for c in host().categories()}:
        abort(404)
    return category


def _priority_or_404(priority: str) -> str:
    if priority not in {p.value for p in Priority}:
        abort(404)
    return priority


def _split(minutes: int) -> tuple[str, str]:
    return str(minutes // 60), str(minutes % 60)


def _number(text: str) -> int | None:
    """A whole number typed in a form (None when it is not one)."""
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"\d{1,7}", text) else None


def _duration(hours: str, minutes: str) -> int | None:
    """Hours and minutes typed in two inputs as minutes (None when either is not a number)."""
    h = _number(hours) if hours.strip() else 0
    m = _number(minutes) if minutes.strip() else 0
    return None if h is None or m is None else h * 60 + m


def _hours(text: str) -> int | None:
    """Hours typed as "4" or "0.5" as whole minutes."""
    try:
        value = Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        return None
    return int(value * 60) if value >= 0 and value == value.quantize(Decimal("0.01")) else None


def _policy_values(row: SlaPolicy | None, default_calendar: int | None) -> dict[str, Any]:
    if row is None:
        return {"response_h": "4", "response_m": "0", "resolution_h": "24", "resolution_m": "0",
                "calendar_id": str(default_calendar or ""), "vendor_pauses": True, "levels": []}
    rh, rm = _split(row.response_minutes)
    sh, sm = _split(row.resolution_minutes)
    return {"response_h": rh, "response_m": rm, "resolution_h": sh, "resolution_m": sm,
            "calendar_id": str(row.calendar_id), "vendor_pauses": row.vendor_pauses,
            "levels": [{"target": lv["target"], "percent": str(lv["percent"]),
                        "after": f"{Decimal(lv.get('after_minutes', 0)) / 60:g}",
                        "action": lv["action"]} for lv in row.escalation or []]}


def _posted_policy() -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as typed (to show again) and as the service takes it."""
    form = request.form
    shown: dict[str, Any] = {k: form.get(k, "") for k in (
        "response_h", "response_m", "resolution_h", "resolution_m", "calendar_id")}
    shown["vendor_pauses"] = bool(form.get("vendor_pauses"))
    shown["levels"] = []
    levels = []
    for i in range(int(form.get("level_count", 0) or 0)):
        row = {k: form.get(f"levels.{i}.{k}", "").strip()
               for k in ("target", "percent", "after", "action")}
        if not any(row.values()) or form.get(f"levels.{i}.remove"):
            continue
        shown["levels"].append(row)
        percent = _number(row["percent"])
        after = _hours(row["after"])
        levels.append({"target": row["target"], "action": row["action"],
                       "percent": percent if percent is not None else row["percent"],
                       "after_minutes": after if after is not None else row["after"]})
    response = _duration(shown["response_h"], shown["response_m"])
    resolution = _duration(shown["resolution_h"], shown["resolution_m"])
    calendar = _number(shown["calendar_id"])
    return shown, {
        "response_minutes": response if response is not None else shown["response_h"],
        "resolution_minutes": resolution if resolution is not None else shown["resolution_h"],
        "calendar_id": calendar, "vendor_pauses": shown["vendor_pauses"], "levels": levels,
    }


@bp.route("/sla")
def sla_policies() -> str:
    """The targets of every category and priority, own or by default, and the reminders."""
    rows = svc.policy_rows(db())
    categories = [ANY_CATEGORY, *sorted(c.name for c in host().categories())]
    reminders = {c: svc.reminder_policy(db(), c) for c in categories}
    calendars = {c.id: c.name for c in db().scalars(select(SlaCalendar))}
    return render_template(
        "admin/sla_policies.html", categories=categories, reminders=reminders,
        rows={(r.category, r.priority): r for r in rows}, priorities=[p.value for p in Priority],
        calendars=calendars, action_labels={k: str(v) for k, v in ACTION_LABELS.items()},
        target_labels={k: str(v) for k, v in TARGET_LABELS.items()},
    )


def _policy_page(category: str, priority: str, values: dict[str, Any],
                 errors: dict[str, list[str]], own: bool) -> str:
    calendars = list(db().scalars(select(SlaCalendar).order_by(SlaCalendar.name)))
    levels = list(values["levels"]) + [{}] * BLANK_LEVELS
    return render_template(
        "admin/sla_policy_form.html", category=category, priority=priority, values=values,
        errors=errors, own=own, levels=levels, calendars=calendars,
        targets=[(t, str(TARGET_LABELS[t])) for t in TARGETS],
        actions=[(a, str(ACTION_LABELS[a])) for a in ACTIONS],
    )


@bp.route("/sla/<category>/<priority>", methods=["GET", "POST"])
def edit_sla_policy(category: str, priority: str) -> str | Response:
    """Set one category's targets and escalation ladder for one priority."""
    category, priority = _category_or_404(category), _priority_or_404(priority)
    row = {(r.category, r.priority): r for r in svc.policy_rows(db())}[(category, priority)]
    if request.method == "GET":
        default = db().scalar(select(SlaCalendar.id).order_by(SlaCalendar.is_default.desc()))
        return _policy_page(category, priority, _policy_values(row.policy, default), {},
                            row.own or category == ANY_CATEGORY)
    shown, values = _posted_policy()
    try:
        svc.save_policy(db(), current_user, category=category, priority=priority, **values)
    except ValidationFailed as exc:
        errors = form_failed(exc)
        for key in ("response_minutes", "resolution_minutes"):
            if key in errors:
                errors[key.replace("_minutes", "")] = errors.pop(key)
        return _policy_page(category, priority, shown, errors, row.own)
    flash(_("The policy was saved; open requests' due times are being recomputed."), "success")
    return redirect(url_for("admin.sla_policies", _anchor=f"cat-{category}"))


@bp.route("/sla/<category>/<priority>/reset", methods=["POST"])
def reset_sla_policy(category: str, priority: str) -> Response:
    """Let the category follow the default policy for this priority again."""
    category, priority = _category_or_404(category), _priority_or_404(priority)
    try:
        svc.reset_policy(db(), current_user, category=category, priority=priority)
    except (NotFound, ValidationFailed):
        abort(404)
    flash(_("The category follows the default policy again."), "success")
    return redirect(url_for("admin.sla_policies", _anchor=f"cat-{category}"))


def _reminder_values(row: Any) -> dict[str, Any]:
    if row is None:
        return {"reminder_days": "2, 4", "close_after_days": "5", "reopen_days": "7"}
    return {"reminder_days": ", ".join(str(d) for d in row.reminder_days or []),
            "close_after_days": "" if row.close_after_days is None else str(row.close_after_days),
            "reopen_days": str(row.reopen_days)}


@bp.route("/sla/<category>/reminders", methods=["GET", "POST"])
def edit_sla_reminders(category: str) -> str | Response:
    """When a resolved request's requester is reminded, when it closes itself, and how long
    they may reopen it then."""
    category = _category_or_404(category)
    row, own = svc.reminder_policy(db(), category)
    if request.method == "GET":
        return render_template("admin/sla_reminders_form.html", category=category,
                               values=_reminder_values(row), errors={}, own=own)
    shown = {k: request.form.get(k, "") for k in ("reminder_days", "close_after_days",
                                                  "reopen_days")}
    parts = [p for p in re.split(r"[,，;\s]+", shown["reminder_days"].strip()) if p]
    days: list[Any] = [_number(p) if _number(p) is not None else p for p in parts]
    close = shown["close_after_days"].strip()
    reopen = _number(shown["reopen_days"])
    try:
        svc.save_reminder_policy(
            db(), current_user, category=category, reminder_days=days,
            close_after_days=(_number(close) if _number(close) is not None else close)
            if close else None,
            reopen_days=reopen if reopen is not None else shown["reopen_days"])
    except ValidationFailed as exc:
        return render_template("admin/sla_reminders_form.html", category=category,
                               values=shown, errors=form_failed(exc), own=own)
    flash(_("The reminder ladder was saved."), "success")
    return redirect(url_for("admin.sla_policies", _anchor=f"cat-{category}"))


@bp.route("/sla/<category>/reminders/reset", methods=["POST"])
def reset_sla_reminders(category: str) -> Response:
    """Let the category follow the default reminder ladder again."""
    category = _category_or_404(category)
    try:
        svc.reset_reminder_policy(db(), current_user, category=category)
    except (NotFound, ValidationFailed):
        abort(404)
    flash(_("The category follows the default reminder ladder again."), "success")
    return redirect(url_for("admin.sla_policies", _anchor=f"cat-{category}"))
