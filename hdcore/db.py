"""Engines and sessions: SQLite tuned for a web server, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from hdcore import signals


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
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, record: Any) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun by the "begin" listener
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_session_factory(engine: Engine, **info: Any) -> sessionmaker[Session]:
    """A session factory whose sessions carry ``info`` (the plugin host) and send signals."""
    factory = sessionmaker(bind=engine, expire_on_commit=False, info=info)
    signals.install(factory)
    return factory
