"""The plugins page: the doctor's findings under each plugin, each workflow as an SVG diagram."""

from __future__ import annotations

import re

import pytest

from hdcore import State, StateKind, Transition, WorkflowContribution
from hdcore.testing.pytest_plugin import installed_plugins
from hdcore.workflow import build_workflow
from hdcore.workflow.lifecycle import CORE_WORKFLOW
from tests.core.sample_plugin import LoanPlugin
from web.workflow_svg import workflow_svg


@pytest.fixture
def plugins() -> list[object]:
    """The installed plugins and the loans example (which ships no Chinese catalog)."""
    return [*installed_plugins(), LoanPlugin()]


def section(html: str, plugin: str) -> str:
    return html.split(f'id="plugin-{plugin}"', 1)[1].split("</section>", 1)[0]


def test_each_category_has_its_workflow_diagram_without_style_or_script(browser, helpdesk,
                                                                       people):
    html = browser("admin").get("/admin/plugins").get_data(as_text=True)
    for cat in helpdesk.host.categories():
        match = re.search(rf'id="workflow-{cat.name}">(<svg.*?</svg>)', html, re.S)
        assert match, f"no diagram of {cat.name}"
        svg = match.group(1)
        wf = helpdesk.host.workflow(cat.name)
        assert svg.count("<rect ") == len(wf.states)
        assert "style=" not in svg and "<script" not in svg
        assert not re.search(r"\son\w+=", svg), "an event handler attribute"
    loans = re.search(r'id="workflow-loan">(<svg.*?</svg>)', html, re.S).group(1)
    assert ">Lent out<" in loans and ">Hand over<" in loans  # its own step is labelled


def test_findings_are_shown_under_their_plugin(browser, people):
    html = browser("admin").get("/admin/plugins").get_data(as_text=True)
    loans = section(html, "loans")
    assert 'class="finding warning"' in loans and "no Chinese translation" in loans
    assert 'class="finding error"' not in html
    assert "style=" not in loans


def test_a_plugin_without_findings_says_so(browser, helpdesk, people):
    html = browser("admin").get("/admin/plugins").get_data(as_text=True)
    from hdcore.doctor import diagnose
    from web import hookspecs

    findings = diagnose(dict(helpdesk.host.pm.list_name_plugin()), spec_modules=[hookspecs])
    clean = [p.name for p in helpdesk.host.plugins() if not p.essential
             and not any(f.plugin == p.name for f in findings)]
    assert clean, "every plugin has findings"
    for name in clean:
        assert "The plugin doctor found no problem." in section(html, name)


def test_only_administrators_see_the_page(browser, people):
    assert browser("li.na").get("/admin/plugins").status_code in (403, 404)


def test_the_diagram_escapes_labels_and_highlights_the_owners_steps():
    extra = WorkflowContribution(
        states=(State("x_check", "<b>Check</b> & sign", StateKind.ACTIVE),),
        transitions=(Transition("check", "Check it", ("in_progress",), "x_check"),),
    )
    wf = build_workflow("x", [("core", CORE_WORKFLOW), ("xplug", extra)])
    svg = str(workflow_svg(wf, "xplug", "X <category>"))
    assert "<b>" not in svg and "&lt;b&gt;Check&lt;/b&gt; &amp; sign" in svg
    assert "X &lt;category&gt;" in svg
    assert svg.count('class="wf-edge own"') == 1 and ">Check it</text>" in svg
    # final states sit in the last column, right of every other state
    xs = {m.group(2): int(m.group(1)) for m in re.finditer(
        r'<rect x="(\d+)" y="\d+"[^>]*/><text[^>]*>([^<]+)</text>', svg)}
    assert xs["Closed"] == xs["Cancelled"] == max(xs.values())
    assert xs["New"] == min(xs.values())


def test_a_database_upgraded_for_another_version_is_pointed_out(browser, helpdesk, people,
                                                                session):
    from hdcore.models import PluginVersion

    session.add(PluginVersion(name="loans", version="0.0.9"))
    session.commit()
    html = browser("admin").get("/admin/plugins").get_data(as_text=True)
    assert "last upgraded for version 0.0.9 of this plugin" in section(html, "loans")
    assert "last upgraded for version" not in section(html, "procurement")
