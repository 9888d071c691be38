"""Who may see and do what: requesters, other employees, technicians, supervisors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import NotFound, PermissionDenied
from hdcore import services as svc


@pytest.fixture
def req(session, people):
    return svc.submit_request(session, people.employee, category="loan", title="Laptop",
                              details={"item": "laptop", "days": 2})


def test_other_employees_cannot_see_or_touch_it(session, people, req):
    for action in (
        lambda: svc.add_comment(session, people.other, req.id, "mine now"),
        lambda: svc.escalate(session, people.other, req.id, "why not"),
        lambda: svc.close(session, people.other, req.id),
        lambda: svc.cancel(session, people.other, req.id),
        lambda: svc.update_request(session, people.other, req.id, expected_version=None,
                                   title="x"),
    ):
        with pytest.raises(NotFound):  # its existence is not even disclosed
            action()
    visible = session.scalars(svc.visible_requests(people.other)).all()
    assert visible == []


def test_department_head_sees_their_department(session, people, req):
    assert session.scalars(svc.visible_requests(people.head)).all() == [req]
    svc.add_comment(session, people.head, req.id, "Approved from my side")


def test_employee_cannot_take_technician_steps(session, people, req):
    svc.assign(session, people.lead, req.id, assignee="li.na")
    with pytest.raises(PermissionDenied):
        svc.transition(session, people.employee, req.id, "start")
    with pytest.raises(PermissionDenied):
        svc.add_comment(session, people.employee, req.id, "psst", internal=True)
    with pytest.raises(PermissionDenied):
        svc.assign(session, people.employee, req.id, assignee="li.na")
    with pytest.raises(PermissionDenied):
        svc.add_task(session, people.employee, req.id, title="Do it")


def test_technician_acts_on_own_and_group_requests_only(session, people, req):
    svc.assign(session, people.lead, req.id, group="Applications")
    with pytest.raises(PermissionDenied):  # zhao.lei is not in Applications
        svc.transition(session, people.tech2, req.id, "resolve", {"resolution": "x"})
    svc.assign(session, people.tech, req.id, assignee="li.na")  # takes it from the group queue
    with pytest.raises(PermissionDenied):
        svc.assign(session, people.tech2, req.id, assignee="zhao.lei")
    svc.assign(session, people.tech, req.id, assignee="zhao.lei", group="Infrastructure")
    assert req.assignee_id == people.tech2.id


def test_internal_notes_are_hidden_from_the_requester_history(session, people, req):
    from hdcore.models import Event

    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.add_comment(session, people.tech, req.id, "Requester is a VIP", internal=True)
    svc.add_comment(session, people.tech, req.id, "On its way")
    events = session.scalars(select(Event).where(Event.request_id == req.id,
                                                 Event.kind == "comment")).all()
    assert [e.public for e in events] == [False, True]


def test_only_staff_files_on_behalf(session, people):
    with pytest.raises(PermissionDenied):
        svc.submit_request(session, people.employee, category="loan", title="For Liu",
                           details={"item": "laptop", "days": 1}, requester="liu.yang")
    phoned = svc.submit_request(session, people.lead, category="loan", title="For Liu",
                                details={"item": "laptop", "days": 1}, requester="liu.yang",
                                channel="phone")
    assert (phoned.requester_id, phoned.entered_by_id, phoned.channel) == (
        people.other.id, people.lead.id, "phone")
    assert session.scalars(svc.visible_requests(people.other)).all() == [phoned]


def test_assignee_must_be_staff(session, people, req):
    from hdcore import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        svc.assign(session, people.lead, req.id, assignee="liu.yang")
    assert set(exc.value.errors) == {"assignee"}


def test_only_admin_switches_plugins(session, people):
    with pytest.raises(PermissionDenied):
        svc.set_plugin_enabled(session, people.lead, "loans", False)
