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

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from hdcore import HelpDesk, Settings, migrate
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
    try:
        yield postgres_server.url(name)
    finally:
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


@pytest.fixture
def helpdesk(database_url: str, plugins: list[object], tmp_path: Path) -> Iterator[HelpDesk]:
    """A help desk with the ``plugins`` on a database built by the migrations."""
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
