"""Requests filed in the current transaction, and the events recorded on them.

Filing a request is followed by the work derived from it (the search document, the report
figures, the SLA clocks, the first e-mail of its thread), each of which would otherwise read
back what cannot exist yet for a request that did not exist when the transaction began: its
search document, figures row, fired SLA actions, earlier e-mails, and its history (all of it
recorded in this transaction, so known here). Each such read costs a statement on the busiest
write there is.

The registry lives in the session's ``info`` for one transaction and is dropped when the
transaction commits or any rollback happens (a savepoint's too: what it undid would otherwise
still be listed), after which everyone reads the database again. Forgetting is always safe;
only a listing that outlived its transaction would not be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hdcore.models import Event, ServiceRequest

KEY = "hd_fresh_requests"


@dataclass
class _Filed:
    """What this transaction wrote about one request it filed."""

    events: list[Event] = field(default_factory=list)
    #: rows derived from the request, by name ("metrics", "search"), made in this transaction
    rows: dict[str, Any] = field(default_factory=dict)
    #: SLA actions claimed on it in this transaction
    fired: set[str] = field(default_factory=set)


def _filed(session: Session, request_id: int | None) -> _Filed | None:
    registry = session.info.get(KEY)
    return None if registry is None or request_id is None else registry.get(request_id)


def mark_filed(session: Session, request: ServiceRequest) -> None:
    """Note that ``request`` (flushed, so it has its id) was filed in this transaction."""
    session.info.setdefault(KEY, {})[request.id] = _Filed()


def is_fresh(session: Session, request_id: int | None) -> bool:
    """Whether the request was filed in this transaction (nothing else refers to it yet)."""
    return _filed(session, request_id) is not None


def note_event(session: Session, event: Event) -> None:
    """Keep ``event`` with its request's history if the request was filed in this transaction."""
    filed = _filed(session, event.request_id)
    if filed is not None:
        filed.events.append(event)


def history(session: Session, request_id: int | None) -> list[Event] | None:
    """Every event of a request filed in this transaction, in order; None for any other."""
    filed = _filed(session, request_id)
    return None if filed is None else list(filed.events)


def keep(session: Session, request_id: int | None, name: str, row: Any) -> None:
    """Remember the ``name`` row made for a request filed in this transaction (else nothing)."""
    filed = _filed(session, request_id)
    if filed is not None:
        filed.rows[name] = row


def derived(session: Session, request_id: int | None, name: str) -> Any:
    """The ``name`` row this transaction made for a request it filed (None: not made yet)."""
    filed = _filed(session, request_id)
    return None if filed is None else filed.rows.get(name)


def note_fired(session: Session, request_id: int, key: str) -> None:
    """Remember an SLA action claimed on a request filed in this transaction."""
    filed = _filed(session, request_id)
    if filed is not None:
        filed.fired.add(key)


def fired(session: Session, request_id: int | None) -> set[str] | None:
    """The SLA actions claimed on a request filed in this transaction; None for any other."""
    filed = _filed(session, request_id)
    return None if filed is None else set(filed.fired)


def forget(session: Session, *_: Any) -> None:
    """Drop the registry (the transaction ended, or a rollback undid part of it)."""
    session.info.pop(KEY, None)
