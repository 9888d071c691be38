"""Settings every request reads, kept in each process and checked with one small read.

Which plugins are switched off, the SLA policies and their calendars: every request filed,
every page of the desk asks for them, and they change a few times a year. A process keeps what
it derived from them (see :func:`cache`) under the token of one row, ``config_stamp``, and a
transaction reads that token once instead of the settings themselves. Any change to the
watched tables (:func:`watch`) gives the row a new random token in the same transaction, so
every process, on this host or another, sees the change at its next transaction, as it did
when each transaction read the settings. A transaction that changes them uses a cache of its
own until it ends (it must see its own change; others must not before it commits).

A random token, not a counter: a database restored from a backup brings back the token its
settings had then, and a process that still holds a copy under that token holds exactly them.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from typing import Any

from sqlalchemy import Engine, event, update
from sqlalchemy.orm import Session, sessionmaker

from hdcore.models import ConfigStamp

#: The mapped classes whose rows the caches are derived from.
_WATCHED: set[type] = set()
#: session.info keys: the token read in this transaction; the transaction that changed the
#: watched settings; its own caches.
_STAMP = "hd_config_stamp"
_CHANGED = "hd_config_changed"
_OWN = "hd_config_own"


class _Store:
    """One database's caches in this process, valid under ``token``."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.caches: dict[str, dict[Any, Any]] = {}


_STORES: weakref.WeakKeyDictionary[Engine, _Store] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def watch(*models: type) -> None:
    """Changes to rows of ``models`` change the stamp (the caches derive from them)."""
    _WATCHED.update(models)


def new_token() -> str:
    """A fresh random token."""
    return secrets.token_hex(16)


def cache(session: Session, name: str) -> dict[Any, Any]:
    """The dict ``name`` to keep values derived from the watched settings in.

    Shared by every transaction of this process on the same database while the stamp stays
    the same, replaced by an empty one when it changes; private to the transaction once it
    has changed watched rows (or when the database has no stamp: one built without the
    migrations). Keep only values that are not bound to a session (plain data).
    """
    if _pending_change(session):
        session.flush()  # marks the transaction as changing them (see _before_flush)
    token = _token(session)
    if token is None or _changed_here(session):
        return _own(session).setdefault(name, {})
    engine = session.get_bind()
    with _LOCK:
        store = _STORES.get(engine)  # type: ignore[arg-type]
        if store is None or store.token != token:
            store = _Store(token)
            _STORES[engine] = store  # type: ignore[index]
        return store.caches.setdefault(name, {})


def changed(session: Session) -> None:
    """Say that this transaction changed the watched settings (when the change is made other
    than through the ORM, or must show before the next flush): the stamp gets a new token and
    the rest of the transaction reads the settings anew."""
    _mark(session)
    bump(session.connection())


def bump(connection: Any) -> None:
    """Give the stamp a new token on ``connection`` (after migrations, which may change any
    setting without the ORM)."""
    connection.execute(update(ConfigStamp).where(ConfigStamp.id == 1).values(token=new_token()))


def install(factory: sessionmaker[Session]) -> None:
    """Watch the sessions of ``factory``: a flush writing watched rows changes the stamp, and
    the end of a transaction forgets what was kept for it alone."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_commit", _forget)
    event.listen(factory, "after_rollback", _forget)


def _transaction(session: Session) -> object:
    tx = session.get_transaction()
    # the outermost transaction: savepoints share their parent's caches
    while tx is not None and tx.parent is not None:
        tx = tx.parent
    return tx


def _token(session: Session) -> str | None:
    tx = _transaction(session)
    held = session.info.get(_STAMP)
    if held is not None and tx is not None and held[0] is tx:
        return held[1]  # type: ignore[no-any-return]
    # the plain statement: this runs in most transactions, the ORM's machinery would cost
    # more than the read itself
    token = session.connection().exec_driver_sql(_READ_STAMP).scalar()
    session.info[_STAMP] = (_transaction(session), token)
    return token  # type: ignore[no-any-return]


_READ_STAMP = "SELECT token FROM config_stamp WHERE id = 1"


def _pending_change(session: Session) -> bool:
    """Whether the session holds unflushed changes to watched rows."""
    if not _WATCHED or not (session.new or session.dirty or session.deleted):
        return False
    watched = tuple(_WATCHED)
    return any(isinstance(obj, watched)
               for group in (session.new, session.dirty, session.deleted) for obj in group)


def _changed_here(session: Session) -> bool:
    marked = session.info.get(_CHANGED)
    return marked is not None and marked is _transaction(session)


def _own(session: Session) -> dict[str, dict[Any, Any]]:
    tx = _transaction(session)
    held = session.info.get(_OWN)
    if held is None or held[0] is not tx:
        held = (tx, {})
        session.info[_OWN] = held
    return held[1]  # type: ignore[no-any-return]


def _mark(session: Session) -> None:
    if not _changed_here(session):
        session.info[_CHANGED] = _transaction(session)
        session.info.pop(_OWN, None)  # what was read before the change is stale for it too


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _pending_change(session):
        changed(session)


def _forget(session: Session) -> None:
    for key in (_STAMP, _CHANGED, _OWN):
        session.info.pop(key, None)
