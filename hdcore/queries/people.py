"""Finding people: the employee a phone call is from, by name, user name, number, phone, e-mail."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, case, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from hdcore.models import ServiceRequest, User
from hdcore.queries.workload import WORK_KINDS, states_of_kinds

#: At most this many people are returned by one search.
SEARCH_LIMIT = 20
_LIKE_ESCAPE = "\\"


def _like_pattern(text: str) -> str:
    """``%text%`` with the LIKE wildcards in ``text`` taken literally."""
    escaped = (text.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", _LIKE_ESCAPE + "%")
               .replace("_", _LIKE_ESCAPE + "_"))
    return f"%{escaped}%"


def _digits_of(column: ColumnElement[str | None]) -> ColumnElement[str]:
    """The column with the separators people put in phone numbers removed."""
    out: ColumnElement[str] = func.coalesce(column, literal("", String))
    for sep in ("-", " ", "+", "(", ")", "."):
        out = func.replace(out, sep, "")
    return out


def search_people(session: Session, text: str, *, limit: int = SEARCH_LIMIT) -> list[User]:
    """Active accounts matching ``text`` in any of: full name, user name, employee number,
    phone, e-mail (case-insensitive, anywhere in the value).

    Phone numbers match with or without separators (``0512-6688-1001`` is found by
    ``66881001``). Exact matches of the user name, employee number or e-mail come first, then
    names that start with the text, then the rest by name. Empty text finds nobody.
    """
    text = " ".join((text or "").split())[:100]
    if not text:
        return []
    u = User
    like = _like_pattern(text.lower())
    conds = [func.lower(col).like(like, escape=_LIKE_ESCAPE)
             for col in (u.full_name, u.username, u.employee_no, u.email, u.phone)]
    digits = re.sub(r"[\s\-+().]", "", text)
    if len(digits) >= 3 and digits.isdigit():
        conds.append(_digits_of(u.phone).like(f"%{digits}%"))
    lowered = text.lower()
    exact = or_(u.username == lowered, func.lower(u.employee_no) == lowered,
                func.lower(u.email) == lowered, func.lower(u.full_name) == lowered)
    starts = func.lower(u.full_name).like(_like_pattern(lowered)[1:], escape=_LIKE_ESCAPE)
    rank = case((exact, 0), (starts, 1), else_=2)
    query = (select(u).where(u.is_active.is_(True), or_(*conds))
             .order_by(rank, u.full_name, u.id).limit(max(1, min(limit, 100)))
             .options(selectinload(u.department)))
    return list(session.scalars(query))


def open_requests_of(session: Session, user_id: int, *, limit: int = 5) -> list[ServiceRequest]:
    """The person's open requests (new, active or waiting), newest first: what they may be
    calling about."""
    r = ServiceRequest
    return list(session.scalars(
        select(r).where(r.requester_id == user_id, states_of_kinds(session, WORK_KINDS))
        .order_by(r.created_at.desc(), r.id.desc()).limit(limit)))


def open_request_counts(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """How many open requests each of these people has filed (absent: none)."""
    ids = list(user_ids)
    if not ids:
        return {}
    r = ServiceRequest
    rows = session.execute(
        select(r.requester_id, func.count()).where(
            r.requester_id.in_(ids), states_of_kinds(session, WORK_KINDS))
        .group_by(r.requester_id))
    return {uid: int(n) for uid, n in rows}
