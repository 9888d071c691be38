"""The medians and 90th percentiles the database computes from buckets are exactly those of
ranking every value, for any spread of values, on both databases."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import literal, select, union_all

from hdcore.analytics import reports
from hdcore.analytics.percentiles import BUCKET, statistics
from tests.core.analytics_support import week
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    clock_fixture,
    plugins_fixture,
)
from tests.core.test_analytics import period


def expected(values: list[int]) -> tuple[int, float, float, float]:
    """Count, mean, median (mean of the middle one or two) and nearest-rank 90%."""
    s = sorted(values)
    n = len(s)
    middle = (s[(n + 1) // 2 - 1] + s[(n + 2) // 2 - 1]) / 2
    return n, sum(s) / n, middle, float(s[(9 * n + 9) // 10 - 1])


def rows_query(data: dict[int | None, list[int]]):
    parts = [select(literal(k).label("k"), literal(v).label("v"))
             for k, values in data.items() for v in values]
    rows = union_all(*parts).subquery()
    return select(rows.c.k, rows.c.v)


def test_bucketed_ranks_match_ranking_everything(session):
    rng = random.Random(7)
    data: dict[int | None, list[int]] = {
        1: [5],                                     # one value
        2: [10, 20],                                # even count: mean of the two
        3: [7, 7, 7, 7, 7, 7, 7],                   # all equal, one bucket
        4: [BUCKET - 1, BUCKET, BUCKET + 1, 0, 2 * BUCKET],  # on the buckets' edges
        5: [rng.randrange(0, 50 * BUCKET) for _ in range(97)],  # spread over many buckets
        6: [rng.choice((60, 3600, 3601, 86_400)) for _ in range(40)],  # ties across buckets
        None: [rng.randrange(0, 5 * BUCKET) for _ in range(30)],  # "nobody"
    }
    got = {row[1]: tuple(row[2:]) for row in session.execute(statistics(rows_query(data)))
           if row[0] == 0}
    assert set(got) == set(data)
    for key, values in data.items():
        n, mean, median, p90 = got[key]
        assert (n, median, p90) == expected(values)[:1] + expected(values)[2:], key
        assert mean == pytest.approx(expected(values)[1])


def test_the_whole_comes_from_the_same_reading(session):
    rng = random.Random(3)
    data = {k: [rng.randrange(0, 30 * BUCKET) for _ in range(rng.randrange(1, 60))]
            for k in range(8)}
    rows = list(session.execute(statistics(rows_query(data), total=True)))
    whole = [tuple(r[2:]) for r in rows if r[0] == 1]
    every = [v for values in data.values() for v in values]
    assert len(whole) == 1 and len(rows) == len(data) + 1
    n, mean, median, p90 = whole[0]
    assert (n, median, p90) == (len(every), *expected(every)[2:])
    assert mean == pytest.approx(expected(every)[1])


@pytest.mark.parametrize("dim", ["group", "person", "category", "department", "priority",
                                 "vendor"])
def test_a_breakdown_with_its_total_is_the_summary(session, people, clock, dim):
    week(session, people, clock)
    per, whole = reports.figures_and_total(session, period(), dim)
    assert per == reports.figures(session, period(), dim)
    assert whole == reports.summary(session, period())
