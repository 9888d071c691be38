"""Engines and sessions: SQLite tuned for a web server, PostgreSQL by URL."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from hdcore import signals, sqlite_writers


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; on SQLite with WAL, a busy timeout and foreign keys enforced."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, open transactions, so BEGIN is explicit and a write
        # lock is taken at the first write (see "Serializable isolation" in the SQLite docs).
        queue = sqlite_writers.queue_for(u.database)
        event.listen(engine, "begin", partial(_sqlite_begin, queue))
        sqlite_writers.install(engine, queue)
        # a connection returned with its transaction still open gives its turn back too
        event.listen(engine.pool, "checkin", lambda dbapi_conn, _record: (
            sqlite_writers.end_turn(dbapi_conn) if dbapi_conn is not None else None))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_begin(queue: sqlite_writers.WriterQueue | None, conn: Connection) -> None:
    # A transaction that will write (``sqlite_write``, see begin_for_writing) takes the lock
    # at once, after its turn in the writers' queue; a read snapshot upgraded later would
    # fail at once whenever another writer is busy.
    if not conn.get_execution_options().get("sqlite_write", False):
        conn.exec_driver_sql("BEGIN")
        return
    raw = conn.connection.dbapi_connection
    sqlite_writers.take_turn(queue, raw)
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        sqlite_writers.end_turn(raw)
        raise


def _sqlite_pragmas(dbapi_conn: Any, record: Any) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun by the "begin" listener
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def begin_for_writing(session: Session) -> None:
    """On SQLite, start the session's next transaction holding the write lock (BEGIN IMMEDIATE).

    Otherwise its first write would upgrade a read snapshot, which SQLite refuses at once (no
    waiting) whenever another writer is busy: two people filing different requests at the
    same moment would be refused. With the lock taken first, writers queue for the busy
    timeout. A read transaction left open (a view loading the request) is ended first; the
    objects it loaded are kept, and a version check in the UPDATE still catches a change made
    since. Unsaved changes in the session keep their transaction as it is. PostgreSQL: nothing.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            return
        session.commit()
    session.connection(execution_options={"sqlite_write": True})


def make_session_factory(engine: Engine, **info: Any) -> sessionmaker[Session]:
    """A session factory whose sessions carry ``info`` (the plugin host) and send signals."""
    from hdcore import fresh, shared_config

    factory = sessionmaker(bind=engine, expire_on_commit=False, info=info)
    signals.install(factory)
    # settings kept per process (plugin state, SLA policies): checked once per transaction
    shared_config.install(factory)
    # requests filed in a transaction are known only until it ends or anything rolls back
    event.listen(factory, "after_commit", fresh.forget)
    event.listen(factory, "after_soft_rollback", fresh.forget)
    return factory


#: SQLite reports mistakes in a statement as OperationalError too; those are not outages.
_SQLITE_MISTAKES = ("no such table", "no such column", "has no column named", "syntax error")


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or used now (it is down, refuses
    connections, cannot be opened, stays locked, the pool is exhausted), as opposed to a
    mistake in a statement or in the data."""
    if isinstance(exc, InterfaceError | PoolTimeout):
        return True
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig).lower()
    return not any(m in message for m in _SQLITE_MISTAKES)
