"""Reports in a real browser: the manager's dashboard and its drill-downs (a tile and a chart
bar), and an evaluation cycle from opening to the technician reading their own evaluation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.core.analytics_support import week
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    plugins_fixture,
)

pytestmark = pytest.mark.slow

WEEK = "start=2026-12-01&end=2026-12-07"


@pytest.fixture
def data(session, people, clock):
    made = week(session, people, clock)
    clock.set(at("2026-12-08 10:00"))
    return made


def listed(page) -> set[str]:
    return {n for n in page.locator("#drilldown tr[data-number]").evaluate_all(
        "rows => rows.map(r => r.dataset.number)")}


def test_dashboard_and_drilldowns(as_user, data):
    page = as_user("chen.jie")
    page.goto(f"/manage/dashboard?{WEEK}")
    expect(page.get_by_role("heading", name="Service dashboard")).to_be_visible()
    tile = page.locator(".stat").filter(has_text="Backlog")
    expect(tile.locator(".stat-value")).to_have_text("1")
    tile.click()
    expect(page.get_by_role("heading", name=re.compile("^Backlog"))).to_be_visible()
    assert listed(page) == {data.r5.number}

    page.get_by_role("link", name="Back to the figures").click()
    # the first day's column of "opened" in the volume chart: r1, r3 and r4
    bar = page.locator("svg.chart-columns a.chart-link").first
    bar.click()
    expect(page.get_by_role("heading", name=re.compile("^Opened"))).to_be_visible()
    assert listed(page) == {data.r1.number, data.r3.number, data.r4.number}

    # the filter form narrows the figures: urgent requests only
    page.goto(f"/manage/dashboard?{WEEK}")
    page.get_by_label("Priority").select_option(label="Urgent")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".stat").filter(has_text="Opened").locator(".stat-value")
           ).to_have_text("1")


def test_an_evaluation_cycle(as_user, data):
    page = as_user("chen.jie")
    page.goto("/manage/dashboard")
    page.locator(".subnav").get_by_role("link", name="Evaluations").click()
    form = page.locator("#new-cycle")
    form.get_by_label("Name").fill("First week of December")
    form.get_by_label("Kind").select_option(label="Custom period")
    form.get_by_label("Starts on").fill("2026-12-01")
    form.get_by_label("Ends on (custom period)").fill("2026-12-07")
    form.get_by_role("button", name="Open the cycle").click()
    expect(page.locator(".flash-success")).to_have_text("The cycle was opened.")
    row = page.locator("#cycle-people tr[data-person='li.na']")
    expect(row.locator("td").nth(1)).to_have_text("3")
    row.get_by_role("link", name="Li Na").click()

    figures = page.locator("#figures")
    expect(figures.get_by_role("row", name=re.compile("Reopen rate"))).to_contain_text("33%")
    figures.get_by_role("row", name=re.compile("^Requests resolved")).get_by_role(
        "link").click()
    assert listed(page) == {data.r1.number, data.r2.number, data.r3.number}
    page.go_back()

    page.get_by_label("Score (1 to 5)").select_option("4")
    page.get_by_label("Comments").fill("Quick first answers; mind the urgent ones.")
    page.get_by_role("button", name="Close the evaluation").click()
    expect(page.locator(".flash-success")).to_have_text("The evaluation was closed.")
    expect(page.locator(".evaluation-comments")).to_have_text(
        "Quick first answers; mind the urgent ones.")

    page = as_user("li.na")
    page.get_by_role("link", name="My figures").click()
    page.get_by_role("link", name="My evaluations").click()
    page.get_by_role("link", name="First week of December").click()
    expect(page.locator(".evaluation-score")).to_contain_text("4")
    expect(page.locator("#evaluation-form")).to_have_count(0)  # read-only for her
