"""Fixtures shared by every test level: a help desk on a real database, and people per role.

Each test gets a fresh database: SQLite in a temporary folder, and, for tests marked to run on
both back ends (the ``database_url`` fixture is parametrised), a new PostgreSQL database on the
server the test set-up starts (see ``tests/pg.py``).
"""

from __future__ import annotations

import importlib.metadata
import os

# Accounts are made by the hundred in tests; argon2's cheapest profile keeps that fast.
# Set before hdcore is imported, since the hasher is built at import.
os.environ.setdefault("HELPDESK_FAST_HASHING", "1")

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from hdcore import HelpDesk, Settings, migrate
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP

pytest_plugins = ["tests.pg", "tests.smtp"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A fresh, empty database: SQLite, and again on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/helpdesk.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def plugins() -> list[object]:
    """The plugins the help desk is built with: by default every installed category plugin."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


@pytest.fixture
def helpdesk(database_url: str, plugins: list[object], tmp_path: object) -> Iterator[HelpDesk]:
    """A help desk with the ``plugins`` on an empty database with every table created."""
    hd = HelpDesk(
        Settings(database_url=database_url, home=tmp_path, discover_plugins=False),  # type: ignore[arg-type]
        plugins=plugins,
    )
    # The production schema, built by the migrations (create_all would hide a migration that
    # drifts from the models, and on SQLAlchemy 2.1 drops a use_alter foreign key on SQLite
    # once it has run on PostgreSQL in the same process).
    migrate.upgrade(hd)
    yield hd
    hd.dispose()


@pytest.fixture
def session(helpdesk: HelpDesk) -> Iterator[Session]:
    """A session on the test's help desk."""
    with helpdesk.session_scope() as s:
        yield s


@pytest.fixture
def people(session: Session) -> SimpleNamespace:
    """An organisation: two departments, two IT groups, and one account per role.

    ``employee`` (Zhang Wei, Finance), ``other`` (an employee in Sales), ``head`` (head of
    Finance), ``tech`` (Li Na, group *Applications*), ``tech2`` (Zhao Lei, group
    *Infrastructure*), ``lead``, ``manager``, ``admin``.
    """
    fin = svc.create_department(session, None, code="FIN", name="Finance", cost_centre="CC-100")
    svc.create_department(session, None, code="SALES", name="Sales", cost_centre="CC-200")

    def user(username: str, name: str, role: str = "employee", dept: str | None = None,
             email: str | None = None) -> object:
        return svc.create_user(session, None, username=username, full_name=name, role=role,
                               password="demo", department=dept,
                               email=email or f"{username}@example.com")

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
