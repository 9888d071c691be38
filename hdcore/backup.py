"""Backup and restore: one consistent, database-neutral archive of the help desk.

An archive is a zip file holding ``manifest.json`` (format, time, schema revisions, each
table's row count and checksum, each file's size and checksum), one ``tables/<name>.jsonl``
per table (a JSON object per row, in primary-key order) and ``files/<stored name>`` for every
attachment. The rows are read in one snapshot (one read transaction on SQLite's WAL; one
REPEATABLE READ, read-only transaction on PostgreSQL), so they agree with each other; files
are immutable once stored, so those the snapshot's rows name are all there is to copy.

Values are written in one neutral form (times in UTC ISO 8601, JSON with sorted keys), so an
archive restores into either database, whichever it was taken from. A restore checks the
whole archive before touching the database, migrates it to the archive's revisions, loads
every table in one transaction (rows whose foreign keys form a cycle are linked afterwards),
moves PostgreSQL's sequences past the restored ids, re-reads every table and compares counts
and checksums, and only then commits; then it migrates on to this version's schema.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, MetaData, Table, func, select, text, update
from sqlalchemy import types as satypes
from sqlalchemy.exc import InvalidRequestError

from hdcore import clock, migrate
from hdcore.backup_format import (
    FORMAT,
    MANIFEST,
    BackupError,
    Manifest,
    data_tables,
    decode,
    file_digest,
    read_manifest,
    row_line,
    stored_columns,
    table_digest,
    table_rows,
)

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

__all__ = ["BackupError", "Manifest", "backup", "read_manifest", "restore"]

#: Rows inserted per statement while restoring.
BATCH = 500


# -- writing an archive --------------------------------------------------------------------------

@contextmanager
def _snapshot(helpdesk: HelpDesk) -> Iterator[Connection]:
    """A connection inside one read-only snapshot of the whole database."""
    engine = helpdesk.engine
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                  postgresql_readonly=True)
    else:
        conn = engine.connect()
    with conn, conn.begin():
        yield conn


def backup(helpdesk: HelpDesk, target: str | os.PathLike[str]) -> Manifest:
    """Write the whole help desk (every table and every attachment) to the archive ``target``.

    The archive appears under its name only when complete (written beside it, then renamed).
    """
    target = Path(target)
    store = Path(helpdesk.settings.home) / "attachments"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            with _snapshot(helpdesk) as conn:
                manifest = Manifest(
                    format=FORMAT, created_at=clock.now().astimezone(UTC).isoformat(),
                    dialect=conn.dialect.name, revisions=sorted(_revisions(conn)),
                    version=_version())
                tables, _later = data_tables(conn)
                stored_names: list[str] = []
                for table in tables:
                    digest, count = hashlib.sha256(), 0
                    with zf.open(f"tables/{table.name}.jsonl", "w") as out:
                        for row in table_rows(conn, table):
                            line = row_line(row)
                            out.write(line)
                            digest.update(line)
                            count += 1
                            if table.name == "attachment":
                                stored_names.append(str(row["stored_name"]))
                    manifest.tables[table.name] = {"rows": count, "sha256": digest.hexdigest()}
            for name in stored_names:
                path = store / name
                if not path.is_file():
                    raise BackupError(f"the attachment file {name} is missing from {store}")
                zf.write(path, f"files/{name}")
                manifest.files[name] = {"size": path.stat().st_size,
                                        "sha256": file_digest(path)}
            zf.writestr(MANIFEST, manifest.to_json())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def _revisions(conn: Connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(conn).get_current_heads())


def _version() -> str:
    from hdcore import __version__

    return __version__

# -- restoring -----------------------------------------------------------------------------------

def restore(helpdesk: HelpDesk, source: str | os.PathLike[str], *,
            force: bool = False) -> Manifest:
    """Replace the help desk's data with the archive ``source``; its manifest.

    The database must be empty (no accounts) unless ``force``. Nothing changes when the
    archive is damaged, and nothing is half-restored when loading fails.
    """
    manifest = read_manifest(source)
    known = {s.revision for s in migrate.scripts(helpdesk).walk_revisions()}
    unknown = sorted(set(manifest.revisions) - known)
    if unknown:
        raise BackupError(f"the archive was taken by a newer version of the help desk "
                          f"(schema {', '.join(unknown)}); upgrade this one first")
    present = set(migrate.current_heads(helpdesk))
    if present and not force:
        users = _count_users(helpdesk)
        if users:
            raise BackupError(f"the database already holds a help desk ({users} accounts); "
                              "restore into an empty database, or force it to replace them")
    if not present:
        for revision in manifest.revisions:
            migrate.upgrade(helpdesk, revision)
    elif present != set(manifest.revisions):
        if set(manifest.revisions) == set(migrate.script_heads(helpdesk)):
            migrate.upgrade(helpdesk)
        else:
            raise BackupError("the database's schema is at another revision than the "
                              "archive's; restore into an empty database")
    written = _load(helpdesk, source, manifest)
    try:
        migrate.upgrade(helpdesk)  # an archive of an older version: bring it up to date
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return manifest


def _count_users(helpdesk: HelpDesk) -> int:
    with helpdesk.engine.connect() as conn:
        meta = MetaData()
        try:
            meta.reflect(conn, only=["user_account"])
        except InvalidRequestError:  # no such table: nothing to lose
            return 0
        return int(conn.scalar(select(func.count()).select_from(meta.tables["user_account"]))
                   or 0)


def _load(helpdesk: HelpDesk, source: str | os.PathLike[str], manifest: Manifest) -> list[Path]:
    """Load every table and file in one transaction; the files written (for a rollback)."""
    store = Path(helpdesk.settings.home) / "attachments"
    written: list[Path] = []
    try:
        with helpdesk.engine.connect() as conn, conn.begin(), zipfile.ZipFile(source) as zf:
            tables, later = data_tables(conn)
            missing = sorted(set(manifest.tables) - {t.name for t in tables})
            if missing:
                raise BackupError(f"tables of the archive are missing here: {', '.join(missing)}")
            _empty(conn, tables, later)
            linked = {(fk.parent.name, c.name) for fk in later for c in fk.columns}
            for table in tables:
                if table.name in manifest.tables:
                    _insert(conn, table, zf.open(f"tables/{table.name}.jsonl"), linked)
            _link(conn, tables, later, zf)
            if conn.dialect.name == "postgresql":
                _fix_sequences(conn, tables)
            _verify(conn, tables, manifest)
            store.mkdir(parents=True, exist_ok=True)
            for name, info in manifest.files.items():
                path = store / name
                if not path.exists():
                    path.write_bytes(zf.read(f"files/{name}"))
                    written.append(path)
                elif file_digest(path) != info["sha256"]:
                    raise BackupError(f"a different file {name} is already in {store}")
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _empty(conn: Connection, tables: list[Table], later: list[Any]) -> None:
    """Delete every row (a forced restore), children first."""
    for fk in later:
        conn.execute(update(fk.parent).values({c.name: None for c in fk.columns}))
    for table in reversed(tables):
        conn.execute(table.delete())


def _records(stream: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    for raw in stream:
        if raw.strip():
            yield json.loads(raw)


def _insert(conn: Connection, table: Table, stream: Any, linked: set[tuple[str, str]]) -> None:
    cols = {c.name: c for c in stored_columns(table)}
    batch: list[dict[str, Any]] = []
    with stream:
        for record in _records(stream):
            unknown = set(record) - set(cols)
            if unknown:
                raise BackupError(f"{table.name} has no column {', '.join(sorted(unknown))}")
            batch.append({name: None if (table.name, name) in linked
                          else decode(cols[name], record.get(name)) for name in cols
                          if name in record})
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)


def _link(conn: Connection, tables: list[Table], later: list[Any], zf: zipfile.ZipFile) -> None:
    """Set the foreign keys left empty while loading (cycles, rows pointing at their table)."""
    by_table: dict[str, list[str]] = {}
    for fk in later:
        by_table.setdefault(fk.parent.name, []).extend(c.name for c in fk.columns)
    for table in tables:
        names = by_table.get(table.name)
        if not names:
            continue
        pk = list(table.primary_key.columns)
        with zf.open(f"tables/{table.name}.jsonl") as stream:
            for record in _records(stream):
                values = {n: decode(table.c[n], record.get(n)) for n in names}
                if any(v is not None for v in values.values()):
                    conn.execute(update(table).where(
                        *(c == decode(c, record[c.name]) for c in pk)).values(values))


def _fix_sequences(conn: Connection, tables: list[Table]) -> None:
    """Move each id sequence past the highest restored id."""
    for table in tables:
        for col in table.primary_key.columns:
            if not isinstance(col.type, satypes.Integer):
                continue
            seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                              {"t": table.name, "c": col.name})
            if seq:
                conn.execute(text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{col.name}") FROM '
                    f'"{table.name}"), 0) + 1, false)'), {"s": seq})


def _verify(conn: Connection, tables: list[Table], manifest: Manifest) -> None:
    """Re-read every restored table: the counts and checksums must be the archive's."""
    for table in tables:
        info = manifest.tables.get(table.name)
        if info is None:
            continue
        count, digest = table_digest(conn, table)
        if count != info["rows"] or digest != info["sha256"]:
            raise BackupError(f"{table.name} did not restore faithfully ({count} rows of "
                              f"{info['rows']}); nothing was changed")
