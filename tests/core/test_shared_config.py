"""Settings kept per process (which plugins are off, SLA policies and calendars): another
process's change is seen at the next transaction, a change is seen at once by the transaction
making it and by nobody else before it commits, and a rolled-back change leaves everyone with
the old settings. "Another process" is a second HelpDesk on the same database: its own engine,
sessions and caches, as a second server has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from hdcore import HelpDesk, Settings
from hdcore import services as svc
from hdcore.models import ConfigStamp, SlaCalendar
from hdcore.sla.policy import policy_for
from tests.core.sample_plugin import LoanPlugin


@pytest.fixture
def plugins() -> list[object]:
    return [LoanPlugin()]


@pytest.fixture
def other(helpdesk: HelpDesk, database_url: str, tmp_path: Path) -> Iterator[HelpDesk]:
    """A second process on the same database (already migrated)."""
    hd = HelpDesk(Settings(database_url=database_url, home=tmp_path, discover_plugins=False),
                  plugins=[LoanPlugin()])
    yield hd
    hd.dispose()


def resolution(hd: HelpDesk) -> int | None:
    """The loan category's normal resolution target in minutes, as ``hd`` sees it now."""
    with hd.session_scope() as session:
        policy = policy_for(session, "loan", "normal")
        return None if policy is None else int(policy.resolution.total_seconds() // 60)


def save_loan_policy(session: Session, people: SimpleNamespace, minutes: int) -> None:
    svc.save_policy(session, people.admin, category="loan", priority="normal",
                    response_minutes=30, resolution_minutes=minutes,
                    calendar_id=session.scalar(select(SlaCalendar.id)), vendor_pauses=True,
                    levels=[])


def test_a_plugin_switched_off_elsewhere_is_off_at_the_next_transaction(
        helpdesk: HelpDesk, other: HelpDesk, session: Session, people: SimpleNamespace) -> None:
    with other.session_scope() as s:
        assert other.host.category_enabled(s, "loan")  # read (and kept) before the change
    svc.set_plugin_enabled(session, people.admin, "loans", False)
    with other.session_scope() as s:
        assert not other.host.category_enabled(s, "loan")
    svc.set_plugin_enabled(session, people.admin, "loans", True)
    with other.session_scope() as s:
        assert other.host.category_enabled(s, "loan")


def test_a_policy_changed_elsewhere_is_used_at_the_next_transaction(
        helpdesk: HelpDesk, other: HelpDesk, session: Session, people: SimpleNamespace) -> None:
    before = resolution(other)
    save_loan_policy(session, people, 90)
    assert before != 90 and resolution(other) == 90 and resolution(helpdesk) == 90
    save_loan_policy(session, people, 45)
    assert resolution(other) == 45


def test_a_change_shows_in_its_own_transaction_and_nowhere_else_until_it_commits(
        helpdesk: HelpDesk, other: HelpDesk, session: Session, people: SimpleNamespace) -> None:
    before = resolution(other)
    with helpdesk.session_scope() as changing:
        assert resolution(helpdesk) == before  # this process keeps the settings too
        policy_for(changing, "loan", "normal")  # read before the change, in this transaction
        svc.save_policy.__wrapped__(  # inside the open transaction, not committed yet
            changing, people.admin, category="loan", priority="normal", response_minutes=30,
            resolution_minutes=77, calendar_id=changing.scalar(select(SlaCalendar.id)),
            vendor_pauses=True, levels=[])
        mine = policy_for(changing, "loan", "normal")
        assert mine is not None and mine.resolution.total_seconds() == 77 * 60
        assert resolution(other) == before
        changing.rollback()
    assert resolution(other) == before and resolution(helpdesk) == before


def test_kept_settings_cost_one_small_read_per_transaction(
        helpdesk: HelpDesk, people: SimpleNamespace) -> None:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    resolution(helpdesk)
    with helpdesk.session_scope() as s:
        helpdesk.host.disabled_plugins(s)
    event.listen(helpdesk.engine, "before_cursor_execute", seen)
    try:
        for _ in range(3):
            assert resolution(helpdesk) is not None
            with helpdesk.session_scope() as s:
                helpdesk.host.disabled_plugins(s)
    finally:
        event.remove(helpdesk.engine, "before_cursor_execute", seen)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads and all("config_stamp" in s for s in reads), reads
    assert len(reads) == 6  # one per transaction


def test_without_a_stamp_row_settings_are_read_per_transaction(
        helpdesk: HelpDesk, other: HelpDesk, session: Session, people: SimpleNamespace) -> None:
    """A database whose stamp row is gone (restored by hand, say) still gives the right
    answers: nothing is kept beyond the transaction."""
    session.execute(ConfigStamp.__table__.delete())
    session.commit()
    resolution(other)
    save_loan_policy(session, people, 61)
    assert resolution(other) == 61


def test_any_orm_change_to_a_watched_table_changes_the_stamp(
        helpdesk: HelpDesk, other: HelpDesk, session: Session, people: SimpleNamespace) -> None:
    """Not only the services: a script or plugin changing a policy or a plugin's row through
    the ORM is seen by the other processes too."""
    from hdcore.models import PluginState, SlaPolicy

    save_loan_policy(session, people, 90)
    assert resolution(other) == 90
    row = session.scalar(select(SlaPolicy).where(SlaPolicy.category == "loan",
                                                 SlaPolicy.priority == "normal"))
    assert row is not None
    row.resolution_minutes = 33
    session.commit()
    assert resolution(other) == 33
    with other.session_scope() as s:
        assert other.host.category_enabled(s, "loan")
    session.merge(PluginState(name="loans", enabled=False))
    session.commit()
    with other.session_scope() as s:
        assert not other.host.category_enabled(s, "loan")


def test_routing_switched_on_elsewhere_routes_the_next_request(
        helpdesk: HelpDesk, other: HelpDesk, session: Session, people: SimpleNamespace) -> None:
    from hdcore.routing.engine import switch_of

    with other.session_scope() as s:
        assert switch_of(s, "loan") == (False, False)
    svc.set_routing(session, people.admin, "loan", enabled=True, use_suggestion=False)
    with other.session_scope() as s:
        assert switch_of(s, "loan") == (True, False)
