"""Core objects as the plain dicts the API's output schemas describe (labels in the caller's
language)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hdcore import (
    CategorySpec,
    Comment,
    Group,
    PluginHost,
    ServiceRequest,
    Task,
    Transition,
    User,
    Workflow,
)
from hdcore import services as svc
from web.api.jsonschema import json_schema

API_ROOT = "/api/v1"


def utc(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC: every time the API gives is."""
    return moment.astimezone(UTC) if moment is not None else None


def person(user: User | None) -> dict[str, Any] | None:
    """Who someone is, briefly."""
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "full_name": user.full_name}


def group(grp: Group | None) -> dict[str, Any] | None:
    """An IT group, briefly."""
    return None if grp is None else {"id": grp.id, "name": grp.name}


def _step_fields(t: Transition) -> dict[str, Any] | None:
    return json_schema(t.schema) if t.schema is not None else None


def _endpoint_of(t: Transition) -> str | None:
    """Where a client takes the step; None for steps only the help desk takes (auto-close)."""
    via = t.meta.get("via")
    if via is None:
        return f"{API_ROOT}/requests/{{id}}/transitions"
    return f"{API_ROOT}/requests/{{id}}/assign" if via == "assign" else None


def workflow(wf: Workflow) -> dict[str, Any]:
    """States and transitions (from ``Workflow.describe``), each step with its fields."""
    described = wf.describe()
    for step in described["transitions"]:
        t = wf.transitions[step["name"]]
        step["sources"] = step.pop("from")
        step["target"] = step.pop("to")
        step["step_fields"] = _step_fields(t)
        step["endpoint"] = _endpoint_of(t)
    return described


def category(host: PluginHost, spec: CategorySpec) -> dict[str, Any]:
    """A category with its fields as JSON Schema and its workflow."""
    return {
        "name": spec.name, "label": str(spec.label), "description": str(spec.description),
        "icon": spec.icon, "default_priority": spec.default_priority, "plugin": spec.plugin,
        "details_schema": json_schema(host.request_schema(spec.name)),
        "workflow": workflow(host.workflow(spec.name)),
    }


def _status_label(host: PluginHost, req: ServiceRequest) -> str:
    try:
        return str(host.workflow(req.category).state(req.status).label)
    except KeyError:  # a state whose plugin was uninstalled: show its name
        return req.status


def request_summary(host: PluginHost, req: ServiceRequest) -> dict[str, Any]:
    """A request's own fields."""
    out: dict[str, Any] = {
        name: getattr(req, name) for name in (
            "id", "number", "category", "title", "description", "priority", "channel",
            "status", "details", "resolution", "created_at", "updated_at",
            "first_response_at", "resolved_at", "closed_at", "response_due_at",
            "resolve_due_at", "escalation_level", "escalated_at", "rating", "rating_comment",
            "rated_at", "version",
        )
    }
    for name, value in out.items():
        if isinstance(value, datetime):
            out[name] = utc(value)
    out.update(status_label=_status_label(host, req), requester=person(req.requester),
               entered_by=person(req.entered_by), assignee=person(req.assignee),
               group=group(req.group))
    return out


def comment(c: Comment) -> dict[str, Any]:
    """A comment."""
    return {"id": c.id, "body": c.body, "internal": c.internal, "author": person(c.author),
            "created_at": utc(c.created_at)}


def task(t: Task) -> dict[str, Any]:
    """A task."""
    return {
        "id": t.id, "request_id": t.request_id, "title": t.title,
        "description": t.description, "status": t.status, "assignee": person(t.assignee),
        "group": group(t.group), "due_at": utc(t.due_at), "created_at": utc(t.created_at),
        "started_at": utc(t.started_at), "completed_at": utc(t.completed_at),
        "depends_on": [d.id for d in t.depends_on], "blocked": bool(t.blocked_by),
        "version": t.version,
    }


def request_full(host: PluginHost, view: svc.RequestView) -> dict[str, Any]:
    """A request with what its reader may see of its conversation, tasks and next steps."""
    out = request_summary(host, view.request)
    out.update(
        comments=[comment(c) for c in view.comments],
        tasks=[task(t) for t in view.tasks],
        transitions=[{"name": t.name, "label": str(t.label), "step_fields": _step_fields(t)}
                     for t in view.transitions],
    )
    return out


def page(host: PluginHost, found: svc.RequestPage) -> dict[str, Any]:
    """One page of requests."""
    return {"items": [request_summary(host, r) for r in found.items], "total": found.total,
            "page": found.page, "per_page": found.per_page, "pages": found.pages}


def history(entries: list[svc.HistoryEntry]) -> dict[str, Any]:
    """A request's history."""
    return {"items": [{
        "id": e.event.id, "at": utc(e.event.at), "kind": e.event.kind,
        "actor": person(e.event.actor), "changes": e.event.changes, "data": e.event.data,
        "public": e.event.public, "task_id": e.event.task_id,
        "comment": comment(e.comment) if e.comment else None,
    } for e in entries]}


def token(issued: svc.IssuedToken) -> dict[str, Any]:
    """A token just issued."""
    return {"token": issued.secret, "prefix": issued.token.prefix,
            "expires_at": utc(issued.token.expires_at)}


def etag(version: int) -> dict[str, str]:
    """The ETag header of an object at ``version``."""
    return {"ETag": f'"{version}"'}
