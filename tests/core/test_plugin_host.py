"""The plugin host: discovery, start-up validation of workflows, enable/disable, metadata."""

from __future__ import annotations

import pytest

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    PluginError,
    PluginHost,
    State,
    StateKind,
    Transition,
    WorkflowContribution,
    hookimpl,
)
from hdcore import services as svc
from tests.core.sample_plugin import LoanPlugin


def make_plugin(name, states=(), transitions=(), category="broken"):
    class Broken(HelpdeskPlugin):
        @hookimpl
        def hd_categories(self):
            return [CategorySpec(category, "Broken")]

        @hookimpl
        def hd_workflow(self, category):
            return WorkflowContribution(states=tuple(states), transitions=tuple(transitions))

    Broken.name = name
    return Broken()


def test_unreachable_state_refuses_start_naming_plugin_and_state():
    plugin = make_plugin("orphans", states=[State("limbo", "Limbo")])
    with pytest.raises(PluginError, match="plugin 'orphans': state 'limbo' of category "
                                          "'broken' cannot be reached"):
        PluginHost([plugin], discover=False)


def test_dead_end_state_refuses_start():
    plugin = make_plugin(
        # waiting and active states inherit the core's exits (cancel, force close); a
        # plugin's own "resolved"-kind state does not
        "deadend", states=[State("stuck", "Stuck", StateKind.RESOLVED)],
        transitions=[Transition("park", "Park", ("in_progress",), "stuck")],
    )
    with pytest.raises(PluginError, match=r"plugin 'deadend': state 'stuck'.*no way out"):
        PluginHost([plugin], discover=False)


def test_transition_to_unknown_state_refuses_start():
    plugin = make_plugin("typo", transitions=[Transition("go", "Go", ("in_progres",), "closed")])
    with pytest.raises(PluginError, match=r"plugin 'typo'.*unknown state 'in_progres'"):
        PluginHost([plugin], discover=False)


def test_two_plugins_claiming_one_category_refuse_start():
    with pytest.raises(PluginError, match="category 'loan' is already provided"):
        PluginHost([LoanPlugin(), make_plugin("copycat", category="loan")], discover=False)


def test_duplicate_transition_names_refuse_start():
    plugin = make_plugin("dup", transitions=[Transition("resolve", "Again", ("new",),
                                                        "resolved")])
    with pytest.raises(PluginError,
                       match=r"transition 'resolve'.*already defined by plugin 'core'"):
        PluginHost([plugin], discover=False)


def test_hookimpl_with_unknown_argument_refuses_start():
    class Wrong(HelpdeskPlugin):
        name = "wrong"

        @hookimpl
        def hd_categories(self, colour):
            return []

    with pytest.raises(PluginError, match="plugin 'wrong'"):
        PluginHost([Wrong()], discover=False)


def test_unknown_hook_name_refuses_start():
    class Typo(HelpdeskPlugin):
        name = "typo"

        @hookimpl
        def hd_categorys(self):
            return []

    with pytest.raises(PluginError, match="unknown hook 'hd_categorys'"):
        PluginHost([Typo()], discover=False)


def test_core_plugin_is_essential_and_listed_first():
    host = PluginHost([LoanPlugin()], discover=False)
    names = [p.name for p in host.plugins()]
    # the core's own essential plugins (lifecycle, service levels, ...) first, "core" leading
    assert names[0] == "core" and "sla" in names and names[-1] == "loans"
    assert host.plugin("core").essential


def test_core_cannot_be_disabled(session, people):
    from hdcore import ValidationFailed

    with pytest.raises(ValidationFailed):
        svc.set_plugin_enabled(session, people.admin, "core", False)


def test_disable_takes_effect_at_once_in_other_sessions(helpdesk, session, people):
    host = helpdesk.host
    with helpdesk.session_scope() as other:
        assert [c.name for c in host.categories(other)] == ["loan"]
        svc.set_plugin_enabled(session, people.admin, "loans", False)
        other.rollback()  # a new transaction sees the committed change
        assert host.categories(other) == []
        assert [c.name for c in host.categories()] == ["loan"]  # still known
        svc.set_plugin_enabled(session, people.admin, "loans", True)
        other.rollback()
        assert [c.name for c in host.categories(other)] == ["loan"]


def test_disabled_plugins_runtime_hooks_are_skipped(session, people):
    host = session.info["host"]
    plugin = host.plugin("loans")
    plugin.seen.clear()
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    assert plugin.seen == ["start"]
    svc.set_plugin_enabled(session, people.admin, "loans", False)
    svc.resolve(session, people.tech, req.id, "done")
    assert plugin.seen == ["start"]  # hd_on_transition was not called while disabled


def test_structural_answers_are_collected(helpdesk):
    host = helpdesk.host
    assert [k.name for k in host.vendor_kinds()] == ["rental"]
    assert {p.name for p in host.permissions()} >= {"loans.receive", "core.manage_plugins"}
    wf = host.workflow("loan")
    assert wf.kind("lent") is StateKind.WAITING
    # core steps declared on "@active" also leave the states plugins add of that kind
    assert "lent" not in wf.transition("resolve").sources
    assert "in_progress" in wf.transition("resolve").sources
    assert host.sample_requests("loan")[0].details == {"item": "laptop", "days": 7}


def test_discovery_through_entry_points_finds_category_plugins():
    host = PluginHost(discover=True)
    assert "core" in [p.name for p in host.plugins()]
