"""Links into the web UI for e-mails (the core cannot ask the web layer for its routes)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from hdcore.models import ServiceRequest, Task, User


@dataclass(frozen=True)
class Links:
    """Where a recipient goes from a message: the request and what they can do on it."""

    request: str
    confirm: str
    reopen: str
    rate: str
    task: str
    preferences: str


def request_path(request: ServiceRequest, user: User) -> str:
    """The request's page for ``user``: the portal's for its requester, the desk's for staff."""
    number = quote(request.number, safe="")
    if user.id == request.requester_id or not user.is_staff:
        return f"/portal/r/{number}"
    return f"/desk/r/{number}"


def task_path(task: Task) -> str:
    """The task's page on the desk."""
    return f"/desk/tasks/{task.id}"


PREFERENCES_PATH = "/me/notifications"


def links_for(base_url: str, request: ServiceRequest, user: User,
              task: Task | None = None) -> Links:
    """Absolute links for ``user`` about ``request`` (and ``task``)."""
    base = (base_url or "").rstrip("/")
    page = base + request_path(request, user)
    return Links(
        request=page,
        # The portal page shows these steps; the anchors bring the reader to them.
        confirm=page + "#step-close",
        reopen=page + "#step-reopen",
        rate=page + "#rate",
        task=base + task_path(task) if task is not None else page,
        preferences=base + PREFERENCES_PATH,
    )
