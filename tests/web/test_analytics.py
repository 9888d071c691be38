"""Dashboards, reports, drill-downs and exports over HTTP: figures shown, links to the requests
behind them, CSV and XLSX files, and who may see what."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from hdcore.analytics.filters import Filters  # noqa: F401  (the filters the URLs carry)
from tests.core.analytics_support import week
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    plugins_fixture,
)

WEEK = "start=2026-12-01&end=2026-12-07"


@pytest.fixture
def data(session, people, clock):
    made = week(session, people, clock)
    clock.set(at("2026-12-07 16:00"))
    return made


def numbers(html: str) -> set[str]:
    return set(re.findall(r'data-number="(SR-[\d-]+)"', html))


@pytest.mark.parametrize(("username", "manager", "lead", "own"), [
    ("zhang.wei", 403, 403, 403),
    ("li.na", 403, 403, 200),
    ("wang.fang", 403, 200, 200),
    ("chen.jie", 200, 200, 200),
    ("admin", 200, 200, 200),
])
def test_each_dashboard_checks_the_role(browser, data, username, manager, lead, own):
    b = browser(username)
    for url in (f"/manage/dashboard?{WEEK}", f"/manage/reports?{WEEK}",
                f"/manage/reports/requests?{WEEK}&metric=opened",
                f"/manage/reports/export/by_group.csv?{WEEK}", "/manage/evaluations"):
        assert b.get(url).status_code == manager, url
    for url in (f"/dispatch/dashboard?{WEEK}", f"/dispatch/dashboard/requests?{WEEK}"):
        assert b.get(url).status_code == lead, url
    for url in (f"/desk/dashboard?{WEEK}", "/desk/evaluations"):
        assert b.get(url).status_code == own, url


def test_the_manager_dashboard_shows_the_figures_and_charts(browser, data):
    html = browser("chen.jie").get(f"/manage/dashboard?{WEEK}").get_data(as_text=True)
    assert '<svg class="chart' in html and "<script" not in html.split("</header>")[1]
    assert ' style="' not in html
    # tiles: 5 opened, 2 closed, backlog 1, median first response 1.0 h, resolution 4.0 h
    tiles = dict((v, k) for k, v in re.findall(
        r'<span class="stat-value">([^<]+)</span><span class="stat-label">([^<]+)</span>', html))
    assert tiles["Opened"] == "5" and tiles["Closed"] == "2" and tiles["Backlog"] == "1"
    assert tiles["First response, median (business hours)"] == "1.0"
    assert tiles["Resolution, median (business hours)"] == "4.0"
    assert tiles["Resolved on time"] == "67%" and tiles["Satisfaction (of 5)"] == "3.50"
    # every bar of the volume chart links to the requests it counts
    assert 'href="/manage/reports/requests?' in html


def test_drilldown_lists_the_requests_behind_a_figure(browser, data):
    b = browser("chen.jie")
    html = b.get(f"/manage/reports/requests?{WEEK}&metric=late_resolution").get_data(
        as_text=True)
    assert numbers(html) == {data.r3.number}
    html = b.get(f"/manage/reports/requests?{WEEK}&metric=reopened").get_data(as_text=True)
    assert numbers(html) == {data.r2.number}
    html = b.get(f"/manage/reports/requests?{WEEK}&metric=rated&rating=2").get_data(
        as_text=True)
    assert numbers(html) == {data.r1.number}


def test_a_breakdown_cell_links_to_its_requests(browser, data, people):
    b = browser("chen.jie")
    html = b.get(f"/manage/reports?{WEEK}&by=priority").get_data(as_text=True)
    link = re.search(r'href="(/manage/reports/requests\?[^"]*priority=urgent[^"]*'
                     r'metric=opened[^"]*)"', html)
    assert link, html
    listed = b.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert numbers(listed) == {data.r3.number}


def test_exports_in_csv_and_xlsx(browser, data, people):
    b = browser("chen.jie")
    resp = b.get(f"/manage/reports/export/by_person.csv?{WEEK}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Person,Opened,Closed")
    assert any(line.startswith("Li Na,3,2,0,") for line in text.splitlines())
    resp = b.get(f"/manage/reports/export/requests.xlsx?{WEEK}&metric=opened")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and len(rows) == 6
    assert {r[0] for r in rows[1:]} == {data.r1.number, data.r2.number, data.r3.number,
                                        data.r4.number, data.r5.number}
    assert b.get(f"/manage/reports/export/nothing.csv?{WEEK}").status_code == 404


def test_a_technician_sees_only_their_own_figures(browser, data, people):
    b = browser("zhao.lei")  # the other technician: none of the week's requests
    html = b.get(f"/desk/dashboard?{WEEK}").get_data(as_text=True)
    tiles = dict((v, k) for k, v in re.findall(
        r'<span class="stat-value">([^<]+)</span><span class="stat-label">([^<]+)</span>', html))
    assert tiles["Opened"] == "0"
    # asking for someone else's figures in the URL changes nothing
    html = b.get(f"/desk/dashboard/requests?{WEEK}&metric=opened&person={people.tech.id}"
                 ).get_data(as_text=True)
    assert numbers(html) == set()
    html = browser("li.na").get(f"/desk/dashboard/requests?{WEEK}&metric=resolved").get_data(
        as_text=True)
    assert numbers(html) == {data.r1.number, data.r2.number, data.r3.number}


def test_chinese_labels_in_charts(browser, data, session, people):
    from hdcore import services as svc

    svc.update_user(session, people.admin, people.manager.id, locale="zh_Hans_CN")
    html = browser("chen.jie").get(f"/manage/dashboard?{WEEK}").get_data(as_text=True)
    assert "积压" in html or "待办" in html
    assert 'aria-label="' in html


def test_the_backfill_command(helpdesk, data, session, monkeypatch, tmp_path):
    from click.testing import CliRunner
    from sqlalchemy import delete, func, select

    from hdcore.models import RequestMetrics
    from web.cli import main

    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    session.execute(delete(RequestMetrics))
    session.commit()
    result = CliRunner().invoke(main, ["--database-url", helpdesk.settings.database_url,
                                       "analytics", "backfill"], catch_exceptions=False)
    assert "Figures of 5 requests recomputed." in result.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(RequestMetrics)) == 5


def test_reports_read_the_replica_when_one_is_configured(helpdesk, plugins, data, session,
                                                         browser, tmp_path):
    import sqlite3
    from dataclasses import replace

    from sqlalchemy import delete
    from sqlalchemy.engine import make_url

    from hdcore import HelpDesk
    from hdcore.models import RequestMetrics
    from web.app import create_app
    from web.testing import Browser

    # the replica: the database as it was a moment ago (replication lags a little) ...
    replica = tmp_path / "replica.sqlite"
    with sqlite3.connect(make_url(helpdesk.settings.database_url).database) as source, \
            sqlite3.connect(replica) as copy:
        source.backup(copy)
    # ... while on the primary the figures have since gone
    session.execute(delete(RequestMetrics))
    session.commit()

    def opened(b: Browser) -> str:
        html = b.get(f"/manage/dashboard?{WEEK}").get_data(as_text=True)
        return dict((v, k) for k, v in re.findall(
            r'<span class="stat-value">([^<]+)</span><span class="stat-label">([^<]+)</span>',
            html))["Opened"]

    assert opened(browser("chen.jie")) == "0"
    with_replica = HelpDesk(replace(helpdesk.settings,
                                    reports_database_url=f"sqlite:///{replica}"),
                            plugins=plugins)
    try:
        b = Browser(create_app(with_replica, {"TESTING": True}).test_client())
        b.login("chen.jie")
        assert opened(b) == "5"
        # the requests behind the figure are listed from the replica too
        assert len(numbers(b.get(f"/manage/reports/requests?{WEEK}&metric=opened")
                           .get_data(as_text=True))) == 5
    finally:
        with_replica.dispose()
