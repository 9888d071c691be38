"""Request numbers like ``SR-2026-000123``: a counter per year, bumped in the transaction."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hdcore.models import Sequence, utcnow


def next_value(session: Session, name: str) -> int:
    """Atomically increment the counter ``name`` and return its new value (starts at 1)."""
    for _attempt in range(3):
        value = session.execute(
            update(Sequence).where(Sequence.name == name)
            .values(value=Sequence.value + 1).returning(Sequence.value)
        ).scalar()
        if value is not None:
            return int(value)
        try:
            with session.begin_nested():  # another transaction may create it at the same time
                session.execute(insert(Sequence).values(name=name, value=1))
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"could not increment counter {name!r}")


def next_request_number(session: Session) -> str:
    """The next request number of the current year."""
    year = utcnow().year
    return f"SR-{year}-{next_value(session, f'SR-{year}'):06d}"
