"""The contract every category plugin passes: subclass :class:`PluginContract` in its tests.

```python
from hdcore.testing.contract import PluginContract

class TestContract(PluginContract):
    plugin_name = "loans"
```

The tests use the kit's fixtures (``plugins``, ``session``, ``people``); by default the help
desk holds every installed plugin. They check that the plugin's hooks match the specs and
nothing it claims collides with another plugin (the doctor finds no error), that its schemas
render (every field labelled, selects with their choices) and validate its samples, that bad
details are refused field by field with nothing written, that its workflow is valid and every
step lies on a walk from ``new`` to ``closed``, that every sample walks its path through the
services (one ending closed), that every marked string has a Chinese translation and that its
tables carry its name as prefix and exist after the migrations.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import OneOf
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from hdcore import (
    DEPARTMENT_HEAD,
    REQUESTER,
    HelpdeskPlugin,
    PluginHost,
    SampleRequest,
    ServiceRequest,
    TransitionRefused,
    ValidationFailed,
    use_locale,
)
from hdcore import services as svc
from hdcore.doctor import ERROR, diagnose, off_walk_transitions, plugin_tables, untranslated

WIDGETS = {"text", "textarea", "select", "number", "date", "datetime", "email", "checkbox",
           "rows", "lines", "vendor"}
LOCALE = "zh_Hans_CN"
#: Who may take a sample's step, in the order they are tried after the requester and head.
CANDIDATES = ("tech", "tech2", "lead", "manager", "admin")


def schema_problems(schema: type[Schema], prefix: str = "") -> list[str]:
    """What keeps a schema from rendering as a form: unlabelled fields, bad widgets, selects
    without choices or whose choices differ from what validates."""
    out = []
    for name, f in schema().fields.items():
        if f.dump_only:
            continue
        where = f"{prefix}{name}"
        meta = f.metadata
        if not str(meta.get("label", "")).strip():
            out.append(f"{where}: no label in metadata")
        widget = meta.get("widget")
        if widget is not None and widget not in WIDGETS:
            out.append(f"{where}: unknown widget {widget!r}")
        if widget == "select":
            values = [str(v) for v, _label in meta.get("choices", [])]
            if not values:
                out.append(f"{where}: a select without choices")
            allowed = [v.choices for v in _validators(f) if isinstance(v, OneOf)]
            if allowed and sorted(map(str, allowed[0])) != sorted(values):
                out.append(f"{where}: choices {values} differ from OneOf {list(allowed[0])}")
        if widget == "vendor" and not meta.get("vendor_kind"):
            out.append(f"{where}: a vendor select without vendor_kind")
        if isinstance(f, fields.List) and isinstance(f.inner, fields.Nested):
            nested = f.inner.nested
            out += schema_problems(nested if isinstance(nested, type) else type(nested),
                                   f"{where}.")
    return out


def _validators(f: fields.Field) -> list[Any]:
    validators = list(getattr(f, "validators", []) or [])
    inner = getattr(f, "inner", None)
    return validators + (list(getattr(inner, "validators", []) or []) if inner else [])


def make_sample_vendors(session: Session) -> None:
    """Register the example vendors of every vendor kind (samples' steps name them)."""
    wanted: dict[str, tuple[dict[str, str], list[str]]] = {}
    for kind in svc.host_of(session).vendor_kinds():
        for sample in kind.samples:
            wanted.setdefault(sample["name"], (sample, []))[1].append(kind.name)
    for name, (sample, kinds) in wanted.items():
        svc.create_vendor(session, None, name=name, kinds=kinds,
                          contact_name=sample.get("contact_name"), phone=sample.get("phone"),
                          email=sample.get("email"))


def finish_tasks(session: Session, people: SimpleNamespace, req: ServiceRequest) -> bool:
    """Complete the request's open tasks in dependency order; whether any was completed."""
    done = False
    while ready := [t for t in req.tasks if t.is_open and not t.blocked_by]:
        for task in ready:
            worker = next((p for p in (task.assignee, *(getattr(people, c) for c in CANDIDATES))
                           if p is not None and svc.can_work_task(p, task)), people.admin)
            svc.complete_task(session, worker, task.id, note="Done.")
            done = True
    return done


def take_step(session: Session, people: SimpleNamespace, req: ServiceRequest, name: str,
              data: dict[str, Any]) -> None:
    """Take a sample's step as someone allowed to (requester, head, then IT staff); open tasks
    are completed first when they keep the step from being taken."""
    if name == "assign":
        svc.assign(session, people.lead, req.id, **data)
        return
    head = req.requester.department.head if req.requester.department else None
    actors = [a for a in (req.requester, head, *(getattr(people, c) for c in CANDIDATES)) if a]
    allowed = [a for a in actors
               if name in {t.name for t in svc.available_transitions(session, a, req)}]
    assert allowed, f"nobody may take {name!r} while the request is {req.status!r}"
    roles = svc.host_of(session).workflow(req.category).transition(name).roles  # type: ignore[union-attr]
    actor = allowed[0]
    if REQUESTER not in roles and DEPARTMENT_HEAD in roles and head in allowed:
        actor = head
    try:
        svc.transition(session, actor, req.id, name, dict(data))
    except TransitionRefused:
        if not finish_tasks(session, people, req):
            raise
        svc.transition(session, actor, req.id, name, dict(data))


def walk_sample(session: Session, people: SimpleNamespace, category: str,
                sample: SampleRequest) -> ServiceRequest:
    """File ``sample`` (by phone through the lead when its channel says so) and walk its path."""
    by_phone = sample.channel == "phone"
    req = svc.submit_request(
        session, people.lead if by_phone else people.employee, category=category,
        title=sample.title, description=sample.description, details=dict(sample.details),
        priority=sample.priority, channel=sample.channel,
        requester=people.employee if by_phone else None)
    for name, data in sample.path:
        take_step(session, people, req, name, data)
    return req


class PluginContract:
    """What every category plugin must satisfy; set ``plugin_name`` in a subclass."""

    #: The plugin's registered name (its entry-point name).
    plugin_name: str = ""

    # -- helpers ------------------------------------------------------------------------

    @pytest.fixture
    def plugin_host(self, plugins: list[object]) -> PluginHost:
        """A host with the test's plugins, without a database (for the static checks)."""
        return PluginHost(plugins, discover=False)

    def the_plugin(self, host: PluginHost) -> HelpdeskPlugin:
        """The plugin under test, as registered in ``host``."""
        assert self.plugin_name, "set plugin_name on the contract's subclass"
        return host.plugin(self.plugin_name)

    def categories(self, host: PluginHost) -> list[str]:
        """The categories the plugin provides."""
        return [c.name for c in host.categories() if c.plugin == self.plugin_name]

    # -- the contract -------------------------------------------------------------------

    def test_provides_a_category_with_label_and_metadata(self, plugin_host: PluginHost) -> None:
        plugin = self.the_plugin(plugin_host)
        assert str(plugin.title).strip(), "the plugin has no title"
        assert str(plugin.description).strip(), "the plugin has no description"
        assert plugin.version, "the plugin declares no version"
        cats = self.categories(plugin_host)
        assert cats, f"plugin {self.plugin_name} provides no category"
        for name in cats:
            assert str(plugin_host.category(name).label).strip()

    def test_the_doctor_finds_no_error(self, plugin_host: PluginHost) -> None:
        plugins = {name: p for name, p in plugin_host.pm.list_name_plugin()}
        errors = [str(f) for f in diagnose(plugins, translations=False)
                  if f.severity == ERROR and f.plugin == self.plugin_name]
        assert not errors, "\n".join(errors)

    def test_schemas_render_as_forms(self, plugin_host: PluginHost) -> None:
        problems = []
        for cat in self.categories(plugin_host):
            problems += [f"{cat}: {p}" for p in schema_problems(plugin_host.request_schema(cat))]
            for t in plugin_host.workflow(cat).transitions.values():
                if t.origin == self.plugin_name and t.schema is not None:
                    problems += [f"{cat}/{t.name}: {p}" for p in schema_problems(t.schema)]
        assert not problems, "\n".join(problems)

    def test_samples_validate_against_the_schema(self, plugin_host: PluginHost) -> None:
        for cat in self.categories(plugin_host):
            samples = plugin_host.sample_requests(cat)
            assert samples, f"category {cat} has no hd_sample_requests"
            schema = plugin_host.request_schema(cat)
            for sample in samples:
                try:
                    schema().load(dict(sample.details))
                except ValidationError as exc:
                    pytest.fail(f"{cat} sample {sample.title!r} does not validate: "
                                f"{exc.messages}")

    def test_workflow_steps_lie_on_a_walk_from_new_to_closed(
            self, plugin_host: PluginHost) -> None:
        for cat in self.categories(plugin_host):
            wf = plugin_host.workflow(cat)  # built and validated by the host
            off = [n for n in off_walk_transitions(wf)
                   if wf.transitions[n].origin == self.plugin_name]
            assert not off, f"{cat}: steps on no walk from new to closed: {off}"

    def test_strings_are_translated(self, plugin_host: PluginHost) -> None:
        plugin = self.the_plugin(plugin_host)
        missing = untranslated(plugin)
        assert not missing, f"untranslated strings of {self.plugin_name}: {missing}"
        with use_locale(LOCALE):
            for cat in self.categories(plugin_host):
                label = str(plugin_host.category(cat).label)
                assert re.search(r"[\u4e00-\u9fff]", label), (
                    f"the label of {cat} shows in English in Chinese: {label!r}")

    def test_tables_carry_the_plugin_prefix(self, plugin_host: PluginHost) -> None:
        plugin = self.the_plugin(plugin_host)
        wrong = sorted(t for t in plugin_tables(plugin)
                       if not t.startswith(f"{self.plugin_name}_"))
        assert not wrong, f"tables not prefixed with {self.plugin_name}_: {wrong}"

    def test_tables_exist_after_the_migrations(self, session: Session) -> None:
        plugin = self.the_plugin(svc.host_of(session))
        present = set(inspect(session.connection()).get_table_names())
        missing = sorted(plugin_tables(plugin) - present)
        assert not missing, f"tables no migration creates: {missing}"

    def test_bad_details_are_refused_field_by_field(self, session: Session,
                                                    people: SimpleNamespace) -> None:
        host = svc.host_of(session)
        for cat in self.categories(host):
            required = sorted(n for n, f in host.request_schema(cat)().fields.items()
                              if f.required and not f.dump_only)
            if not required:
                continue
            before = session.scalar(select(func.count(ServiceRequest.id)))
            with pytest.raises(ValidationFailed) as refused:
                svc.submit_request(session, people.employee, category=cat, title="x",
                                   description="x", details={})
            missing = [n for n in required if f"details.{n}" not in refused.value.errors]
            assert not missing, f"{cat}: required fields not reported: {missing}"
            assert session.scalar(select(func.count(ServiceRequest.id))) == before

    def test_every_sample_walks_its_path(self, session: Session,
                                         people: SimpleNamespace) -> None:
        host = svc.host_of(session)
        make_sample_vendors(session)
        for cat in self.categories(host):
            ends = []
            for sample in host.sample_requests(cat):
                req = walk_sample(session, people, cat, sample)
                ends.append(req.status)
            assert "closed" in ends, f"{cat}: no sample walks to closed (ends: {ends})"
