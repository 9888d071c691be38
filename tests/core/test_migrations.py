"""Migrations: an empty database upgraded (SQLite, PostgreSQL) has exactly the models' schema."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, ForeignKey, Integer, String, Table, event, inspect, select
from sqlalchemy.exc import IntegrityError

from hdcore import HelpDesk, HelpdeskPlugin, Settings, migrate
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.models import Base, Department, JSONType, User, UTCDateTime
from hdcore.models.search import FTS_SHADOW_TABLES


def schema_differences(hd: HelpDesk) -> list[object]:
    """What Alembic finds different between the database and the models (empty: identical)."""
    with hd.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "include_object": migrate.include_object(hd), "compare_type": True,
        })
        return list(compare_metadata(ctx, Base.metadata))


def tables(hd: HelpDesk) -> set[str]:
    """The tables in the database."""
    with hd.engine.connect() as conn:
        return set(inspect(conn).get_table_names()) - FTS_SHADOW_TABLES


def make_desk(database_url: str, plugins: list[object], home: Path) -> HelpDesk:
    """A help desk on ``database_url`` whose schema is left to the migrations."""
    return HelpDesk(Settings(database_url=database_url, home=home, discover_plugins=False),
                    plugins=plugins)


@pytest.fixture
def desk(database_url: str, plugins: list[object], tmp_path: Path) -> Iterator[HelpDesk]:
    """A help desk on an empty database (no tables at all)."""
    hd = make_desk(database_url, plugins, tmp_path)
    yield hd
    hd.dispose()


def add_people(hd: HelpDesk) -> None:
    """Write through the services, as the desk does on its first day."""
    with hd.session_scope() as s:
        svc.create_department(s, None, code="FIN", name="Finance", cost_centre="CC-100")
        user = svc.create_user(s, None, username="zhang.wei", full_name="张伟", role="employee",
                               password="demo", department="FIN", email="zw@example.com")
        s.get(Department, user.department_id).head = user  # the two tables' cycle
        s.commit()


def test_upgrade_of_an_empty_database_creates_the_models_schema(desk):
    assert tables(desk) == set()
    assert migrate.current_heads(desk) == frozenset()
    assert migrate.pending(desk)[0] == migrate.BASE_REVISION

    migrate.upgrade(desk)

    assert tables(desk) == migrate.core_tables() | {"alembic_version"}
    assert schema_differences(desk) == []
    assert migrate.current_heads(desk) == migrate.script_heads(desk)
    assert migrate.is_up_to_date(desk) and migrate.pending(desk) == []
    if desk.engine.dialect.name == "sqlite":  # switched off while migrating, and on again
        with desk.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    add_people(desk)  # the migrated schema takes the services' writes
    with desk.session_scope() as s:
        user = s.scalars(select(User)).one()
        assert user.full_name == "张伟" and user.department.head is user
        assert user.created_at.tzinfo is not None


def test_every_installed_plugin_migrates_to_its_models(database_url, tmp_path):
    installed = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    hd = make_desk(database_url, installed, tmp_path)
    try:
        migrate.upgrade(hd)

        assert schema_differences(hd) == []  # a plugin with tables ships the revisions making them
        assert migrate.is_up_to_date(hd)
    finally:
        hd.dispose()


def test_a_second_upgrade_changes_nothing(desk):
    migrate.upgrade(desk)
    add_people(desk)
    statements: list[str] = []
    event.listen(desk.engine, "before_cursor_execute",
                 lambda conn, cursor, stmt, *args: statements.append(stmt))

    migrate.upgrade(desk)

    ddl = [s for s in statements if s.split()[0].upper() in {"CREATE", "ALTER", "DROP"}]
    assert ddl == []
    assert migrate.current_heads(desk) == migrate.script_heads(desk)
    with desk.session_scope() as s:
        assert s.scalars(select(User.username)).all() == ["zhang.wei"]


def test_downgrade_to_base_then_upgrade_again(desk):
    migrate.upgrade(desk)
    add_people(desk)

    migrate.downgrade(desk, "base")

    assert tables(desk) <= {"alembic_version"}
    assert migrate.current_heads(desk) == frozenset()

    migrate.upgrade(desk)

    assert schema_differences(desk) == []
    with desk.session_scope() as s:
        assert s.scalars(select(User)).all() == []  # a new, empty schema
    add_people(desk)


def test_a_database_made_without_migrations_must_be_stamped_first(desk):
    desk.create_schema()
    add_people(desk)
    before = tables(desk)
    with pytest.raises(migrate.MigrationError, match="no migration history") as exc:
        migrate.upgrade(desk)
    assert "service_request" in str(exc.value)

    migrate.stamp(desk)

    assert migrate.is_up_to_date(desk)
    statements: list[str] = []
    event.listen(desk.engine, "before_cursor_execute",
                 lambda conn, cursor, stmt, *args: statements.append(stmt))
    migrate.upgrade(desk)  # nothing left to do
    assert not [s for s in statements if s.split()[0].upper() in {"CREATE", "ALTER", "DROP"}]
    assert tables(desk) == before | {"alembic_version"}
    with desk.session_scope() as s:
        assert s.scalars(select(User.username)).all() == ["zhang.wei"]


class KioskPlugin(HelpdeskPlugin):
    """A plugin with a table of its own, whose revisions live in a folder the test chooses."""

    name = "kiosk"
    title = "Kiosk"

    def __init__(self, migrations: Path) -> None:
        self._migrations = migrations

    @property
    def migrations_dir(self) -> Path | None:
        """The test's folder."""
        return self._migrations


@pytest.fixture
def kiosk_table() -> Iterator[Table]:
    """The kiosk plugin's model, on the shared metadata for the length of one test."""
    table = Table(
        "kiosk_visit", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("request_id", ForeignKey("service_request.id", ondelete="CASCADE"), index=True),
        Column("visitor", String(80), nullable=False),
        Column("arrived_at", UTCDateTime, nullable=False),
        Column("answers", JSONType, nullable=False),
    )
    try:
        yield table
    finally:
        Base.metadata.remove(table)


def test_a_plugin_with_tables_has_its_own_branch(database_url, plugins, tmp_path, kiosk_table):
    folder = tmp_path / "kiosk_migrations"
    folder.mkdir()
    hd = make_desk(database_url, [*plugins, KioskPlugin(folder)], tmp_path)
    try:
        migrate.upgrade(hd)  # the core only: the kiosk branch has no revision yet
        assert "kiosk_visit" not in tables(hd)

        script = migrate.revision(hd, "Kiosk visits", plugin="kiosk")

        source = Path(script.path).read_text()
        assert script.revision == "kiosk_0001" and Path(script.path).parent == folder
        assert set(script.branch_labels) == {"kiosk"}
        assert script.dependencies == migrate.BASE_REVISION
        assert "kiosk_visit" in source and "service_request'," not in source  # its table only
        assert "hdcore" not in source  # custom types rendered as plain SQLAlchemy
        lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
                               "--line-length", "200", script.path],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert lint.returncode == 0, lint.stdout + lint.stderr

        assert migrate.pending(hd) == ["kiosk_0001"]
        core_heads = migrate.current_heads(hd)
        assert migrate.script_heads(hd) == core_heads | {"kiosk_0001"}

        migrate.upgrade(hd)

        assert "kiosk_0001" in migrate.current_heads(hd)
        assert migrate.is_up_to_date(hd)
        assert schema_differences(hd) == []
        with hd.engine.connect() as conn:
            columns = {c["name"]: c["type"] for c in inspect(conn).get_columns("kiosk_visit")}
        if hd.engine.dialect.name == "postgresql":
            assert type(columns["answers"]).__name__ == "JSONB"
            assert columns["arrived_at"].timezone

        migrate.downgrade(hd, "kiosk@base")  # the plugin's branch alone

        assert "kiosk_visit" not in tables(hd) and "service_request" in tables(hd)
        assert migrate.current_heads(hd) == core_heads

        migrate.upgrade(hd)
        migrate.downgrade(hd, "base")

        assert tables(hd) <= {"alembic_version"}
    finally:
        hd.dispose()


BROKEN_REVISION = '''"""A revision that fails half-way: its row points at no request."""

import sqlalchemy as sa
from alembic import op

revision = "kiosk_0001"
down_revision = None
branch_labels = ("kiosk",)
depends_on = "0001"


def upgrade():
    op.create_table(
        "kiosk_note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("service_request.id"), nullable=False),
    )
    op.execute("INSERT INTO kiosk_note (id, request_id) VALUES (1, 999)")


def downgrade():
    op.drop_table("kiosk_note")
'''


def test_a_failing_upgrade_leaves_the_database_as_it_was(database_url, plugins, tmp_path):
    folder = tmp_path / "kiosk_migrations"
    folder.mkdir()
    (folder / "kiosk_0001_broken.py").write_text(BROKEN_REVISION)
    hd = make_desk(database_url, [*plugins, KioskPlugin(folder)], tmp_path)
    try:
        with pytest.raises((migrate.MigrationError, IntegrityError)):
            migrate.upgrade(hd)

        assert tables(hd) == set()  # the core's tables, made first, were rolled back too
        assert migrate.current_heads(hd) == frozenset()
    finally:
        hd.dispose()


def test_core_revisions_are_found_without_a_plugin_folder(tmp_path):
    hd = make_desk(f"sqlite:///{tmp_path}/x.db", [], tmp_path)
    try:
        assert migrate.branch_folders(hd) == {"core": migrate.CORE_VERSIONS_DIR}
        with pytest.raises(migrate.MigrationError, match="no migrations folder"):
            migrate.revision(hd, "nothing", plugin="loans")
    finally:
        hd.dispose()
