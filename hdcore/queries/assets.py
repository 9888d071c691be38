"""Read-only queries of the installed base: the filtered asset list, an asset's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from hdcore.models import (
    Asset,
    AssetHistory,
    AssetStatus,
    Department,
    RequestAsset,
    ServiceRequest,
    User,
)
from hdcore.services.assets import visible_assets


@dataclass
class AssetFilter:
    """What the asset list is narrowed to (empty: everything visible)."""

    q: str = ""
    type: str = ""
    status: str = ""
    department_id: int | None = None
    user_id: int | None = None
    #: Retired assets are left out unless asked for (or filtered by that status).
    include_retired: bool = False

    @classmethod
    def from_args(cls, args: Any) -> AssetFilter:
        """From query-string arguments (``q``, ``type``, ``status``, ``department``,
        ``user``, ``retired``)."""
        def number(name: str) -> int | None:
            raw = str(args.get(name, "") or "").strip()
            return int(raw) if raw.isdigit() else None

        return cls(q=str(args.get("q", "") or "").strip()[:100],
                   type=str(args.get("type", "") or ""), status=str(args.get("status", "") or ""),
                   department_id=number("department"), user_id=number("user"),
                   include_retired=bool(args.get("retired")))

    def is_empty(self) -> bool:
        """Whether nothing narrows the list."""
        return not (self.q or self.type or self.status or self.department_id or self.user_id)


def asset_query(actor: User, flt: AssetFilter) -> Select[tuple[Asset]]:
    """The assets ``actor`` may see that match ``flt``, by tag.

    The search matches the tag, serial number, model and location (case-blind, anywhere in
    the text) and the user's name, user name and employee number.
    """
    query = visible_assets(actor)
    if flt.type:
        query = query.where(Asset.type == flt.type)
    if flt.status:
        query = query.where(Asset.status == flt.status)
    elif not flt.include_retired:
        query = query.where(Asset.status != AssetStatus.RETIRED.value)
    if flt.department_id:
        query = query.where(Asset.department_id == flt.department_id)
    if flt.user_id:
        query = query.where(Asset.user_id == flt.user_id)
    if flt.q:
        owner = aliased(User)
        dept = aliased(Department)
        like = f"%{flt.q.lower()}%"
        query = (query.outerjoin(owner, Asset.user_id == owner.id)
                 .outerjoin(dept, Asset.department_id == dept.id)
                 .where(or_(func.lower(Asset.tag).like(like),
                            func.lower(Asset.serial).like(like),
                            func.lower(Asset.model).like(like),
                            func.lower(Asset.location).like(like),
                            func.lower(owner.full_name).like(like),
                            func.lower(owner.username).like(like),
                            owner.employee_no == flt.q,
                            func.lower(dept.name).like(like),
                            func.upper(dept.code) == flt.q.upper())))
    return query.order_by(Asset.tag)


def history_of(session: Session, asset: Asset, limit: int = 200) -> list[AssetHistory]:
    """The asset's history, newest first."""
    return list(session.scalars(select(AssetHistory).where(AssetHistory.asset_id == asset.id)
                                .order_by(AssetHistory.at.desc(), AssetHistory.id.desc())
                                .limit(limit)))


def problem_counts(session: Session, asset_ids: list[int]) -> dict[int, int]:
    """How many requests named each of the assets."""
    if not asset_ids:
        return {}
    rows = session.execute(select(RequestAsset.asset_id, func.count())
                           .where(RequestAsset.asset_id.in_(asset_ids))
                           .group_by(RequestAsset.asset_id))
    return {asset_id: n for asset_id, n in rows}


def open_requests_of(session: Session, asset: Asset, final_states: set[str]) -> int:
    """How many requests naming the asset are still open."""
    return session.scalar(select(func.count()).select_from(RequestAsset)
                          .join(ServiceRequest, ServiceRequest.id == RequestAsset.request_id)
                          .where(RequestAsset.asset_id == asset.id,
                                 ServiceRequest.status.not_in(final_states))) or 0
