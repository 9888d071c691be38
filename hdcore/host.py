"""The plugin host: discovers and registers plugins, and is the typed facade over their hooks.

One host per application (the web app keeps it in ``app.extensions``; the CLI, the worker and
the tests make their own). Core code calls ``host.request_schema(category)`` and the like, never
``pm.hook.x(...)``. Structural answers (categories, schemas, workflows) are collected once at
start-up; runtime hooks are called on the enabled plugins only, read from ``plugin_state`` in
the caller's session, so enabling or disabling takes effect at once in every process.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import pluggy
from marshmallow import Schema
from sqlalchemy import select

import hdcore.i18n_marshmallow  # noqa: F401  (translatable marshmallow messages)
from hdcore import hookspecs, i18n, shared_config
from hdcore.errors import NotFound, PluginError
from hdcore.models import PluginState, User
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import (
    CategorySpec,
    Permission,
    RouteSuggestion,
    SampleRequest,
    VendorKind,
)
from hdcore.workflow import TaskTemplate, TransitionContext, Workflow, build_workflow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hdcore.models import ServiceRequest

ENTRY_POINT_GROUP = "hdcore.plugins"
#: Hooks declared by interface layers (web, CLI) rather than by the core.
INTERFACE_HOOK_PREFIXES = ("hd_web_", "hd_cli_")
CORE_PLUGIN = "core"

shared_config.watch(PluginState)


def forget_plugin_state(session: Session) -> None:
    """Say that ``session``'s transaction switched a plugin: the rest of it reads the plugin
    state anew, and every process does at its next transaction (see hdcore.shared_config)."""
    shared_config.changed(session)


class EmptyDetails(Schema):
    """The details schema of a category whose plugin declares none."""


class PluginHost:
    """Registers plugins and answers the core's questions through their hooks."""

    def __init__(self, plugins: Iterable[object] = (), *, discover: bool = True,
                 extra_hookspecs: Iterable[object] = ()) -> None:
        from hdcore.builtin import builtin_plugins  # the core's own, essential plugins

        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        for module in extra_hookspecs:
            self.pm.add_hookspecs(module)
        for builtin in builtin_plugins():
            self._register(builtin)
        if discover:
            self._discover()
        for plugin in plugins:
            self._register(plugin)
        self._check_pending()
        self._subset_cache: dict[frozenset[str], dict[str, Any]] = {}
        self._collect()

    # -- registration ----------------------------------------------------------------------

    def _register(self, plugin: object, name: str | None = None) -> None:
        name = name or getattr(plugin, "name", "") or type(plugin).__name__
        if self.pm.has_plugin(name):
            raise PluginError(f"plugin {name!r} is registered twice")
        try:
            self.pm.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r}: {exc}") from exc
        if isinstance(plugin, HelpdeskPlugin) and plugin.translations_dir:
            i18n.add_translation_dir(plugin.translations_dir)

    def _check_pending(self) -> None:
        """Refuse implementations of hooks nobody declared (a typo would silently do nothing).

        Hooks of the interfaces (``hd_web_*``, ``hd_cli_*``) are declared by the web layer, which
        a worker or a script may not load; they are checked when it adds its specs.
        """
        for name in list(self.pm.hook.__dict__):
            if name.startswith("_") or name.startswith(INTERFACE_HOOK_PREFIXES):
                continue
            caller = getattr(self.pm.hook, name)
            if not caller.has_spec():
                for impl in caller.get_hookimpls():
                    if not impl.optionalhook:
                        raise PluginError(
                            f"plugin {impl.plugin_name!r}: unknown hook {name!r} (no such hook "
                            "is declared; check the spelling)"
                        )

    def add_hookspecs(self, module: object) -> None:
        """Declare more hooks (the web layer's); implementations are checked against them."""
        try:
            self.pm.add_hookspecs(module)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {exc.plugin!r}: {exc}") from exc
        self._subset_cache.clear()

    def call_runtime(self, session: Session, hook: str, /, **kwargs: Any) -> list[Any]:
        """Call ``hook`` on the enabled plugins (interfaces' hooks included); the session only
        decides which plugins are enabled; pass it again in ``kwargs`` if the hook takes it."""
        return self._hook(session, hook)(**kwargs)

    def call_all(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every plugin, enabled or not: ``(plugin name, answer)`` pairs."""
        return self._each(hook, **kwargs)

    def _discover(self) -> None:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(f"plugin {ep.name!r} failed to load: {exc}") from exc
            self._register(plugin, ep.name)

    def _each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every plugin (enabled or not); ``(plugin name, answer)`` pairs."""
        out = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():  # registration order
            args = [kwargs[a] for a in impl.argnames]
            result = impl.function(*args)
            if result is not None:
                out.append((impl.plugin_name, result))
        return out

    def _collect(self) -> None:
        self._categories: dict[str, CategorySpec] = {}
        for plugin_name, specs in self._each("hd_categories"):
            for spec in specs:
                if spec.name in self._categories:
                    raise PluginError(
                        f"plugin {plugin_name!r}: category {spec.name!r} is already provided by "
                        f"plugin {self._categories[spec.name].plugin!r}"
                    )
                self._categories[spec.name] = replace(spec, plugin=plugin_name)

        self._schemas: dict[str, type[Schema]] = {}
        self._workflows: dict[str, Workflow] = {}
        for cat in self._categories:
            schema = self.pm.hook.hd_request_schema(category=cat)
            valid = isinstance(schema, type) and issubclass(schema, Schema)
            if schema is not None and not valid:
                raise PluginError(
                    f"plugin {self._categories[cat].plugin!r}: hd_request_schema({cat!r}) must "
                    "return a marshmallow Schema class"
                )
            self._schemas[cat] = schema or EmptyDetails
            self._workflows[cat] = build_workflow(cat, self._each("hd_workflow", category=cat))

        self._vendor_kinds = {
            k.name: replace(k, plugin=p)
            for p, kinds in self._each("hd_vendor_kinds")
            for k in kinds
        }
        self._permissions: dict[str, Permission] = {}
        for plugin_name, perms in self._each("hd_permissions"):
            for perm in perms:
                if perm.name in self._permissions:
                    raise PluginError(
                        f"plugin {plugin_name!r}: permission {perm.name!r} is already declared "
                        f"by plugin {self._permissions[perm.name].plugin!r}"
                    )
                self._permissions[perm.name] = replace(perm, plugin=plugin_name)

    # -- plugins and their state -----------------------------------------------------------

    def plugins(self) -> list[HelpdeskPlugin]:
        """Every registered help-desk plugin: "core" first, then the other essential ones, then
        the rest, each group by name."""
        found = [p for p in self.pm.get_plugins() if isinstance(p, HelpdeskPlugin)]
        return sorted(found, key=lambda p: (p.name != "core", not p.essential, p.name))

    def plugin(self, name: str) -> HelpdeskPlugin:
        """The plugin registered as ``name``."""
        p = self.pm.get_plugin(name)
        if not isinstance(p, HelpdeskPlugin):
            raise NotFound(f"no plugin named {name!r}")
        return p

    def disabled_plugins(self, session: Session) -> frozenset[str]:
        """Names of the plugins switched off (essential ones never are).

        A page asks dozens of times and every request filed asks: the answer is kept in this
        process until the plugin state changes anywhere (see :mod:`hdcore.shared_config`).
        """
        kept = shared_config.cache(session, "plugins")
        found = kept.get(id(self))
        if found is None:
            rows = session.scalars(select(PluginState.name)
                                   .where(PluginState.enabled.is_(False)))
            found = frozenset(
                n for n in rows if self.pm.has_plugin(n) and not self._is_essential(n))
            kept[id(self)] = found
        return cast(frozenset[str], found)

    def plugin_settings(self, session: Session, name: str) -> dict[str, Any]:
        """The plugin's settings: its defaults overlaid with what the administrator saved."""
        plugin = self.plugin(name)
        state = session.get(PluginState, name)
        return {**plugin.default_settings, **(state.settings if state else {})}

    def _is_essential(self, name: str) -> bool:
        p = self.pm.get_plugin(name)
        return bool(getattr(p, "essential", False))

    def is_enabled(self, session: Session, name: str) -> bool:
        """Whether the plugin ``name`` is enabled now."""
        return name not in self.disabled_plugins(session)

    def _hook(self, session: Session, name: str) -> Any:
        disabled = self.disabled_plugins(session)
        if not disabled:
            return getattr(self.pm.hook, name)
        cache = self._subset_cache.setdefault(disabled, {})
        if name not in cache:
            objs = [self.pm.get_plugin(n) for n in disabled]
            cache[name] = self.pm.subset_hook_caller(name, remove_plugins=objs)
        return cache[name]

    # -- categories ------------------------------------------------------------------------

    def categories(self, session: Session | None = None) -> list[CategorySpec]:
        """All categories, or only the enabled ones when a session is given."""
        cats = list(self._categories.values())
        if session is not None:
            disabled = self.disabled_plugins(session)
            cats = [c for c in cats if c.plugin not in disabled]
        return cats

    def category(self, name: str) -> CategorySpec:
        """The category called ``name`` (NotFound if no plugin provides it)."""
        try:
            return self._categories[name]
        except KeyError:
            raise NotFound(f"no service category named {name!r}") from None

    def category_enabled(self, session: Session, name: str) -> bool:
        """Whether new requests of ``name`` may be filed now."""
        return self.category(name).plugin not in self.disabled_plugins(session)

    def request_schema(self, category: str) -> type[Schema]:
        """The marshmallow schema of ``category``'s details."""
        self.category(category)
        return self._schemas[category]

    def workflow(self, category: str) -> Workflow:
        """``category``'s validated state machine."""
        self.category(category)
        return self._workflows[category]

    def sample_requests(self, category: str) -> list[SampleRequest]:
        """Example requests of ``category`` from the plugins."""
        return [s for _, samples in self._each("hd_sample_requests", category=category)
                for s in samples]

    def detail_summary(self, category: str, details: dict[str, Any]) -> list[tuple[str, str]]:
        """Extra summary lines of a request's details, from the plugins."""
        return [line for _, lines in self._each("hd_detail_summary", category=category,
                                                 details=details) for line in lines]

    # -- vendors and permissions -----------------------------------------------------------

    def vendor_kinds(self) -> list[VendorKind]:
        """Every vendor kind the plugins track."""
        return list(self._vendor_kinds.values())

    def permissions(self) -> list[Permission]:
        """Every permission the plugins declare."""
        return list(self._permissions.values())

    def has_permission(self, actor: User, name: str) -> bool:
        """Whether ``actor``'s role holds the permission ``name`` (administrators hold all)."""
        if actor.role == "admin":
            return True
        perm = self._permissions.get(name)
        return perm is not None and actor.role in perm.roles

    # -- runtime hooks ---------------------------------------------------------------------

    def check_transition(self, ctx: TransitionContext) -> list[str]:
        """Reasons the enabled plugins give to refuse ``ctx.transition`` (empty: allowed)."""
        reasons: list[str] = []
        for answer in self._hook(ctx.session, "hd_check_transition")(ctx=ctx):
            if isinstance(answer, str):
                reasons.append(answer)
            elif answer:
                reasons.extend(str(a) for a in answer)
        return reasons

    def transition_tasks(self, ctx: TransitionContext) -> list[TaskTemplate]:
        """Tasks the enabled plugins want created when ``ctx.transition`` is taken."""
        out: list[TaskTemplate] = []
        for answer in self._hook(ctx.session, "hd_transition_tasks")(ctx=ctx):
            out.extend(answer or [])
        return out

    def on_transition(self, ctx: TransitionContext) -> None:
        """Let the enabled plugins react inside the transaction."""
        self._hook(ctx.session, "hd_on_transition")(ctx=ctx)

    def suggest_route(self, session: Session, request: ServiceRequest) -> RouteSuggestion | None:
        """The first enabled plugin's routing suggestion for ``request``, if any."""
        return self._hook(session, "hd_suggest_route")(session=session, request=request)

    # -- visibility (asked of every plugin, enabled or not: disabling must not reveal) ------

    def visibility_conditions(self, session: Session, actor: User) -> list[Any]:
        """The plugins' SQL conditions a request must also meet for ``actor`` to see it."""
        answers = self.pm.hook.hd_restrict_visibility(session=session, actor=actor)
        return [c for c in answers if c is not None]

    def may_view(self, actor: User, request: ServiceRequest) -> bool:
        """Whether no plugin hides ``request`` from ``actor``."""
        answers = self.pm.hook.hd_can_view_request(actor=actor, request=request)
        return all(answer is not False for answer in answers)
