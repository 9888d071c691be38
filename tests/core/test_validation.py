"""Bad input is refused whole: every bad field named, nothing written; stale writes refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hdcore import CategoryDisabled, Conflict, ServiceRequest, ValidationFailed
from hdcore import services as svc
from hdcore.models import Event, Sequence


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_every_bad_field_is_reported_and_nothing_written(session, people):
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request(session, people.employee, category="loan", title=" ",
                           description="x" * 20_001, priority="whenever", channel="pigeon",
                           details={"item": "car", "days": 99})
    assert set(exc.value.errors) == {
        "title", "description", "priority", "channel", "details.item", "details.days",
    }
    assert "Must be one of" in exc.value.errors["details.item"][0]
    assert count(session, ServiceRequest) == 0
    assert count(session, Event) == 0
    assert count(session, Sequence) == 0  # the number was not used up


def test_missing_details_are_named(session, people):
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request(session, people.employee, category="loan", title="Laptop")
    assert set(exc.value.errors) == {"details.item", "details.days"}


def test_unknown_category(session, people):
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request(session, people.employee, category="catering", title="Lunch")
    assert set(exc.value.errors) == {"category"}


def test_unknown_requester_on_behalf(session, people):
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request(session, people.lead, category="loan", title="x",
                           details={"item": "laptop", "days": 1}, requester="nobody")
    assert set(exc.value.errors) == {"requester"}


def test_transition_fields_are_validated(session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    events_before = count(session, Event)
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, people.tech, req.id, "hand_over", {"asset_tag": "x"})
    assert set(exc.value.errors) == {"asset_tag"}
    session.refresh(req)
    assert req.status == "in_progress" and req.tasks == []
    assert count(session, Event) == events_before


def test_failure_inside_a_plugin_hook_rolls_back_the_whole_step(session, people, monkeypatch):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    plugin = session.info["host"].plugin("loans")

    def boom(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plugin, "hd_on_transition", boom)
    # pluggy keeps a reference to the bound method; patch the registered implementation too
    for impl in session.info["host"].pm.hook.hd_on_transition.get_hookimpls():
        if impl.plugin_name == "loans":
            monkeypatch.setattr(impl, "function", boom)
    with pytest.raises(RuntimeError):
        svc.transition(session, people.tech, req.id, "hand_over", {"asset_tag": "NB-9"})
    session.expire_all()
    assert req.status == "in_progress"
    assert req.tasks == []  # the templates' tasks were rolled back with the step


def test_stale_version_is_a_conflict(session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    seen = req.version
    svc.update_request(session, people.employee, req.id, expected_version=seen,
                       title="Laptop with docking station")
    with pytest.raises(Conflict):
        svc.update_request(session, people.employee, req.id, expected_version=seen,
                           title="Something else")
    with pytest.raises(Conflict):
        svc.assign(session, people.lead, req.id, assignee="li.na", expected_version=seen)
    assert req.title == "Laptop with docking station"
    svc.assign(session, people.lead, req.id, assignee="li.na", expected_version=req.version)


def test_concurrent_writes_from_two_sessions_conflict(helpdesk, session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    with helpdesk.session_scope() as other:
        mine = svc.get_request(other, req.id)
        lead = other.get(type(people.lead), people.lead.id)
        svc.assign(session, people.lead, req.id, assignee="li.na")
        with pytest.raises(Conflict):
            svc.assign(other, lead, mine.id, assignee="zhao.lei")
    session.refresh(req)
    assert req.assignee_id == people.tech.id


def test_update_validates_details_with_the_category_schema(session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    with pytest.raises(ValidationFailed) as exc:
        svc.update_request(session, people.employee, req.id, expected_version=req.version,
                           details={"item": "laptop", "days": 0}, priority="yesterday")
    assert set(exc.value.errors) == {"details.days", "priority"}
    svc.update_request(session, people.employee, req.id, expected_version=req.version,
                       details={"item": "projector", "days": 3})
    last = session.scalars(select(Event).where(Event.kind == "updated")).one()
    assert last.changes["details"] == [{"item": "laptop", "days": 2},
                                       {"item": "projector", "days": 3}]


def test_disabled_category_refuses_new_requests_but_old_ones_close(session, people):
    old = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 2})
    svc.assign(session, people.lead, old.id, assignee="li.na")
    svc.transition(session, people.tech, old.id, "start")
    svc.set_plugin_enabled(session, people.admin, "loans", False)
    with pytest.raises(CategoryDisabled, match="switched off"):
        svc.submit_request(session, people.employee, category="loan", title="Another",
                           details={"item": "laptop", "days": 2})
    with pytest.raises(CategoryDisabled):  # the plugin's own steps are off
        svc.transition(session, people.tech, old.id, "hand_over", {"asset_tag": "NB-1"})
    assert [t.name for t in svc.available_transitions(session, people.tech, old)] == [
        "wait_requester", "resolve"]
    svc.resolve(session, people.tech, old.id, "Lent from the spare pool instead")
    svc.close(session, people.employee, old.id)
    assert old.status == "closed"
