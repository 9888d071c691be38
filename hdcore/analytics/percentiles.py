"""Exact count, mean, median and 90th percentile per key in SQL, without sorting every row.

Ranking every value with a window function sorts all of a period's rows (a year: 100 000), the
slowest part of a report. Instead the values are first counted in buckets of ``BUCKET``
seconds (one grouping pass, no ranking); the running counts of the buckets tell which bucket
holds each wanted rank (the middle one or two, and 90%); then only the rows of those few
buckets are ranked. The result is the same as ranking everything: the median is the mean of
the middle one or two values, the 90th percentile the value at the nearest rank
``ceil(0.9 n)``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, null, or_, select, union_all

#: The width of a bucket, in business seconds: narrow enough that the buckets holding the
#: wanted ranks hold few rows, wide enough that the buckets are far fewer than the rows.
BUCKET = 300


def _ranks(n: Any) -> tuple[Any, Any, Any]:
    """The ranks (from 1) of the lower and upper middle values and of the 90th percentile."""
    return (n + 1) // 2, (n + 2) // 2, (9 * n + 9) // 10


def statistics(base: Any, total: bool = False) -> Any:
    """A query of ``(whole, k, count, mean, median, p90)`` for each key of ``base``.

    ``base`` is a query of the rows to describe, with columns ``k`` (the key) and ``v``
    (an integer, never NULL). ``whole`` is 0 on the rows of the keys; with ``total``, one more
    row (``whole`` 1, ``k`` NULL) describes all the rows together, from the same reading.
    """
    inner = base.subquery("stat_base")
    rows = select(inner.c.k, inner.c.v, (inner.c.v // BUCKET).label("b")).cte("stat_rows")
    by_key = (select(literal(0).label("whole"), rows.c.k, rows.c.b, func.count().label("c"),
                     func.sum(cast(rows.c.v, Integer) * 1.0).label("s"))
              .group_by(rows.c.k, rows.c.b))
    if total:
        keyed = by_key.cte("stat_keyed")
        everything = (select(literal(1), null(), keyed.c.b, func.sum(keyed.c.c),
                             func.sum(keyed.c.s)).group_by(keyed.c.b))
        hist = union_all(select(keyed), everything).cte("stat_hist")
    else:
        hist = by_key.cte("stat_hist")
    group = (hist.c.whole, hist.c.k)
    running = func.sum(hist.c.c).over(partition_by=group, order_by=hist.c.b, rows=(None, 0))
    cum = select(
        hist.c.whole, hist.c.k, hist.c.b, hist.c.c,
        cast(running, Integer).label("upto"),
        cast(func.sum(hist.c.c).over(partition_by=group), Integer).label("n"),
        func.sum(hist.c.s).over(partition_by=group).label("total"),
    ).subquery("stat_cum")

    def holds(rank: Any) -> Any:
        return and_(cum.c.upto - cum.c.c < rank, rank <= cum.c.upto)

    wanted = (select(cum.c.whole, cum.c.k, cum.c.b, (cum.c.upto - cum.c.c).label("before"),
                     cum.c.n, cum.c.total)
              .where(or_(*(holds(r) for r in _ranks(cum.c.n)))).cte("stat_wanted"))
    w = wanted
    # Rank the rows of the wanted buckets (of any key: a cheap test per row against a handful
    # of buckets), then keep the wanted (key, bucket) pairs: joining first would let the
    # database loop over all the rows once per wanted bucket.
    columns = [rows.c.k, rows.c.v, rows.c.b,
               func.row_number().over(partition_by=(rows.c.k, rows.c.b),
                                      order_by=rows.c.v).label("rn")]
    if total:
        columns.append(func.row_number().over(partition_by=rows.c.b, order_by=rows.c.v)
                       .label("rn_all"))
    c = select(*columns).where(rows.c.b.in_(select(w.c.b))).subquery("stat_candidates")
    if total:
        rank = case((w.c.whole == 1, c.c.rn_all), else_=c.c.rn)
        key_matches = or_(w.c.whole == 1, c.c.k.is_not_distinct_from(w.c.k))
    else:
        rank, key_matches = c.c.rn, c.c.k.is_not_distinct_from(w.c.k)
    ranked = (select(w.c.whole, w.c.k, c.c.v, w.c.n, w.c.total,
                     (rank + w.c.before).label("rank"))
              .select_from(c.join(w, and_(c.c.b == w.c.b, key_matches)))
              .subquery("stat_ranked"))
    r = ranked
    picked = select(r).where(r.c.rank.in_(_ranks(r.c.n))).subquery("stat_picked")
    p = picked
    low, high, ninety = _ranks(p.c.n)
    return select(
        p.c.whole, p.c.k, func.max(p.c.n), func.max(p.c.total) / func.max(p.c.n),
        func.avg(case((or_(p.c.rank == low, p.c.rank == high), p.c.v * 1.0))),
        func.max(case((p.c.rank == ninety, p.c.v))),
    ).group_by(p.c.whole, p.c.k)
