"""Values plugins hand to the core through hooks: categories, routes, vendor kinds, rights."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CategorySpec:
    """A service category a plugin provides.

    ``name`` is the stable key stored on requests; ``label`` and ``description`` are shown to
    people (lazy translated strings); ``plugin`` is filled in by the host.
    """

    name: str
    label: str
    description: str = ""
    icon: str = "ticket"
    default_priority: str = "normal"
    plugin: str = ""


@dataclass(frozen=True)
class RouteSuggestion:
    """Where a plugin suggests a new request should go, and why (shown on the request)."""

    group: str | None = None
    assignee: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class VendorKind:
    """A kind of outside vendor a category tracks (``erp_vendor``, ``maintenance``, ...)."""

    name: str
    label: str
    #: Whether the request's SLA clock pauses while this vendor has the work.
    pauses_sla: bool = False
    #: Example vendors of this kind (``name``, ``contact_name``, ``phone``, ``email``) for the
    #: demo data and tests; the samples' steps refer to them by name.
    samples: tuple[dict[str, str], ...] = ()
    plugin: str = ""


@dataclass(frozen=True)
class Permission:
    """A named right a plugin checks, granted by default to ``roles``."""

    name: str
    label: str
    roles: frozenset[str] = frozenset()
    plugin: str = ""


@dataclass(frozen=True)
class SampleRequest:
    """A realistic request of a category, for demo data, documentation and contract tests."""

    title: str
    description: str
    details: dict[str, Any] = field(default_factory=dict)
    priority: str = "normal"
    #: Steps to walk after submission, in order: ``(transition name, data)``. The pseudo-step
    #: ``"assign"`` calls the assign service with ``data`` (``{"assignee": username}`` and/or
    #: ``{"group": name}``); the loader takes each step as someone allowed to take it.
    path: tuple[tuple[str, dict[str, Any]], ...] = ()
    #: ``"web"`` (the requester files it) or ``"phone"`` (the lead enters it on their behalf).
    channel: str = "web"
