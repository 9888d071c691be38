"""Plugin versions: a new version's workflow drops a state, and the upgrade moves the requests.

The same database is opened first with version 1 of a plugin, then with version 2 (as after
``pip install --upgrade``), the way ``helpdesk db upgrade`` runs after an upgrade.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from hdcore import (
    CategorySpec,
    HelpDesk,
    HelpdeskPlugin,
    PluginError,
    Settings,
    State,
    StateKind,
    StateMove,
    Transition,
    WorkflowContribution,
    hookimpl,
    migrate,
)
from hdcore import services as svc
from hdcore.models import Event, PluginVersion, ServiceRequest, User
from hdcore.plugin_versions import apply_plugin_versions, version_key
from hdcore.testing.pytest_plugin import make_people


class KioskV1(HelpdeskPlugin):
    """Version 1: repairs may wait for parts."""

    name = "kiosk"
    version = "1.0.0"

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        return [CategorySpec("kiosk", "Kiosk repair")]

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        if category != "kiosk":
            return None
        return WorkflowContribution(
            states=(State("awaiting_parts", "Awaiting parts", StateKind.WAITING),),
            transitions=(Transition("order_parts", "Order parts", ("in_progress",),
                                    "awaiting_parts"),
                         Transition("parts_in", "Parts arrived", ("awaiting_parts",),
                                    "in_progress")),
        )


class KioskV2(KioskV1):
    """Version 2: "awaiting parts" became the more general "on hold"."""

    version = "2.0.0"

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        if category != "kiosk":
            return None
        return WorkflowContribution(
            states=(State("on_hold", "On hold", StateKind.WAITING),),
            transitions=(Transition("hold", "Put on hold", ("in_progress",), "on_hold"),
                         Transition("unhold", "Continue", ("on_hold",), "in_progress")),
        )

    @hookimpl
    def hd_state_moves(self) -> list[StateMove]:
        return [StateMove("kiosk", "awaiting_parts", "on_hold", since="2.0.0",
                          reason="Waiting for parts is now one reason to be on hold.")]


class KioskBroken(KioskV2):
    """Declares a move out of a state its workflow still has."""

    version = "2.1.0"

    @hookimpl
    def hd_state_moves(self) -> list[StateMove]:
        return [StateMove("kiosk", "on_hold", "in_progress", since="2.1.0")]


def desk(url: str, plugin: HelpdeskPlugin, home: Path) -> HelpDesk:
    hd = HelpDesk(Settings(database_url=url, home=home, discover_plugins=False),
                  plugins=[plugin])
    migrate.upgrade(hd)
    return hd


@pytest.fixture
def v1_database(database_url: str, tmp_path: Path) -> tuple[str, list[int]]:
    """A database used with version 1: two requests waiting for parts, one in progress."""
    hd = desk(database_url, KioskV1(), tmp_path)
    with hd.session_scope() as s:
        p = make_people(s)
        ids = []
        for n in range(3):
            req = svc.submit_request(s, p.employee, category="kiosk", title=f"Kiosk {n}")
            svc.assign(s, p.lead, req.id, assignee=p.tech.username)
            svc.transition(s, p.tech, req.id, "start", {})
            if n < 2:
                svc.transition(s, p.tech, req.id, "order_parts", {})
            ids.append(req.id)
    assert [str(r) for r in apply_plugin_versions(hd)] == [
        "plugin kiosk - -> 1.0.0 (0 request(s) moved)"]
    hd.dispose()
    return database_url, ids


def test_upgrading_moves_requests_out_of_removed_states_with_history(v1_database, tmp_path):
    url, ids = v1_database
    hd = desk(url, KioskV2(), tmp_path)
    reports = apply_plugin_versions(hd)
    assert [(r.plugin, r.old_version, r.new_version, r.moved) for r in reports] == [
        ("kiosk", "1.0.0", "2.0.0", {"kiosk:awaiting_parts": 2})]
    with hd.session_scope() as s:
        statuses = [s.get(ServiceRequest, i).status for i in ids]
        assert statuses == ["on_hold", "on_hold", "in_progress"]
        events = s.scalars(select(Event).where(Event.kind == "state_moved")
                           .order_by(Event.request_id)).all()
        assert [e.request_id for e in events] == ids[:2]
        assert events[0].changes == {"status": ["awaiting_parts", "on_hold"]}
        assert events[0].data == {"plugin": "kiosk", "version": "2.0.0",
                                  "reason": "Waiting for parts is now one reason to be on hold."}
        assert events[0].actor_id is None
        assert s.get(PluginVersion, "kiosk").version == "2.0.0"
        # the moved request goes on in the new workflow
        tech = s.scalar(select(User).where(User.username == "li.na"))
        svc.transition(s, tech, ids[0], "unhold", {})
        assert s.get(ServiceRequest, ids[0]).status == "in_progress"
    hd.dispose()


def test_upgrading_twice_changes_nothing_the_second_time(v1_database, tmp_path):
    url, _ids = v1_database
    hd = desk(url, KioskV2(), tmp_path)
    assert apply_plugin_versions(hd)
    assert apply_plugin_versions(hd) == []
    with hd.session_scope() as s:
        assert len(s.scalars(select(Event).where(Event.kind == "state_moved")).all()) == 2
    hd.dispose()


def test_a_move_that_does_not_fit_the_workflow_stops_the_upgrade_with_nothing_moved(
        v1_database, tmp_path):
    url, _ids = v1_database
    hd = desk(url, KioskBroken(), tmp_path)
    with pytest.raises(PluginError, match=r"kiosk.*still has"):
        apply_plugin_versions(hd)
    with hd.session_scope() as s:
        assert s.get(PluginVersion, "kiosk").version == "1.0.0"
        assert not s.scalars(select(Event).where(Event.kind == "state_moved")).all()
    hd.dispose()


def test_moves_older_than_the_recorded_version_are_not_applied_again(database_url, tmp_path):
    hd = desk(database_url, KioskV2(), tmp_path)
    with hd.session_scope() as s:
        s.add(PluginVersion(name="kiosk", version="2.0.0"))
        s.commit()
    assert apply_plugin_versions(hd) == []
    hd.dispose()


def test_versions_compare_by_their_numbers():
    assert version_key("1.10.0") > version_key("1.9.3")
    assert version_key("2.0") > version_key("1.99.99")
    assert version_key("1.0.0") == (1, 0, 0)
