"""The fired-actions register: taking an automatic action is first claiming its row.

The row is inserted with ``ON CONFLICT DO NOTHING`` on ``(request, action key)``: whoever
inserts it takes the action; a second worker, or the same sweep run again, finds it there
and does nothing. The row and the action commit (or roll back) together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hdcore import fresh
from hdcore.models import SlaFiredAction

DONE = "done"
SKIPPED = "skipped"
REFUSED = "refused"


def claim(session: Session, request_id: int, key: str, at: datetime, *,
          outcome: str = DONE, details: dict[str, Any] | None = None) -> bool:
    """Record the action ``key`` as taken on the request; False if it already was."""
    table = SlaFiredAction.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(request_id=request_id, action_key=key, fired_at=at,
                                outcome=outcome, details=dict(details or {}))
    result = session.execute(stmt.on_conflict_do_nothing(
        index_elements=["request_id", "action_key"]))
    taken = bool(result.rowcount)  # type: ignore[attr-defined]
    if taken:
        fresh.note_fired(session, request_id, key)
    return taken


def set_outcome(session: Session, request_id: int, key: str, outcome: str,
                details: dict[str, Any]) -> None:
    """Change what became of an action already claimed (a refused auto-close, say)."""
    table = SlaFiredAction.__table__
    session.execute(update(table).where(table.c.request_id == request_id,
                                        table.c.action_key == key)
                    .values(outcome=outcome, details=details))
