"""Removing a plugin's tables before its package is uninstalled (SQLite and PostgreSQL): refused
while anything needs them, and afterwards the desk upgrades without the package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Column, ForeignKey, Integer, String, Table, insert, inspect, select

from hdcore import HelpDesk, HelpdeskPlugin, migrate
from hdcore import services as svc
from hdcore.models import Base, User
from hdcore.plugin_removal import drop_plugin_tables, plugin_tables
from tests.core.sample_plugin import LoanPlugin
from tests.core.test_migrations import KioskPlugin, add_people, make_desk
from web.cli import main


class KioskLoans(KioskPlugin, LoanPlugin):
    """The loan desk's category and workflow under the kiosk's name, with the kiosk's table."""


class BoardPlugin(HelpdeskPlugin):
    """A plugin with no tables of its own."""

    name = "board"
    title = "Notice board"


@pytest.fixture
def visits() -> Iterator[Table]:
    """The kiosk's table, on the shared metadata for the length of one test."""
    visit = Table("kiosk_visit", Base.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("request_id", ForeignKey("service_request.id", ondelete="CASCADE")),
                  Column("visitor", String(80), nullable=False))
    try:
        yield visit
    finally:
        Base.metadata.remove(visit)


def others(plugins: list[object]) -> list[object]:
    """The installed plugins but the loan desk, whose category the kiosk provides here."""
    return [p for p in plugins if getattr(p, "name", None) != LoanPlugin.name]


@pytest.fixture
def desk(database_url: str, plugins: list[object], tmp_path: Path,
         visits: Table) -> Iterator[HelpDesk]:
    """A desk whose database has the kiosk's branch applied and two visits in its table."""
    folder = tmp_path / "kiosk_migrations"
    folder.mkdir()
    hd = make_desk(database_url, [*others(plugins), KioskLoans(folder), BoardPlugin()], tmp_path)
    migrate.upgrade(hd)
    migrate.revision(hd, "Kiosk visits", plugin="kiosk")
    migrate.upgrade(hd)
    add_people(hd)
    with hd.engine.begin() as conn:
        conn.execute(insert(visits), [{"visitor": "王芳"}, {"visitor": "Li Na"}])
    yield hd
    hd.dispose()


def tables(hd: HelpDesk) -> set[str]:
    with hd.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def switch(hd: HelpDesk, enabled: bool) -> None:
    with hd.session_scope() as s:
        svc.set_plugin_enabled(s, None, "kiosk", enabled)


def test_the_tables_go_and_the_desk_upgrades_without_the_package(desk, database_url, plugins,
                                                                  tmp_path):
    without_kiosk = make_desk(database_url, others(plugins), tmp_path)
    try:
        # uninstalled as it is, the package would leave a revision nobody knows
        with pytest.raises(Exception, match="kiosk_0001"):
            migrate.upgrade(without_kiosk)
        switch(desk, False)

        assert plugin_tables(desk, "kiosk").rows == {"kiosk_visit": 2}
        assert drop_plugin_tables(desk, "kiosk").rows == {"kiosk_visit": 2}

        assert "kiosk_visit" not in tables(desk) and "service_request" in tables(desk)
        assert not any(rev.startswith("kiosk") for rev in migrate.current_heads(desk))
        migrate.upgrade(without_kiosk)  # the package is gone: nothing left to find
        assert migrate.is_up_to_date(without_kiosk)
        with without_kiosk.session_scope() as s:
            # the desk's own data stays
            assert s.scalar(select(User.full_name).where(User.username == "zhang.wei")) == "张伟"
    finally:
        without_kiosk.dispose()


def test_refused_while_the_plugin_is_enabled(desk):
    with pytest.raises(migrate.MigrationError, match="disable it first"):
        drop_plugin_tables(desk, "kiosk")
    assert "kiosk_visit" in tables(desk)


def test_refused_when_requests_were_filed_in_its_categories(desk):
    with desk.session_scope() as s:
        employee = s.scalars(select(User).where(User.username == "zhang.wei")).one()
        svc.submit_request(s, employee, category="loan", title="A projector",
                           details={"item": "projector", "days": 2})
    switch(desk, False)

    with pytest.raises(migrate.MigrationError, match=r"1 request\(s\) were filed .*\(loan\)"):
        drop_plugin_tables(desk, "kiosk")
    assert "kiosk_visit" in tables(desk)


def test_plugins_without_tables_or_not_installed_are_refused(desk):
    with pytest.raises(migrate.MigrationError, match="has no tables of its own"):
        plugin_tables(desk, "board")
    with pytest.raises(migrate.MigrationError, match="the core's own"):
        plugin_tables(desk, "core")
    with pytest.raises(migrate.MigrationError, match="no plugin 'loans' is installed"):
        plugin_tables(desk, "loans")
    switch(desk, False)
    drop_plugin_tables(desk, "kiosk")
    with pytest.raises(migrate.MigrationError, match="not in this database"):
        drop_plugin_tables(desk, "kiosk")


def test_the_operator_command_lists_asks_and_removes(desk, monkeypatch):
    monkeypatch.setattr("web.cli_base.CliState.ready_helpdesk", lambda self: desk)
    monkeypatch.setattr("web.cli_base.CliState.display_url", "the test database")

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, ["plugins", "drop-tables", *args], input=input)

    refused = run("kiosk", "--yes")
    assert refused.exit_code == 1 and "disable it first" in refused.output
    switch(desk, False)

    kept = run("kiosk", input="n\n")
    assert kept.exit_code == 1  # aborted
    assert "kiosk_visit (2 row(s))" in kept.output and "kiosk_visit" in tables(desk)
    unattended = run("kiosk")  # no one to answer: nothing is removed
    assert unattended.exit_code == 1 and "kiosk_visit" in tables(desk)

    done = run("kiosk", input="y\n")
    assert done.exit_code == 0, done.output
    assert "can now be uninstalled" in done.output and "kiosk_visit" not in tables(desk)
