"""The plugin doctor: every kind of problem, found in one pass and named with its plugin."""

from __future__ import annotations

from marshmallow import Schema, fields

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    Permission,
    State,
    StateKind,
    Transition,
    WorkflowContribution,
    hookimpl,
)
from hdcore.builtin import builtin_plugins
from hdcore.doctor import ERROR, WARNING, Finding, diagnose, has_errors
from hdcore.workflow import build_workflow
from tests.core.sample_plugin import LoanPlugin


def examine(*plugins: HelpdeskPlugin, **kw: object) -> list[Finding]:
    found = {p.name: p for p in builtin_plugins()}
    found.update({p.name: p for p in plugins})
    return diagnose(found, **kw)  # type: ignore[arg-type]


def about(findings: list[Finding], plugin: str, check: str) -> list[str]:
    return [f"{f.severity}: {f.message}" for f in findings
            if f.plugin == plugin and f.check == check]


class Clash(HelpdeskPlugin):
    """Claims the loans plugin's category and permission, and misnames hooks."""

    name = "clash"

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        return [CategorySpec("loan", "Loans again"), CategorySpec("clash", "Clash")]

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        return [Permission("loans.receive", "Receive", frozenset({"lead"}))]

    @hookimpl
    def hd_request_schema(self, category: str) -> type[Schema] | None:
        class Days(Schema):
            days = fields.String(metadata={"label": "Days"})

        return Days if category in ("loan", "clash") else None

    @hookimpl
    def hd_sugest_route(self, session: object, request: object) -> None:
        return None

    @hookimpl
    def hd_on_event(self, session: object, request: object, evnt: object) -> None:
        return None

    def hd_check_transition(self, ctx: object) -> None:  # not marked: never called
        return None


class Stranded(HelpdeskPlugin):
    """A workflow whose extra state has no way out, and a step needing an unknown right."""

    name = "stranded"

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        return [CategorySpec("stranded", "Stranded")]

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        if category != "stranded":
            return None
        return WorkflowContribution(
            states=(State("limbo", "Limbo", StateKind.RESOLVED),),
            transitions=(Transition("park", "Park", ("in_progress",), "limbo"),),
        )


class NeedsRight(HelpdeskPlugin):
    name = "needs_right"

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        return [CategorySpec("needs_right", "Needs a right")]

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        if category != "needs_right":
            return None
        return WorkflowContribution(transitions=(
            Transition("bless", "Bless", ("in_progress",), "resolved",
                       roles=frozenset({"perm:needs_right.bless"})),))


def test_sound_plugins_have_no_findings_but_missing_translations() -> None:
    findings = examine(LoanPlugin())
    assert not has_errors(findings)
    # the loans test plugin ships no Chinese catalog
    assert [f.severity for f in findings if f.plugin == "loans"] == [WARNING]
    assert "have no Chinese translation" in findings[0].message


def test_unknown_hooks_and_wrong_arguments_are_errors_with_a_hint() -> None:
    found = about(examine(LoanPlugin(), Clash()), "clash", "hooks")
    assert "error: hd_sugest_route is not a declared hook (did you mean hd_suggest_route?)" in (
        found)
    assert ("error: hd_on_event takes evnt, which the hook does not pass (it passes: session, "
            "request, event)") in found
    assert "warning: hd_check_transition is not marked @hookimpl, so it is never called" in found


def test_a_plugin_with_broken_hooks_is_not_examined_further() -> None:
    findings = examine(LoanPlugin(), Clash())
    assert not about(findings, "clash", "conflict")


def test_claiming_what_another_plugin_has_is_an_error() -> None:
    class ClashSound(Clash):
        hd_sugest_route = None  # type: ignore[assignment]
        hd_on_event = None  # type: ignore[assignment]

    findings = examine(LoanPlugin(), ClashSound())
    found = about(findings, "clash", "conflict")
    assert "error: category loan is also provided by plugin loans" in found
    assert "error: permission loans.receive is also declared by plugin loans" in found
    assert any("answers hd_request_schema for category loan, which plugin loans already "
               "answers" in f for f in found)
    assert any("field days is a String in category clash but a Integer in loan of plugin "
               "loans" in f for f in found)
    assert has_errors(findings)


def test_a_workflow_that_strands_requests_is_an_error_naming_the_state() -> None:
    found = about(examine(Stranded()), "stranded", "workflow")
    assert any(f.startswith("error:") and "'limbo'" in f and "no way out" in f for f in found)


def test_a_step_needing_an_undeclared_permission_is_an_error() -> None:
    found = about(examine(NeedsRight()), "needs_right", "workflow")
    assert any("requires permission needs_right.bless, which no plugin declares" in f
               for f in found)


def test_steps_off_every_walk_to_closed_are_warned_about() -> None:
    from hdcore.doctor import off_walk_transitions
    from hdcore.workflow.lifecycle import CORE_WORKFLOW

    # The core's closing steps leave active and waiting states and "resolved" itself; a
    # resolved-like state of a plugin left only by a loop leads nowhere.
    extra = WorkflowContribution(
        states=(State("island", "Island", StateKind.RESOLVED),),
        transitions=(Transition("to_island", "Go", ("resolved",), "island"),
                     Transition("loop", "Loop", ("island",), "island")),
    )
    wf = build_workflow("x", [("core", CORE_WORKFLOW), ("p", extra)])
    assert set(off_walk_transitions(wf)) == {"to_island", "loop"}


def test_tables_without_the_plugin_prefix_are_errors(tmp_path, monkeypatch) -> None:
    import hdcore.doctor as doctor

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001.py").write_text(
        'op.create_table(\n    "loans_item", sa.Column("id"))\nop.create_table("items")\n')
    monkeypatch.setattr(LoanPlugin, "migrations_dir", property(lambda self: folder))
    assert doctor.plugin_tables(LoanPlugin()) == {"loans_item", "items"}
    found = about(examine(LoanPlugin()), "loans", "tables")
    assert found == ["error: table items is not prefixed with loans_"]


def test_the_five_builtin_plugins_have_no_errors() -> None:
    from hdcore.doctor import installed_plugins

    plugins, failures = installed_plugins()
    assert not failures
    assert {"erp_support", "email_admin", "network_security", "procurement",
            "outsourcing"} <= set(plugins)
    findings = examine(*plugins.values())  # type: ignore[arg-type]
    errors = [str(f) for f in findings if f.severity == ERROR
              and f.plugin in {"erp_support", "email_admin", "procurement", "outsourcing"}]
    assert not errors, errors
