"""The work queue page: my work, my groups' work and (for supervisors) all open work."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hdcore import Priority, StateKind
from hdcore.models import utcnow
from hdcore.queries.queue import (
    DUE_FILTERS,
    SORTS,
    QueueFilters,
    queue_counts,
    scopes_for,
    work_queue,
)
from web.context import db, host
from web.desk.blueprint import bp

#: Query arguments the queue keeps when switching tab, sorting or paging.
KEPT_ARGS = ("scope", "status", "category", "priority", "due", "q", "sort", "dir")


def _scope_labels() -> dict[str, str]:
    return {"mine": _("Mine"), "groups": _("My groups"), "all": _("All open work")}


def _status_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The status filter: broad choices, stages, then every request and task status."""
    return _status_choices_in(host(), str(get_locale()))


# The workflows are fixed at start-up and the catalogs loaded once: the choices are worked
# out once per language instead of on every page and refresh.
@lru_cache(maxsize=16)
def _status_choices_in(_host: Any, _locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    stages = [("@new", _("New / not started")), ("@active", _("Being worked")),
              ("@waiting", _("Waiting")), ("@resolved", _("Resolved, awaiting confirmation")),
              ("@final", _("Closed or done"))]
    seen: dict[str, tuple[int, str]] = {}
    order = list(StateKind)
    for cat in _host.categories():
        wf = _host.workflow(cat.name)
        for st in wf.states.values():
            seen.setdefault(st.name, (order.index(st.kind), str(st.label)))
    statuses = [(name, label) for name, (_rank, label)
                in sorted(seen.items(), key=lambda kv: kv[1])]
    tasks = [("in_progress", _("Task in progress")), ("done", _("Task done"))]
    return [
        ("", [("open", _("Open (not closed)")), ("all", _("Any status"))]),
        (_("Stage"), stages),
        (_("Request status"), statuses),
        (_("Task status"), tasks),
    ]


def _valid_statuses(groups: list[tuple[str, list[tuple[str, str]]]]) -> set[str]:
    return {value for _g, choices in groups for value, _l in choices}


def _arg(name: str, allowed: set[str] | tuple[str, ...] | None = None, default: str = "") -> str:
    value = (request.args.get(name) or "").strip()
    if allowed is not None and value not in allowed:
        return default
    return value[:100]


def url_with(**changes: Any) -> str:
    """This queue's URL with some arguments changed (None drops one); paging restarts."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in KEPT_ARGS and v}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("desk.queue", **args)


@bp.route("/")
def queue() -> str:
    """One list of the requests and tasks to work on, with tabs, filters, sorting and paging.

    ``?partial=1`` answers only the tabs and the table, for the page's periodic refresh.
    """
    user = current_user
    scopes = scopes_for(user)
    status_groups = _status_choices()
    categories = host().categories()
    filters = QueueFilters(
        status=_arg("status", _valid_statuses(status_groups), "open"),
        category=_arg("category", {c.name for c in categories}),
        priority=_arg("priority", {p.value for p in Priority}),
        due=_arg("due", DUE_FILTERS),
        text=_arg("q"),
    )
    as_of = utcnow()
    counts = queue_counts(db(), user, filters, now=as_of)
    # Without a chosen tab, open the first one that has work in it.
    default = next((s for s in scopes if counts[s]), "mine")
    scope = _arg("scope", scopes, default)
    sort = _arg("sort", tuple(SORTS), "due")
    direction = _arg("dir", ("asc", "desc"), SORTS[sort])
    page = work_queue(db(), user, scope=scope, filters=filters, sort=sort,
                      descending=direction == "desc",
                      page=request.args.get("page", 1, type=int) or 1,
                      now=as_of, total=counts.get(scope))
    context = {
        "page": page, "scope": scope, "scopes": scopes, "scope_labels": _scope_labels(),
        "counts": counts, "filters": filters, "sort": sort,
        "direction": direction, "url_with": url_with, "as_of": as_of,
        "filtered": any((filters.status != "open", filters.category, filters.priority,
                         filters.due, filters.text)),
    }
    if request.args.get("partial"):
        return render_template("desk/_queue_results.html", **context)
    due_choices = [("overdue", _("Overdue")), ("today", _("Due today")),
                   ("later", _("Due later")), ("none", _("No due time"))]
    return render_template("desk/queue.html", status_groups=status_groups,
                           categories=categories, due_choices=due_choices, **context)
