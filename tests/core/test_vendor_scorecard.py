"""Vendor scorecards: every figure checked against a small history computed by hand."""

from __future__ import annotations

import pytest

from hdcore import services as svc
from hdcore.queries.vendors import scorecards, vendor_jobs
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    plugins_fixture,
    repair,
)

DECEMBER = (at("2026-12-01 00:00"), at("2027-01-01 00:00"))


@pytest.fixture
def history(session, people, clock):
    """Alpha: four jobs in December (one on time, one late and reopened, one still open past
    its promise, one withdrawn) and one in November; Beta: one open job, not due yet."""
    for name in ("Alpha Repairs", "Beta Service"):
        svc.create_vendor(session, None, name=name, kinds=["fixer"])
    req = repair(session, people)
    clock.set(at("2026-12-10 09:00"))

    def job(vendor, engaged, promised, responded=None, completed=None, cost=None):
        eng = svc.engage_vendor(session, people.tech, req.id, vendor=vendor,
                                engaged_at=at(engaged), promised_completion_at=at(promised),
                                cost_cents=cost)
        if responded:
            svc.update_engagement(session, people.tech, eng.id, responded_at=at(responded))
        if completed:
            svc.update_engagement(session, people.tech, eng.id, completed_at=at(completed),
                                  status="done")
        return eng

    job("Alpha Repairs", "2026-12-01 09:00", "2026-12-02 18:00", "2026-12-01 10:00",
        "2026-12-02 12:00", cost=100000)
    late = job("Alpha Repairs", "2026-12-03 09:00", "2026-12-03 17:00", "2026-12-03 12:00",
               "2026-12-03 16:00", cost=50050)
    # The requester found it not fixed; the vendor came back the next morning.
    svc.update_engagement(session, people.tech, late.id, completed_at=None, status="open")
    svc.update_engagement(session, people.tech, late.id, completed_at=at("2026-12-04 09:00"),
                          status="done")
    job("Alpha Repairs", "2026-12-05 09:00", "2026-12-06 09:00")
    gone = job("Alpha Repairs", "2026-12-06 09:00", "2026-12-07 09:00", cost=30000)
    svc.update_engagement(session, people.tech, gone.id, status="cancelled")
    job("Alpha Repairs", "2026-11-20 09:00", "2026-11-21 09:00", "2026-11-20 10:00",
        "2026-11-22 09:00", cost=99900)
    job("Beta Service", "2026-12-02 09:00", "2026-12-31 18:00")
    return req


def test_scorecards_of_december(session, history, clock):
    alpha, beta = scorecards(session, *DECEMBER, now=clock.current)
    assert alpha.vendor == "Alpha Repairs"
    assert (alpha.jobs, alpha.withdrawn, alpha.open, alpha.completed) == (3, 1, 1, 2)
    assert (alpha.judged, alpha.on_time, alpha.late) == (3, 1, 2)
    assert alpha.on_time_rate == pytest.approx(1 / 3)
    assert alpha.avg_response_hours == pytest.approx((1 + 3) / 2)
    assert alpha.avg_repair_hours == pytest.approx((27 + 24) / 2)
    assert (alpha.reopened, alpha.reopen_rate) == (1, 0.5)
    assert alpha.cost_cents == 100000 + 50050  # the withdrawn job costs nothing
    assert (beta.jobs, beta.open, beta.judged, beta.on_time_rate) == (1, 1, 0, None)
    assert beta.avg_response_hours is None and beta.cost_cents == 0


def test_the_period_and_the_moment_of_judging(session, history, clock):
    [alpha] = scorecards(session, at("2026-11-01 00:00"), at("2026-12-01 00:00"),
                         now=clock.current)
    assert (alpha.jobs, alpha.on_time, alpha.late, alpha.cost_cents) == (1, 0, 1, 99900)
    # Judged on 5 December at noon, the open job was not late yet.
    alpha = scorecards(session, *DECEMBER, now=at("2026-12-05 12:00"))[0]
    assert (alpha.judged, alpha.late) == (2, 1)


def test_drill_down_to_the_jobs_and_their_requests(session, history, clock, people):
    alpha = scorecards(session, *DECEMBER, now=clock.current)[0]
    jobs = vendor_jobs(session, alpha.vendor_id, *DECEMBER)
    assert len(jobs) == 4
    assert [j.engaged_at for j in jobs] == sorted((j.engaged_at for j in jobs), reverse=True)
    assert {j.request.number for j in jobs} == {history.number}
    assert scorecards(session, *DECEMBER, now=clock.current, vendor_id=alpha.vendor_id) == [
        alpha]
