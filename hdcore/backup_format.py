"""The backup archive's format: its manifest, rows in a neutral form, and the check of a
whole archive against its manifest (see :mod:`hdcore.backup`)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, select
from sqlalchemy import types as satypes
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from hdcore.errors import HelpdeskError
from hdcore.models.search import FTS_SHADOW_TABLES

#: The archive layout this code writes; a newer one is refused by name.
FORMAT = 1
MANIFEST = "manifest.json"
#: Tables that are not data: the migration record (rebuilt by migrating) and the SQLite
#: full-text index (rebuilt by its triggers as ``search_doc`` is loaded).
SKIPPED = frozenset({"alembic_version"}) | FTS_SHADOW_TABLES


class BackupError(HelpdeskError):
    """The archive cannot be written or restored; the message says why."""


@dataclass
class Manifest:
    """What an archive holds (``manifest.json``)."""

    format: int
    created_at: str
    dialect: str
    revisions: list[str]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: str = ""

    def to_json(self) -> bytes:
        """The manifest as stored."""
        return json.dumps(self.__dict__, indent=1, sort_keys=True, ensure_ascii=False).encode()

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(int(t["rows"]) for t in self.tables.values())

# -- values in a neutral form --------------------------------------------------------------------

def encode(value: Any) -> Any:
    """A value in the archive's neutral JSON form."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite keeps UTC without a zone
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"$base64": base64.b64encode(bytes(value)).decode()}
    return value


def row_line(row: dict[str, Any]) -> bytes:
    """One row as its line of ``tables/<name>.jsonl`` (keys sorted)."""
    return json.dumps({k: encode(v) for k, v in row.items()}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode(column: Any, value: Any) -> Any:
    """A neutral value back in the Python type ``column`` stores."""
    if value is None:
        return None
    kind = column.type
    if isinstance(value, dict) and set(value) == {"$base64"}:
        return base64.b64decode(value["$base64"])
    if isinstance(kind, satypes.DateTime) and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if getattr(kind, "timezone", False) else parsed.replace(tzinfo=None)
    if isinstance(kind, satypes.Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(kind, satypes.Time) and isinstance(value, str):
        return time.fromisoformat(value)
    if isinstance(kind, satypes.Numeric) and not isinstance(kind, satypes.Float) \
            and isinstance(value, str):
        return Decimal(value)
    return value

# -- the schema as it is in the database ---------------------------------------------------------

def data_tables(conn: Connection) -> tuple[list[Table], list[Any]]:
    """The data tables in dependency order, and the foreign keys to link after loading (those
    in a cycle, and those of a table to itself)."""
    meta = MetaData()
    meta.reflect(conn)
    tables = [t for t in meta.tables.values()
              if t.name not in SKIPPED and not t.name.startswith("sqlite_")]
    ordered: list[Table] = []
    later: list[Any] = []
    for table, constraints in sort_tables_and_constraints(tables):
        if table is not None:
            ordered.append(table)
        else:
            later.extend(constraints)
    for table in ordered:
        later.extend(fk for fk in table.foreign_key_constraints
                     if fk.referred_table is table and fk not in later)
    return ordered, later


def stored_columns(table: Table) -> list[Any]:
    """The stored columns (not generated ones such as PostgreSQL's search vector)."""
    return [c for c in table.columns if c.computed is None]


def table_rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """The table's rows (stored columns), in primary-key order."""
    cols = stored_columns(table)
    order = list(table.primary_key.columns) or cols
    for row in conn.execute(select(*cols).order_by(*order)).mappings():
        yield dict(row)


def table_digest(conn: Connection, table: Table) -> tuple[int, str]:
    """The table's row count and the SHA-256 of its lines, as the manifest records them."""
    count, digest = 0, hashlib.sha256()
    for row in table_rows(conn, table):
        digest.update(row_line(row))
        count += 1
    return count, digest.hexdigest()

def file_digest(path: Path) -> str:
    """The SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()

# -- reading and checking an archive -------------------------------------------------------------

def read_manifest(source: str | os.PathLike[str]) -> Manifest:
    """The archive's manifest, after checking every table and file against it.

    Raises :class:`BackupError` naming the first thing that is wrong (not an archive, a newer
    format, a member missing, changed or extra).
    """
    try:
        with zipfile.ZipFile(source) as zf:
            try:
                raw = json.loads(zf.read(MANIFEST))
                manifest = Manifest(**raw)
            except KeyError:
                raise BackupError(f"{source} is not a help desk backup (no {MANIFEST})") from None
            except (ValueError, TypeError) as exc:
                raise BackupError(f"the manifest of {source} is damaged: {exc}") from None
            if manifest.format != FORMAT:
                raise BackupError(f"{source} is in backup format {manifest.format}; this "
                                  f"version reads format {FORMAT}")
            members = set(zf.namelist()) - {MANIFEST}
            expected = {f"tables/{t}.jsonl" for t in manifest.tables} | {
                f"files/{f}" for f in manifest.files}
            if members != expected:
                odd = sorted(members ^ expected)
                raise BackupError(f"{source} does not match its manifest: {', '.join(odd[:5])}")
            for name, info in manifest.tables.items():
                _check_member(zf, f"tables/{name}.jsonl", info["sha256"], source)
            for name, info in manifest.files.items():
                _check_member(zf, f"files/{name}", info["sha256"], source)
    except zipfile.BadZipFile as exc:
        raise BackupError(f"{source} is not a readable backup archive: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc}") from None
    return manifest


def _check_member(zf: zipfile.ZipFile, member: str, sha256: str, source: object) -> None:
    digest = hashlib.sha256()
    try:
        with zf.open(member) as f:
            while chunk := f.read(1024 * 1024):
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a CRC error, a cut file
        raise BackupError(f"{member} in {source} is damaged: {exc}") from None
    if digest.hexdigest() != sha256:
        raise BackupError(f"{member} in {source} is damaged (its checksum does not match)")
