"""Report figures against hand-computed expectations: business hours over nights and weekends,
pauses while waiting for the requester, a reopened request (both databases)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from hdcore.analytics import drilldown, metrics, reports
from hdcore.analytics.filters import Filters, parse
from hdcore.models import RequestMetrics
from tests.core.analytics_support import week
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    clock_fixture,
    plugins_fixture,
)

SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600


@pytest.fixture
def data(session, people, clock):
    return week(session, people, clock)


def period(**kw) -> Filters:
    return Filters(date(2026, 12, 1), date(2026, 12, 7), SH, **kw)


def row(session, req) -> RequestMetrics:
    session.expire_all()
    return session.get(RequestMetrics, req.id)


def test_durations_count_business_hours_only(session, data):
    r1 = row(session, data.r1)
    assert r1.response_seconds == 1 * HOUR
    # 09:00-11:00, then waiting overnight (paused), then 10:00-11:00 the next day
    assert r1.resolution_seconds == 3 * HOUR
    assert (r1.state, r1.response_on_time, r1.resolution_on_time) == ("closed", True, True)
    assert r1.rating == 2
    r2 = row(session, data.r2)
    assert r2.response_seconds == int(1.5 * HOUR)  # Friday 17-18, Monday 9-9:30
    # 2 h to the first resolution, the hour it stood resolved does not count, 2 h more
    # over the lunch break
    assert r2.resolution_seconds == 4 * HOUR
    assert r2.reopen_count == 1
    r3 = row(session, data.r3)
    assert (r3.response_seconds, r3.response_on_time) == (HOUR, False)
    assert (r3.resolution_seconds, r3.resolution_on_time) == (5 * HOUR, False)
    assert r3.state == "resolved"
    assert row(session, data.r4).state == "cancelled"
    r5 = row(session, data.r5)
    assert (r5.state, r5.response_seconds, r5.escalation_count) == ("open", None, 1)


def test_summary_of_the_week(session, data, people):
    fig = reports.summary(session, period())
    assert (fig.opened, fig.closed, fig.resolved, fig.backlog) == (5, 2, 3, 1)
    assert fig.response.count == 3
    assert fig.response.mean == pytest.approx(4200)  # (3600 + 3600 + 5400) / 3
    assert fig.response.median == 3600
    assert fig.response.p90 == 5400
    assert (fig.resolution.mean, fig.resolution.median, fig.resolution.p90) == (
        4 * HOUR, 4 * HOUR, 5 * HOUR)
    assert fig.on_time == pytest.approx(2 / 3)
    assert fig.response_on_time_share == pytest.approx(2 / 3)
    assert fig.reopen_rate == pytest.approx(1 / 3)
    assert fig.satisfaction == 3.5 and fig.low_rated == 1
    assert (fig.escalated, fig.escalations) == (1, 1)


def test_even_count_median_is_the_mean_of_the_middle_two(session, data):
    fig = reports.summary(session, period(priority="normal"))
    # r1 (1 h) and r2 (1.5 h) answered among the normal ones
    assert fig.response.median == pytest.approx(1.25 * HOUR)
    assert fig.resolution.median == pytest.approx(3.5 * HOUR)


def test_filters_and_breakdowns(session, data, people):
    by_priority = reports.figures(session, period(), "priority")
    assert by_priority["urgent"].opened == 1 and by_priority["normal"].opened == 4
    assert by_priority["urgent"].on_time == 0
    by_person = reports.figures(session, period(), "person")
    assert by_person[people.tech.id].resolved == 3
    assert by_person[None].backlog == 1  # r5 is nobody's yet
    assert reports.summary(session, period(person=people.tech2.id)).opened == 0
    first_days = Filters(date(2026, 12, 1), date(2026, 12, 2), SH)
    fig = reports.summary(session, first_days)
    assert (fig.opened, fig.closed, fig.resolved, fig.backlog) == (4, 1, 2, 1)
    assert reports.top(session, period(), "category") == [("loan", 5)]


def test_backlog_day_by_day(session, data):
    days = reports.daily(session, period())
    by_day = {d.isoformat(): (o, done, b) for d, o, done, b in days}
    assert by_day["2026-12-01"] == (3, 1, 1)  # r1, r3, r4 in; r3 resolved; r4 cancelled
    assert by_day["2026-12-02"] == (1, 1, 1)  # r5 in, r1 resolved
    assert by_day["2026-12-04"] == (1, 0, 2)
    assert by_day["2026-12-07"] == (0, 1, 1)


def test_drilldown_lists_the_requests_behind_a_figure(session, data):
    page = drilldown.requests(session, period(), "late_resolution")
    assert [req.id for req, _m in page.rows] == [data.r3.id]
    page = drilldown.requests(session, period(), "reopened")
    assert [req.id for req, _m in page.rows] == [data.r2.id]
    assert drilldown.requests(session, period(), "backlog").total == 1
    assert drilldown.requests(session, period(), "low_rated").total == 1


def test_backfill_rebuilds_the_same_figures(session, data):
    before = {m.request_id: (m.response_seconds, m.resolution_seconds, m.reopen_count, m.state)
              for m in session.scalars(select(RequestMetrics))}
    session.execute(delete(RequestMetrics))
    session.commit()
    assert metrics.backfill(session) == 5
    session.commit()
    after = {m.request_id: (m.response_seconds, m.resolution_seconds, m.reopen_count, m.state)
             for m in session.scalars(select(RequestMetrics))}
    assert after == before


def test_bad_filters_are_named():
    f, errors = parse({"start": "2026-13-01", "group": "x"}, SH, date(2026, 12, 7))
    assert set(errors) == {"start", "group"}
    assert f.end == date(2026, 12, 7) and f.days == 30


def test_rebuild_is_for_administrators(session, data, people):
    from hdcore import PermissionDenied

    with pytest.raises(PermissionDenied):
        metrics.rebuild(session, people.manager)
    session.execute(delete(RequestMetrics))
    session.commit()
    assert metrics.rebuild(session, people.admin) == 5
    assert reports.summary(session, period()).opened == 5


@pytest.mark.parametrize("dim", ["group", "person", "category", "department", "priority"])
def test_a_breakdown_adds_up_to_the_summary(session, data, dim):
    whole = reports.summary(session, period())
    assert reports.combined(session, period(), reports.figures(session, period(), dim),
                            dim) == whole
