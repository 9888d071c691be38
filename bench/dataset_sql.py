"""Bulk writing for the benchmark's generator: ``executemany`` on SQLite, ``COPY`` on PostgreSQL,
timestamps and JSON in the form the application's column types store, sequences, ANALYZE."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hdcore import HelpDesk
from hdcore.models.search import PG_TSV_INDEX

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Every second of a day as ``HH:MM:SS.ffffff`` (formatting a timestamp is then two lookups).
_CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(86400)]
_encode = json.JSONEncoder().encode


def to_datetime(seconds: float) -> datetime:
    """Epoch seconds (the generator's clock) as an aware UTC datetime."""
    return EPOCH + timedelta(seconds=seconds)


def to_seconds(moment: datetime) -> int:
    """An aware datetime as whole epoch seconds."""
    return int((moment - EPOCH).total_seconds())


class Writer:
    """One DBAPI connection writing rows in big transactions, outside the ORM.

    Timestamps are given as epoch seconds and written as SQLAlchemy's SQLite storage format
    (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC, which sorts and compares as text) or as
    ``timestamptz`` text on PostgreSQL; JSON as text; booleans as each database reads them.
    """

    def __init__(self, hd: HelpDesk, *, bulk: bool = True) -> None:
        self.hd = hd
        self.postgres = hd.engine.dialect.name == "postgresql"
        self.raw = hd.engine.raw_connection()
        self.dbapi = self.raw.driver_connection
        self._days: dict[int, str] = {}
        self._suffix = "+00" if self.postgres else ""
        self.bulk = bulk and not self.postgres
        self._search_index = ""  # the definition of the index dropped for the load
        if not self.postgres:
            cur = self.dbapi.cursor()
            if self.bulk:
                # Only for the load (the data is consistent by construction); restored after.
                cur.execute("PRAGMA foreign_keys=OFF")
                cur.execute("PRAGMA synchronous=OFF")
                # A big page cache: a chunk's rows and index pages stay in memory until commit.
                cur.execute("PRAGMA cache_size=-262144")
            cur.execute("BEGIN")
            cur.close()

    def ts(self, seconds: float | None) -> str | None:
        """Epoch seconds as the stored text of a UTC timestamp (None stays None)."""
        if seconds is None:
            return None
        day, second = divmod(int(seconds), 86400)
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        return text + _CLOCK[second] + self._suffix

    def boolean(self, value: bool | None) -> Any:
        """A boolean as the database's driver takes it."""
        if value is None or self.postgres:
            return value
        return int(value)

    @staticmethod
    def json(value: Any) -> str:
        """JSON text, as SQLAlchemy's JSON type writes it."""
        return _encode(value) if value else ("{}" if isinstance(value, dict) else _encode(value))

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append ``rows`` (tuples in ``columns`` order) to ``table``."""
        if self.postgres:
            cur = self.dbapi.cursor()
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.close()
        else:
            marks = ", ".join("?" * len(columns))
            self.dbapi.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run one statement (``?`` placeholders on both databases); its rows, if any."""
        cur = self.dbapi.cursor()
        cur.execute(sql.replace("?", "%s") if self.postgres else sql, params)
        rows = cur.fetchall() if cur.description else []
        cur.close()
        return rows

    def commit(self) -> None:
        """End the current chunk's transaction and begin the next."""
        self.dbapi.commit() if self.postgres else self.execute("COMMIT")
        if not self.postgres:
            self.execute("BEGIN")

    def defer_search_index(self) -> None:
        """On PostgreSQL, drop the full-text GIN index over every document for the load:
        building it once at the end (:meth:`finish`, from the definition the migrations gave
        it) is faster than updating it row by row."""
        if not self.postgres:
            return
        found = self.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'search_doc' "
                             "AND indexname = ?", (PG_TSV_INDEX,))
        if found:
            self._search_index = found[0][0]
            self.execute(f"DROP INDEX {PG_TSV_INDEX}")

    def _rebuild_search_index(self) -> None:
        if self._search_index:
            self.execute("SET maintenance_work_mem = '256MB'")
            self.execute(self._search_index)
            self.execute("RESET maintenance_work_mem")
            self._search_index = ""

    def reset_sequences(self, tables: Iterable[str]) -> None:
        """After explicit ids, move each table's id sequence past its largest id (PostgreSQL)."""
        if not self.postgres:
            return  # SQLite's rowid tables take max(id) + 1 by themselves
        for table in tables:
            self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")

    def finish(self, analyze: bool = True) -> None:
        """Commit, gather the planner's statistics, restore the connection's settings."""
        if self.postgres:
            self._rebuild_search_index()
            self.dbapi.commit()
            if analyze:
                self.dbapi.autocommit = True
                self.execute("ANALYZE")
                self.dbapi.autocommit = False
        else:
            self.execute("COMMIT")
            if analyze:
                self.execute("ANALYZE")
            self._restore()
        self.raw.close()

    def _restore(self) -> None:
        if not self.bulk:
            return
        self.execute("PRAGMA synchronous=NORMAL")
        self.execute("PRAGMA foreign_keys=ON")
        self.execute("PRAGMA cache_size=-2000")

    def abort(self) -> None:
        """Give up the current transaction and the connection."""
        try:
            self.dbapi.rollback() if self.postgres else self.execute("ROLLBACK")
            if self.postgres:
                self._rebuild_search_index()
                self.dbapi.commit()
            else:
                self._restore()
        finally:
            self.raw.close()
