"""NUL characters never reach the database: they are dropped from every text written.

PostgreSQL refuses a NUL inside text (the write would fail with a server error) while SQLite
keeps it; no one types one on purpose, but a form, a JSON body or a broken e-mail can carry
one. Dropping it at flush time keeps both databases alike and every interface working.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

NUL = "\x00"


def without_nul(value: Any) -> Any:
    """``value`` with NUL removed from every string in it (lists and dicts walked)."""
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def _clean(obj: object, new: bool) -> None:
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if not new and not state.attrs[attr.key].history.has_changes():
            continue
        value = getattr(obj, attr.key)
        cleaned = without_nul(value)
        if cleaned != value:
            setattr(obj, attr.key, cleaned)


def install_text_guard(factory: object) -> None:
    """Drop NUL from the new and changed values of every flush of ``factory``'s sessions."""

    @event.listens_for(factory, "before_flush")
    def _drop_nul(session: Session, flush_context: Any, instances: Any) -> None:
        for obj in session.new:
            _clean(obj, True)
        for obj in session.dirty:
            _clean(obj, False)
