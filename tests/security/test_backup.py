"""``helpdesk backup`` and ``helpdesk restore``: a round trip gives back every row of every table
and every attachment, on SQLite, on PostgreSQL and from one to the other; a damaged archive is
refused with a clear message and the database is left untouched."""

from __future__ import annotations

import importlib.metadata
import io
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from psycopg import sql
from sqlalchemy import MetaData, func, select

from hdcore import HelpDesk, Settings, migrate
from hdcore import services as svc
from hdcore.backup import BackupError, backup, restore
from hdcore.demo import load_demo
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.models import Attachment, ServiceRequest, User
from web.cli import main

IGNORED = {"alembic_version"}


def contents(hd: HelpDesk) -> dict[str, list[dict[str, Any]]]:
    """Every row of every data table, in a form both databases agree on."""
    out: dict[str, list[dict[str, Any]]] = {}
    with hd.engine.connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.tables.values():
            if table.name in IGNORED or table.name.startswith(("search_fts", "sqlite_")):
                continue
            cols = [c for c in table.columns if c.computed is None]
            order = list(table.primary_key.columns) or cols
            out[table.name] = [{k: _same(v) for k, v in row.items()} for row in
                               conn.execute(select(*cols).order_by(*order)).mappings()]
    return out


def _same(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, Decimal):
        return str(value)
    return value


def files(hd: HelpDesk) -> dict[str, bytes]:
    folder = Path(hd.settings.home) / "attachments"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def new_helpdesk(url: str, home: Path, plugins: list[object]) -> HelpDesk:
    home.mkdir(parents=True, exist_ok=True)
    return HelpDesk(Settings(database_url=url, home=home, discover_plugins=False),
                    plugins=plugins)


def installed_plugins() -> list[object]:
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


def build_demo(url: str, home: Path) -> None:
    """The demo organisation and requests, and two attachments (one with a Chinese name)."""
    hd = new_helpdesk(url, home, installed_plugins())
    try:
        migrate.upgrade(hd)
        load_demo(hd)
        with hd.session_scope() as s:
            req = s.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).first()
            assert req is not None
            for name, body in (("网络拓扑图.txt", "交换机 A -> B".encode()),
                               ("screen.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))):
                svc.add_attachment(s, req.requester, req.id, filename=name,
                                   stream=io.BytesIO(body))
    finally:
        hd.dispose()


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder with the demo on SQLite, made once and copied for each test."""
    home = tmp_path_factory.mktemp("demo-sqlite")
    build_demo(f"sqlite:///{home}/helpdesk.db", home)
    return home


@pytest.fixture(scope="session")
def postgres_demo(tmp_path_factory: pytest.TempPathFactory,
                  postgres_server: Any) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL database with the demo (copied as a template for each test), its home."""
    name = postgres_server.create_database()
    home = tmp_path_factory.mktemp("demo-pg")
    build_demo(postgres_server.url(name), home)
    yield name, home
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def demo(request: pytest.FixtureRequest, kind: str, plugins: list[object],
         tmp_path: Path) -> Iterator[HelpDesk]:
    """A help desk on a fresh copy of the demo (with its attachment files)."""
    home = tmp_path / "home"
    if kind == "sqlite":
        shutil.copytree(request.getfixturevalue("sqlite_demo"), home)
        url = f"sqlite:///{home}/helpdesk.db"
    else:
        server = request.getfixturevalue("postgres_server")
        template, template_home = request.getfixturevalue("postgres_demo")
        shutil.copytree(template_home, home)
        name = f"hd_test_copy_{uuid.uuid4().hex[:12]}"
        server.admin().execute(sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(server.user_url.username),
            sql.Identifier(template)))
        request.addfinalizer(lambda: server.drop_database(name))
        url = server.url(name)
    hd = new_helpdesk(url, home, plugins)
    yield hd
    hd.dispose()


def other_database(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> str:
    """A second, empty database of ``kind``."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/restored/helpdesk.db"
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


def test_round_trip_gives_back_every_row_and_file(request, demo, kind, plugins, tmp_path):
    before, attached = contents(demo), files(demo)
    assert len(attached) == 2 and sum(len(rows) for rows in before.values()) > 200
    archive = tmp_path / "backups" / "helpdesk.zip"
    manifest = backup(demo, archive)
    assert manifest.tables["service_request"]["rows"] == len(before["service_request"])
    assert set(manifest.files) == set(attached)

    target = new_helpdesk(other_database(request, kind, tmp_path), tmp_path / "new",
                          plugins)
    try:
        restored = restore(target, archive)
        assert restored.rows == manifest.rows
        assert contents(target) == before
        assert files(target) == attached
        assert migrate.is_up_to_date(target)
        # The restored help desk works: new ids follow the restored ones, files open.
        with target.session_scope() as s:
            someone = s.scalars(select(User).where(User.role == "employee")).first()
            last = s.scalar(select(func.max(ServiceRequest.id)))
            category = next(iter(target.host.categories())).name
            sample = target.host.sample_requests(category)[0]
            new = svc.submit_request(s, someone, category=category, title="After the restore",
                                     details=dict(sample.details))
            assert new.id == last + 1
            chinese = s.scalars(select(Attachment).where(
                Attachment.filename == "网络拓扑图.txt")).one()
            owner = s.get(ServiceRequest, chinese.request_id).requester
            _row, path = svc.open_attachment(s, owner, chinese.id)
            assert path.read_bytes() == "交换机 A -> B".encode()
    finally:
        target.dispose()


def test_forced_restore_replaces_changes_made_since(demo, tmp_path):
    archive = tmp_path / "b.zip"
    backup(demo, archive)
    before = contents(demo)
    with demo.session_scope() as s:
        svc.create_department(s, None, code="LATE", name="Made after the backup",
                              cost_centre="CC-999")
    assert contents(demo) != before
    with pytest.raises(BackupError, match="already holds a help desk"):
        restore(demo, archive)
    restore(demo, archive, force=True)
    assert contents(demo) == before


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgresql(request, sqlite_demo, plugins, tmp_path):
    shutil.copytree(sqlite_demo, tmp_path / "src")
    source = new_helpdesk(f"sqlite:///{tmp_path}/src/helpdesk.db", tmp_path / "src", plugins)
    target = new_helpdesk(other_database(request, "postgres", tmp_path), tmp_path / "pg",
                          plugins)
    try:
        backup(source, tmp_path / "b.zip")
        restore(target, tmp_path / "b.zip")
        assert contents(target) == contents(source)
        assert files(target) == files(source)
    finally:
        source.dispose()
        target.dispose()


def damage(archive: Path, member: str, out: Path) -> Path:
    """A copy of ``archive`` with one byte of ``member`` changed (checksums kept)."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == member:
                data = data.replace(b"demo", b"dEmo", 1) if b"demo" in data else data[:-2]
            dst.writestr(item, data)
    return out


def test_a_damaged_archive_is_refused_and_nothing_changes(request, demo, kind, plugins,
                                                          tmp_path):
    archive = tmp_path / "b.zip"
    backup(demo, archive)
    target = new_helpdesk(other_database(request, kind, tmp_path), tmp_path / "new",
                          plugins)
    try:
        for bad, message in (
            (damage(archive, "tables/user_account.jsonl", tmp_path / "d1.zip"),
             "user_account.jsonl .* is damaged"),
            (damage(archive, "manifest.json", tmp_path / "d2.zip"), "manifest"),
        ):
            with pytest.raises(BackupError, match=message):
                restore(target, bad)
            assert not migrate.current_heads(target)  # not even a table was made
        cut = tmp_path / "cut.zip"
        cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        with pytest.raises(BackupError, match="not a readable backup"):
            restore(target, cut)
        # A forced restore of a damaged archive over live data leaves the data as it was.
        before = contents(demo)
        with pytest.raises(BackupError):
            restore(demo, damage(archive, "tables/service_request.jsonl", tmp_path / "d3.zip"),
                    force=True)
        assert contents(demo) == before
    finally:
        target.dispose()


@pytest.mark.parametrize("kind", ["sqlite"])
def test_the_commands(demo, tmp_path, monkeypatch):
    database_url = demo.settings.database_url
    monkeypatch.setenv("HELPDESK_HOME", str(demo.settings.home))
    runner = CliRunner()
    archive = tmp_path / "cli.zip"
    done = runner.invoke(main, ["--database-url", database_url, "backup", str(archive)])
    assert done.exit_code == 0, done.output
    assert "attachment files" in done.output and archive.is_file()
    done = runner.invoke(main, ["--database-url", database_url, "restore", str(archive)])
    assert done.exit_code == 1 and "already holds a help desk" in done.output
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "fresh"))
    url = f"sqlite:///{tmp_path}/fresh/helpdesk.db"
    done = runner.invoke(main, ["--database-url", url, "restore", str(archive)])
    assert done.exit_code == 0, done.output
    assert "every count and checksum verified" in done.output
    assert len(list((tmp_path / "fresh" / "attachments").iterdir())) == 2


def test_the_archive_is_one_snapshot_while_people_keep_working(request, demo, kind, plugins,
                                                               tmp_path, monkeypatch):
    """Requests filed while the backup is being read are wholly outside it (no event, comment
    or number of theirs without the request), and the archive restores."""
    from hdcore import backup as module

    with demo.session_scope() as s:
        before = s.scalar(select(func.count()).select_from(ServiceRequest))
        someone = s.scalars(select(User).where(User.role == "employee")).first()
        category = next(iter(demo.host.categories())).name
        details = dict(demo.host.sample_requests(category)[0].details)
    read = module.table_rows
    filed: list[int] = []

    def rows_then_someone_files(conn, table):
        yield from read(conn, table)
        if table.name in ("service_request", "event"):  # between the tables being read
            with demo.session_scope() as s:
                filed.append(svc.submit_request(s, s.get(User, someone.id), category=category,
                                                title="Filed during the backup",
                                                details=details).id)

    monkeypatch.setattr(module, "table_rows", rows_then_someone_files)
    manifest = backup(demo, tmp_path / "b.zip")
    monkeypatch.setattr(module, "table_rows", read)
    assert len(filed) == 2
    assert manifest.tables["service_request"]["rows"] == before
    target = new_helpdesk(other_database(request, kind, tmp_path), tmp_path / "new",
                          plugins)
    try:
        restore(target, tmp_path / "b.zip")
        with target.session_scope() as s:
            assert s.scalar(select(func.count()).select_from(ServiceRequest)) == before
            assert not s.scalars(select(ServiceRequest).where(
                ServiceRequest.id.in_(filed))).all()
    finally:
        target.dispose()
