"""The plugin doctor: checks installed plugins against the hookspecs and each other.

Used by ``helpdesk plugins doctor``, the administrator's plugin page and the plugin test kit.
It inspects the plugin objects without registering them in a host (a host refuses a broken
plugin at its first error; the doctor reports every problem of every plugin at once):

- ``load``: an entry point that does not load;
- ``hooks``: methods marked ``@hookimpl`` for hooks nobody declares, with argument names the
  hook does not pass, or ``hd_*`` methods that look like hooks but are not marked;
- ``conflict``: two plugins claiming the same category, request schema, field, permission or
  vendor kind;
- ``workflow``: a category's merged workflow that does not validate, steps that lie on no walk
  from ``new`` to ``closed``, roles naming undeclared permissions;
- ``translations``: marked strings without a Chinese translation in the plugin's catalog;
- ``tables``: tables (models or migrations) not prefixed with the plugin's name;
- ``versions``: state moves (see :mod:`hdcore.plugin_versions`) that do not fit the workflow.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import inspect
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import Schema

from hdcore import hookspecs
from hdcore.errors import PluginError
from hdcore.host import ENTRY_POINT_GROUP, INTERFACE_HOOK_PREFIXES
from hdcore.i18n import catalog_files
from hdcore.i18n import lazy_gettext as _
from hdcore.plugin import HelpdeskPlugin
from hdcore.workflow import StateKind, Workflow, WorkflowContribution, build_workflow

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
LOCALE = "zh_Hans_CN"
#: How strings are marked in a plugin's sources (the same as the project's extraction).
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
_CREATE_TABLE = re.compile(r"op\.create_table\(\s*[\"'](\w+)[\"']")
_IMPL = f"{hookspecs.PROJECT}_impl"
_SPEC = f"{hookspecs.PROJECT}_spec"


@dataclass(frozen=True)
class Finding:
    """One problem (or remark) about one plugin."""

    severity: str
    plugin: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.upper()}: [{self.plugin}] {self.check}: {self.message}"


def varnames(func: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The argument names a hook function or method takes: required ones, then those with a
    default (``self`` left out), as pluggy matches them against a hook's arguments."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return (), ()
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    named = [p for p in params if p.kind in kinds and p.name != "self"]
    return (tuple(p.name for p in named if p.default is p.empty),
            tuple(p.name for p in named if p.default is not p.empty))


# -- what to examine ------------------------------------------------------------------------


def installed_plugins() -> tuple[dict[str, object], list[Finding]]:
    """Load every ``hdcore.plugins`` entry point: ``{name: plugin}`` and the load failures."""
    found: dict[str, object] = {}
    failures: list[Finding] = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            found[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin must not stop the examination
            failures.append(Finding(ERROR, ep.name, "load", _(
                "the entry point %(target)s does not load: %(error)s"
            ) % {"target": ep.value, "error": f"{type(exc).__name__}: {exc}"}))
    return found, failures


def declared_hooks(spec_modules: Iterable[object] = ()) -> dict[str, tuple[str, ...]]:
    """Hook name -> the argument names it passes, for the core's and ``spec_modules``' specs."""
    hooks: dict[str, tuple[str, ...]] = {}
    for module in (hookspecs, *spec_modules):
        for name, obj in vars(module).items():
            if getattr(obj, _SPEC, None) is not None and callable(obj):
                hooks[name] = varnames(obj)[0]
    return hooks


def _impls(plugin: object) -> Iterator[tuple[str, Any, bool]]:
    """``(name, method, marked)`` for the plugin's ``hd_*`` attributes."""
    for name in dir(plugin):
        if not name.startswith("hd_"):
            continue
        method = getattr(plugin, name, None)
        if callable(method):
            yield name, method, getattr(method, _IMPL, None) is not None


def _answer(plugin: object, hook: str, **kwargs: Any) -> Any:
    """Call ``plugin``'s implementation of ``hook`` (if marked) with the arguments it takes."""
    method = getattr(plugin, hook, None)
    if method is None or getattr(method, _IMPL, None) is None:
        return None
    names = varnames(method)[0]
    return method(**{k: v for k, v in kwargs.items() if k in names})


# -- the checks ------------------------------------------------------------------------------


def check_hooks(name: str, plugin: object, hooks: dict[str, tuple[str, ...]]) -> list[Finding]:
    """Implementations must name a declared hook and take only arguments it passes."""
    out = []
    for hook, method, marked in _impls(plugin):
        if not marked:
            if hook in hooks:
                out.append(Finding(WARNING, name, "hooks", _(
                    "%(hook)s is not marked @hookimpl, so it is never called"
                ) % {"hook": hook}))
            continue
        if hook not in hooks and hook.startswith(INTERFACE_HOOK_PREFIXES) and not any(
                h.startswith(INTERFACE_HOOK_PREFIXES) for h in hooks):
            continue  # an interface's hook, and that interface's specs were not given
        if hook not in hooks:
            close = difflib.get_close_matches(hook, list(hooks), n=1, cutoff=0.8)
            hint = _(" (did you mean %(name)s?)") % {"name": close[0]} if close else ""
            out.append(Finding(ERROR, name, "hooks", _(
                "%(hook)s is not a declared hook%(hint)s"
            ) % {"hook": hook, "hint": hint}))
            continue
        wrong = [a for a in varnames(method)[0] if a not in hooks[hook]]
        if wrong:
            out.append(Finding(ERROR, name, "hooks", _(
                "%(hook)s takes %(wrong)s, which the hook does not pass (it passes: %(args)s)"
            ) % {"hook": hook, "wrong": ", ".join(wrong),
                 "args": ", ".join(hooks[hook]) or "-"}))
    return out


def _claims(plugins: dict[str, object], hook: str, check: str, what: Any,
            **kwargs: Any) -> tuple[dict[str, str], list[Finding]]:
    """Who claims which name through ``hook`` (lists of objects with a ``name``)."""
    owners: dict[str, str] = {}
    out = []
    for pname, plugin in plugins.items():
        for item in _answer(plugin, hook, **kwargs) or []:
            if item.name in owners and owners[item.name] != pname:
                out.append(Finding(ERROR, pname, check, what % {
                    "name": item.name, "other": owners[item.name]}))
            else:
                owners.setdefault(item.name, pname)
    return owners, out


def check_conflicts(plugins: dict[str, object]) -> tuple[dict[str, str], list[Finding]]:
    """Categories, permissions, vendor kinds, schemas and fields claimed twice."""
    categories, out = _claims(plugins, "hd_categories", "conflict", _(
        "category %(name)s is also provided by plugin %(other)s"))
    out += _claims(plugins, "hd_permissions", "conflict", _(
        "permission %(name)s is also declared by plugin %(other)s"))[1]
    out += _claims(plugins, "hd_vendor_kinds", "conflict", _(
        "vendor kind %(name)s is also declared by plugin %(other)s"))[1]
    field_types: dict[str, tuple[str, str, str]] = {}
    for category in categories:
        answers = [(p, s) for p, plugin in plugins.items()
                   if (s := _answer(plugin, "hd_request_schema", category=category)) is not None]
        for pname, _schema in answers[1:]:
            out.append(Finding(ERROR, pname, "conflict", _(
                "answers hd_request_schema for category %(category)s, which plugin %(other)s "
                "already answers (only the first schema is used)"
            ) % {"category": category, "other": answers[0][0]}))
        for pname, schema in answers[:1]:
            if not (isinstance(schema, type) and issubclass(schema, Schema)):
                out.append(Finding(ERROR, pname, "conflict", _(
                    "hd_request_schema(%(category)s) must return a marshmallow Schema class"
                ) % {"category": category}))
                continue
            for fname, field in schema().fields.items():
                kind = _base_type(field)
                seen = field_types.setdefault(fname, (pname, category, kind))
                if seen[0] != pname and seen[2] != kind:
                    out.append(Finding(WARNING, pname, "conflict", _(
                        "field %(field)s is a %(kind)s in category %(category)s but a "
                        "%(other_kind)s in %(other_category)s of plugin %(other)s: lists and "
                        "reports across categories will mix them"
                    ) % {"field": fname, "kind": kind, "category": category,
                         "other_kind": seen[2], "other_category": seen[1], "other": seen[0]}))
    return categories, out


def _base_type(field: object) -> str:
    """The marshmallow field class a field is (a plugin's subclass counts as its base)."""
    for cls in type(field).__mro__:
        if cls.__module__.startswith("marshmallow."):
            return cls.__name__
    return type(field).__name__


def _plugin_named(message: str, default: str) -> str:
    match = re.match(r"plugin '([^']+)'", message)
    return match.group(1) if match else default


def check_workflows(plugins: dict[str, object], categories: dict[str, str],
                    permissions: set[str]) -> tuple[dict[str, Workflow], list[Finding]]:
    """Build each category's workflow from every plugin's contribution, as the host does."""
    out: list[Finding] = []
    built: dict[str, Workflow] = {}
    for category, owner in categories.items():
        contributions: list[tuple[str, WorkflowContribution]] = []
        for pname, plugin in plugins.items():
            answer = _answer(plugin, "hd_workflow", category=category)
            if answer is not None:
                contributions.append((pname, answer))
        try:
            wf = build_workflow(category, contributions)
        except PluginError as exc:
            out.append(Finding(ERROR, _plugin_named(str(exc), owner), "workflow", str(exc)))
            continue
        built[category] = wf
        out += _walk_findings(wf, owner)
        for t in wf.transitions.values():
            for role in sorted(t.roles):
                if role.startswith("perm:") and role[5:] not in permissions:
                    out.append(Finding(ERROR, t.origin or owner, "workflow", _(
                        "step %(step)s of %(category)s requires permission %(perm)s, which no "
                        "plugin declares (nobody but administrators could take it)"
                    ) % {"step": t.name, "category": category, "perm": role[5:]}))
    return built, out


def _reach(wf: Workflow, start: str, forward: bool = True) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        for t in wf.transitions.values():
            nxt = [t.target] if forward and state in t.sources else (
                list(t.sources) if not forward and t.target == state else [])
            for n in nxt:
                if n not in seen:
                    seen.add(n)
                    queue.append(n)
    return seen


def off_walk_transitions(wf: Workflow) -> list[str]:
    """Steps that lie on no walk from ``new`` to ``closed`` (their sources cannot be reached,
    or ``closed`` cannot be reached from where they lead)."""
    from_new, to_closed = _reach(wf, "new"), _reach(wf, "closed", forward=False)
    return [t.name for t in wf.transitions.values()
            if not (set(t.sources) & from_new)
            or (t.target not in to_closed and wf.kind(t.target) is not StateKind.FINAL)]


def _walk_findings(wf: Workflow, owner: str) -> list[Finding]:
    return [Finding(WARNING, wf.transitions[name].origin or owner, "workflow", _(
        "step %(step)s of %(category)s lies on no way from new to closed"
    ) % {"step": name, "category": wf.category}) for name in off_walk_transitions(wf)]


def package_dir(plugin: object) -> Path:
    """The folder of the package that defines the plugin's class."""
    return Path(inspect.getfile(type(plugin))).parent


def untranslated(plugin: object) -> list[str]:
    """The strings marked in the plugin's package that its Chinese catalog does not translate."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    folder = package_dir(plugin)
    translated: dict[str, bool] = {}
    tdir = plugin.translations_dir if isinstance(plugin, HelpdeskPlugin) else None
    for po in catalog_files(tdir, LOCALE) if tdir else []:
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id:
                    key = m.id if isinstance(m.id, str) else m.id[0]
                    strings = [m.string] if isinstance(m.string, str) else list(m.string)
                    translated[key] = all(s.strip() for s in strings) and not m.fuzzy
    missing: list[str] = []
    for _f, _line, msg, _c, _ctx in extract_from_dir(folder, METHOD_MAP, {}, KEYWORDS):
        key = msg if isinstance(msg, str) else msg[0]
        if key and not translated.get(key) and key not in missing:
            missing.append(key)
    return missing


def check_translations(name: str, plugin: object) -> list[Finding]:
    """Every marked string of the plugin translated into Chinese."""
    missing = untranslated(plugin)
    if not missing:
        return []
    shown = "; ".join(repr(m) for m in missing[:3]) + (" ..." if len(missing) > 3 else "")
    return [Finding(WARNING, name, "translations", _(
        "%(count)d marked string(s) have no Chinese translation in translations/%(locale)s: "
        "%(strings)s"
    ) % {"count": len(missing), "locale": LOCALE, "strings": shown})]


def plugin_tables(plugin: object) -> set[str]:
    """Tables the plugin defines: mapped classes of its package and its migrations' tables."""
    from hdcore.models import Base

    package = type(plugin).__module__.split(".")[0]
    if type(plugin).__module__.startswith("plugins."):
        package = ".".join(type(plugin).__module__.split(".")[:2])
    tables = {m.local_table.name for m in Base.registry.mappers
              if m.class_.__module__ == package or m.class_.__module__.startswith(package + ".")}
    migrations = getattr(plugin, "migrations_dir", None)
    if migrations is not None:
        for path in Path(migrations).rglob("*.py"):
            tables.update(_CREATE_TABLE.findall(path.read_text(encoding="utf-8")))
    return tables


def check_tables(name: str, plugin: object) -> list[Finding]:
    """A plugin's tables carry its name as prefix (so their owner and branch are known)."""
    return [Finding(ERROR, name, "tables", _(
        "table %(table)s is not prefixed with %(prefix)s"
    ) % {"table": t, "prefix": f"{name}_"}) for t in sorted(plugin_tables(plugin))
        if not t.startswith(f"{name}_")]


def diagnose(plugins: dict[str, object], *, spec_modules: Iterable[object] = (),
             translations: bool = True) -> list[Finding]:
    """Every finding about ``plugins`` (``{name: plugin object}``), errors first.

    The core's essential plugins (``hdcore`` itself) take part in the conflict and workflow
    checks but are not reported on for translations and tables, which the core's own tests
    cover.
    """
    from hdcore.plugin_versions import check_moves

    hooks = declared_hooks(spec_modules)
    out: list[Finding] = []
    sound: dict[str, object] = {}
    for name, plugin in plugins.items():
        problems = check_hooks(name, plugin, hooks)
        out += problems
        if not any(f.severity == ERROR for f in problems):
            sound[name] = plugin
    categories, conflicts = check_conflicts(sound)
    out += conflicts
    permissions = {p.name for plugin in sound.values()
                   for p in _answer(plugin, "hd_permissions") or []}
    workflows, problems = check_workflows(sound, categories, permissions)
    out += problems
    for name, plugin in sound.items():
        if getattr(plugin, "essential", False):
            continue
        if translations:
            out += check_translations(name, plugin)
        out += check_tables(name, plugin)
        out += check_moves(name, plugin, workflows)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda f: (order.get(f.severity, 9), f.plugin))


def diagnose_installed(*, spec_modules: Iterable[object] = ()) -> list[Finding]:
    """Examine the core's built-in plugins and every installed one."""
    from hdcore.builtin import builtin_plugins

    plugins: dict[str, object] = {p.name: p for p in builtin_plugins()}
    found, failures = installed_plugins()
    plugins.update(found)
    return failures + diagnose(plugins, spec_modules=spec_modules)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.severity == ERROR for f in findings)
