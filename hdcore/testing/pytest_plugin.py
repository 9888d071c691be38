"""Core fixtures of the plugin test kit: a help desk with chosen plugins on a migrated database.

Loaded by pytest through the ``pytest11`` entry point of the help desk's distribution, so a
plugin's own test suite needs no conftest to get:

``database_url``
    a fresh, empty database: SQLite in the test's folder, and again on PostgreSQL (a server
    the session starts, or the one ``HELPDESK_TEST_POSTGRES_URL`` names; skipped when neither
    exists). Override it to run on one back end only.
``plugins``
    the plugins the help desk is built with: by default every installed one (entry points of
    the ``hdcore.plugins`` group). Override it to choose, e.g. ``return [plugin]``.
``helpdesk``
    a :class:`~hdcore.HelpDesk` with those plugins, its database built by the migrations (the
    core's and every plugin branch), as in production.
``session``
    a session on it.
``people``
    an organisation: departments Finance and Sales, IT groups Applications and Infrastructure,
    and one account per role (``employee``, ``other``, ``head``, ``tech``, ``tech2``, ``lead``,
    ``manager``, ``admin``; password ``demo``).
"""

from __future__ import annotations

import importlib.metadata
import os

# Accounts are made by the dozen in tests; argon2's cheapest profile keeps that fast. Set before
# the core is imported, since the hasher is built at import.
os.environ.setdefault("HELPDESK_FAST_HASHING", "1")

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hdcore import HelpDesk, Settings, clock, migrate
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.testing.postgres import NOT_INSTALLED, PostgresServer, session_server


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker of the PostgreSQL cases (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server the tests start")


def installed_plugins() -> list[object]:
    """Every plugin installed in this environment (the ``hdcore.plugins`` entry points)."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


def build_helpdesk(database_url: str, plugins: list[object], home: Path) -> HelpDesk:
    """A help desk with exactly ``plugins`` on ``database_url``, migrated to every head."""
    hd = HelpDesk(Settings(database_url=database_url, home=home, discover_plugins=False),
                  plugins=plugins)
    migrate.upgrade(hd)
    return hd


def make_people(session: Session) -> SimpleNamespace:
    """Create the test organisation (see the module docstring) and return its accounts."""
    fin = svc.create_department(session, None, code="FIN", name="Finance", cost_centre="CC-100")
    svc.create_department(session, None, code="SALES", name="Sales", cost_centre="CC-200")

    def user(username: str, name: str, role: str = "employee", dept: str | None = None) -> object:
        return svc.create_user(session, None, username=username, full_name=name, role=role,
                               password="demo", department=dept,
                               email=f"{username}@example.com")

    p = SimpleNamespace(
        employee=user("zhang.wei", "Zhang Wei", dept="FIN"),
        other=user("liu.yang", "Liu Yang", dept="SALES"),
        head=user("zhou.min", "Zhou Min", dept="FIN"),
        tech=user("li.na", "Li Na", "technician"),
        tech2=user("zhao.lei", "Zhao Lei", "technician"),
        lead=user("wang.fang", "Wang Fang", "lead"),
        manager=user("chen.jie", "Chen Jie", "manager"),
        admin=user("admin", "Administrator", "admin"),
    )
    fin.head = p.head
    p.apps = svc.create_group(session, None, name="Applications", members=[p.tech])
    p.infra = svc.create_group(session, None, name="Infrastructure", members=[p.tech2])
    session.commit()
    return p


#: The databases ``postgres_url`` made and nobody has used yet, with their server.
_EMPTY_POSTGRES: dict[str, PostgresServer] = {}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (skips the test when none can exist here)."""
    server = session_server()
    if server is None:
        pytest.skip(NOT_INSTALLED)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards); its URL."""
    name = postgres_server.create_database()
    _EMPTY_POSTGRES[name] = postgres_server
    try:
        yield postgres_server.url(name)
    finally:
        _EMPTY_POSTGRES.pop(name, None)
        postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite, and again on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/helpdesk.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def plugins() -> list[object]:
    """The plugins the help desk is built with: by default every installed one."""
    return installed_plugins()


class DatabaseTemplates:
    """Databases migrated once per plugin set in this test process, copied for each test.

    Running every migration of every branch costs a test about 0.2 s on SQLite and 0.6 s on
    PostgreSQL, most of the suite's set-up time; copying a migrated database (the SQLite file,
    ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL) gives the same database for a fraction.
    A template is keyed by the plugins (their classes, names and versions) and by the time
    the migrations stamp their seed rows with: the real day, or the instant of a frozen clock.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[tuple[object, ...], Path] = {}
        self._postgres: dict[tuple[object, ...], str] = {}

    @staticmethod
    def key(plugins: list[object]) -> tuple[object, ...]:
        """What a migrated database depends on besides the code: plugins and the clock."""
        def ident(p: object) -> tuple[object, ...]:
            kind = getattr(p, "__name__", None) if isinstance(p, type | ModuleType) else None
            return (kind or f"{type(p).__module__}.{type(p).__qualname__}",
                    getattr(p, "name", None), str(getattr(p, "version", None)))

        moment = clock.now()
        real = abs((datetime.now(UTC) - moment).total_seconds()) < 5
        return (tuple(ident(p) for p in plugins),
                moment.date().isoformat() if real else moment.isoformat())

    def sqlite(self, plugins: list[object], target: Path, home: Path) -> None:
        """Put a migrated database with ``plugins`` at ``target`` (a file that is not there)."""
        key = self.key(plugins)
        template = self._sqlite.get(key)
        if template is None:
            template = self.folder / f"template-{len(self._sqlite)}.db"
            hd = build_helpdesk(f"sqlite:///{template}", plugins, home)
            with hd.engine.connect() as conn:  # everything in the main file, nothing in the WAL
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            hd.dispose()
            self._sqlite[key] = template
        shutil.copyfile(template, target)

    def postgres(self, server: PostgresServer, plugins: list[object], name: str,
                 home: Path) -> None:
        """Make the (empty) database ``name`` a migrated one with ``plugins``."""
        key = self.key(plugins)
        template = self._postgres.get(key)
        if template is None:
            template = server.create_database()
            server.keep_until_stop(template)
            build_helpdesk(server.url(template), plugins, home).dispose()
            self._postgres[key] = template
        server.drop_database(name)
        server.create_database(template=template, name=name)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> DatabaseTemplates:
    """This process's migrated template databases (see :class:`DatabaseTemplates`)."""
    return DatabaseTemplates(tmp_path_factory.mktemp("database-templates"))


@pytest.fixture
def helpdesk(database_url: str, plugins: list[object], tmp_path: Path,
             database_templates: DatabaseTemplates) -> Iterator[HelpDesk]:
    """A help desk with the ``plugins`` on a database built by the migrations (a copy of one
    migrated earlier in the session with the same plugins, which is the same database)."""
    url = make_url(database_url)
    file = url.database or ""
    if (url.get_backend_name() == "sqlite" and file and file != ":memory:"
            and not file.startswith("file:") and not Path(file).exists()):
        database_templates.sqlite(plugins, Path(file), tmp_path)
    elif url.get_backend_name() == "postgresql" and file in _EMPTY_POSTGRES:
        database_templates.postgres(_EMPTY_POSTGRES.pop(file), plugins, file, tmp_path)
    hd = build_helpdesk(database_url, plugins, tmp_path)
    yield hd
    hd.dispose()


@pytest.fixture
def session(helpdesk: HelpDesk) -> Iterator[Session]:
    """A session on the test's help desk."""
    with helpdesk.session_scope() as s:
        yield s


@pytest.fixture
def people(session: Session) -> SimpleNamespace:
    """One account per role in a small organisation (see the module docstring)."""
    return make_people(session)
