"""The floor: the least a Flask + SQLAlchemy application can do per request on the same server
and database, so each help-desk figure can be read as a ratio that holds on a noisy machine.

``POST /items`` inserts one row (a JSON body, one transaction); ``GET /items?owner=N`` reads the
20 newest rows of an owner through an index; ``GET /healthz`` touches nothing. The database is
``BENCH_FLOOR_URL``; :func:`prepare` makes its table before the server starts.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from sqlalchemy import DateTime, Index, Integer, String, Text, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    """The floor's own metadata (never the help desk's)."""


class FloorItem(Base):
    """One row per created item."""

    __tablename__ = "bench_floor_item"
    __table_args__ = (Index("ix_bench_floor_owner_created", "owner", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def engine_for(url: str) -> Engine:
    """An engine with the same SQLite settings the help desk uses (WAL, busy timeout)."""
    engine = create_engine(url, pool_pre_ping=False)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
    return engine


def prepare(url: str) -> None:
    """Create the floor's table (once, before the workers start)."""
    engine = engine_for(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()


def create_app(url: str) -> Flask:
    """The floor application on ``url``."""
    flask_app = Flask(__name__)
    engine = engine_for(url)

    @flask_app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return "ok"

    @flask_app.post("/items")
    def create():  # type: ignore[no-untyped-def]
        data = request.get_json(force=True)
        with Session(engine) as session, session.begin():
            item = FloorItem(owner=int(data.get("owner", 0)), title=str(data["title"])[:200],
                             body=str(data.get("body", "")), created_at=datetime.now(UTC))
            session.add(item)
            session.flush()
            new_id = item.id
        return jsonify({"id": new_id}), 201

    @flask_app.get("/items")
    def newest():  # type: ignore[no-untyped-def]
        owner = request.args.get("owner", 0, type=int)
        with Session(engine) as session:
            rows = session.execute(
                select(FloorItem.id, FloorItem.title).where(FloorItem.owner == owner)
                .order_by(FloorItem.created_at.desc()).limit(20)).all()
        return jsonify([{"id": r.id, "title": r.title} for r in rows])

    return flask_app


app = create_app(os.environ["BENCH_FLOOR_URL"]) if os.environ.get("BENCH_FLOOR_URL") else None
