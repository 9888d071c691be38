"""The domain hooks a help-desk plugin can implement (all prefixed ``hd_``).

Core code never calls these directly: it goes through :class:`hdcore.host.PluginHost`, which
skips the *runtime* hooks of disabled plugins. *Structural* hooks (categories, schemas,
workflows, vendor kinds, permissions) are asked of every registered plugin, because requests
of a disabled category must stay readable and closable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from marshmallow import Schema
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from hdcore.models import Event, ServiceRequest, User
    from hdcore.plugin_types import (
        CategorySpec,
        Permission,
        RouteSuggestion,
        SampleRequest,
        VendorKind,
    )
    from hdcore.plugin_versions import StateMove
    from hdcore.worker import Job
    from hdcore.workflow import TaskTemplate, TransitionContext, WorkflowContribution

PROJECT = "hdcore"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- structural hooks: asked of every registered plugin -------------------------------------


@hookspec
def hd_categories() -> list[CategorySpec]:
    """Return the service categories this plugin provides.

    Called once at start-up. A category name must be unique across plugins; the host refuses to
    start when two plugins claim the same one.
    """


@hookspec(firstresult=True)
def hd_request_schema(category: str) -> type[Schema] | None:
    """Return the marshmallow schema of ``category``'s own fields, or None if not yours.

    The schema validates ``ServiceRequest.details`` on submission and edit, and drives the
    portal form, the phone form, the API and the detail view: put ``label``, ``help``,
    ``widget`` and ``choices`` in each field's ``metadata``. firstresult: the first non-None
    answer wins.
    """


@hookspec
def hd_workflow(category: str) -> WorkflowContribution | None:
    """Return the states and transitions this plugin adds to ``category``'s workflow.

    Called at start-up for every category; the host merges the core lifecycle with every
    answer and validates the machine (reachability, exits, a closed state). Return None for a
    category you do not extend.
    """


@hookspec
def hd_vendor_kinds() -> list[VendorKind]:
    """Return the kinds of outside vendor this plugin tracks (e.g. ``maintenance``)."""


@hookspec
def hd_permissions() -> list[Permission]:
    """Return the named permissions this plugin checks, with the roles granted them by default.

    A transition can require one by listing ``"perm:<name>"`` among its roles.
    """


@hookspec
def hd_sample_requests(category: str) -> list[SampleRequest] | None:
    """Return realistic example requests of ``category`` (demo data and contract tests).

    Each sample's ``path`` lists transitions (with their data) that walk it forward.
    """


# -- runtime hooks: skipped for disabled plugins --------------------------------------------


@hookspec
def hd_check_transition(ctx: TransitionContext) -> list[str] | str | None:
    """Veto a transition: return a reason (or several) why it may not be taken now, or None.

    Called before a request changes state, after the transition's roles and fields were
    checked. Every plugin is asked; any reason refuses the step and is shown to the user.
    """


@hookspec
def hd_transition_tasks(ctx: TransitionContext) -> list[TaskTemplate] | None:
    """Return tasks to create when ``ctx.transition`` is taken (in addition to its templates)."""


@hookspec
def hd_on_transition(ctx: TransitionContext) -> None:
    """React to a transition inside its transaction (write your own rows, engage a vendor).

    Called after the state changed and before the commit; raising aborts the whole step.
    For side effects outside the database (mail, webhooks) use the signals instead.
    """


@hookspec
def hd_on_event(session: Session, request: ServiceRequest, event: Event) -> None:
    """React to any change of a request, inside its transaction (``event`` is its history row).

    Called for every event the services record (created, assigned, transition, comment,
    updated, escalated, ...). Use it to keep derived state in step (due times, notifications
    in the outbox); raising aborts the whole change. Keep it cheap: it runs on every write.
    """


@hookspec(firstresult=True)
def hd_suggest_route(session: Session, request: ServiceRequest) -> RouteSuggestion | None:
    """Suggest the group or person a new request should go to, with the reason.

    Called on submission for requests of your categories; firstresult.
    """


@hookspec
def hd_worker_jobs() -> list[Job]:
    """Return periodic jobs for ``helpdesk worker`` (see :mod:`hdcore.worker`).

    Asked of every plugin; a disabled plugin's jobs are skipped while it is disabled.
    """


@hookspec
def hd_detail_summary(category: str, details: dict[str, Any]) -> list[tuple[str, str]] | None:
    """Return extra ``(label, value)`` lines summarising ``details`` (lists, computed totals)."""


@hookspec
def hd_state_moves() -> list[StateMove] | None:
    """Return how requests in states an earlier version of the plugin had move to current ones.

    Declare one :class:`~hdcore.plugin_versions.StateMove` per removed state (its category,
    the old and the new state, and ``since``: the plugin version that removed it). Asked of
    every plugin by ``helpdesk db upgrade``, which moves the requests still in an old state
    (each with a ``state_moved`` event in its history) and records the plugin's version;
    ``helpdesk plugins doctor`` checks that each old state is gone and each new one exists.
    """


@hookspec
def hd_restrict_visibility(session: Session, actor: User) -> ColumnElement[bool] | None:
    """Return a SQL condition on ``ServiceRequest`` that a request must also meet for ``actor``
    to see it, or None to add nothing.

    Every answer is ANDed to the core's own rule wherever it lists what ``actor`` may see
    (:func:`hdcore.services.access.visible_requests`: the portal, the API, search), so a plugin
    can hide requests, never reveal them. Asked of every registered plugin, enabled or not: a
    disabled plugin's requests stay readable and must stay as private as they were. Start the
    condition with the category (``ServiceRequest.category != "mine" OR ...``) so lists keep
    their indexes. Must agree with :func:`hd_can_view_request`.
    """


@hookspec
def hd_can_view_request(actor: User, request: ServiceRequest) -> bool | None:
    """Return False to hide the loaded ``request`` from ``actor`` (None or True: no objection).

    The per-object form of :func:`hd_restrict_visibility` (the same rule, evaluated in
    Python), asked by :func:`hdcore.services.access.can_view` before any page, API call, file
    or notification shows a request. Asked of every registered plugin, enabled or not; one
    False hides it (the request then answers "not found", as one that does not exist).
    """
