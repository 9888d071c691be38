"""Figures from other areas' tables: knowledge-base deflections and assets with problems.

The tables are read by name, so a desk without those areas still reports the rest.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, func, inspect, select, table
from sqlalchemy.orm import Session

from hdcore.analytics.filters import Filters
from hdcore.analytics.reports import M, opened_cond

_deflection = table("kb_deflection", column("id"), column("category"), column("created_at"),
                    column("user_id"))
_request_asset = table("request_asset", column("request_id"), column("asset_id"))
_asset = table("asset", column("id"), column("tag"), column("model"), column("type"))
_user = table("user_account", column("id"), column("department_id"))
_KNOWN = "hd_analytics_tables"


def has_table(session: Session, name: str) -> bool:
    """Whether the database has the table ``name`` (asked once per session)."""
    known = session.info.setdefault(_KNOWN, {})
    if name not in known:
        known[name] = inspect(session.connection()).has_table(name)
    return bool(known[name])


def deflections(session: Session, f: Filters) -> int | None:
    """Requests an article made unnecessary in the period (None: no knowledge base)."""
    if not has_table(session, "kb_deflection"):
        return None
    d = _deflection
    q = select(func.count()).select_from(d).where(d.c.created_at >= f.since,
                                                  d.c.created_at < f.until)
    if f.category:
        q = q.where(d.c.category == f.category)
    if f.department is not None:
        q = q.where(d.c.user_id.in_(select(_user.c.id)
                                    .where(_user.c.department_id == f.department)))
    return int(session.scalar(q) or 0)


def top_assets(session: Session, f: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The assets named by the most requests opened in the period."""
    if not (has_table(session, "request_asset") and has_table(session, "asset")):
        return []
    ra, a = _request_asset, _asset
    n = func.count()
    q = (select(a.c.id, a.c.tag, a.c.model, a.c.type, n)
         .select_from(ra.join(a, a.c.id == ra.c.asset_id).join(M, M.request_id == ra.c.request_id))
         .where(opened_cond(f), *f.where())
         .group_by(a.c.id, a.c.tag, a.c.model, a.c.type).order_by(n.desc(), a.c.tag).limit(limit))
    return [{"id": r[0], "tag": r[1], "model": r[2], "type": r[3], "requests": int(r[4])}
            for r in session.execute(q)]


def asset_requests(f: Filters, asset_id: int) -> Any:
    """The condition "names the asset" for a drill-down."""
    return M.request_id.in_(select(_request_asset.c.request_id)
                            .where(_request_asset.c.asset_id == asset_id))
