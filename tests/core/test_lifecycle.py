"""The life of a request on the core: submit, assign, steps, tasks, resolve, close, rate."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hdcore import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceRequest,
    TransitionRefused,
    ValidationFailed,
)
from hdcore import services as svc
from hdcore.models import Comment, Event


def file_loan(session, people, **kw):
    args = {"category": "loan", "title": "Laptop for a trip", "description": "One week",
            "details": {"item": "laptop", "days": 5}}
    args.update(kw)
    return svc.submit_request(session, people.employee, **args)


def test_numbers_are_per_year_and_increase(session, people):
    first, second = file_loan(session, people), file_loan(session, people)
    year = first.created_at.year
    assert first.number == f"SR-{year}-000001"
    assert second.number == f"SR-{year}-000002"


def test_whole_life_records_every_change(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na", group="Applications")
    assert (req.status, req.assignee_id, req.group_id) == ("assigned", people.tech.id,
                                                           people.apps.id)
    svc.transition(session, people.tech, req.id, "start")
    assert req.first_response_at is not None
    svc.add_comment(session, people.tech, req.id, "Which model do you prefer?")
    svc.transition(session, people.tech, req.id, "hand_over", {"asset_tag": "NB-0042"})
    assert req.status == "lent"
    prepare, wipe = req.tasks
    assert wipe.depends_on == [prepare]
    svc.start_task(session, people.tech, prepare.id)
    svc.complete_task(session, people.tech, prepare.id)
    svc.complete_task(session, people.tech, wipe.id)
    svc.transition(session, people.tech, req.id, "returned")
    svc.resolve(session, people.tech, req.id, "Laptop returned and wiped.")
    assert req.status == "resolved" and req.resolution == "Laptop returned and wiped."
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 4, "Quick, thanks")
    assert (req.status, req.rating, req.closed_at is not None) == ("closed", 4, True)

    kinds = session.scalars(select(Event.kind).where(Event.request_id == req.id)
                            .order_by(Event.id)).all()
    assert kinds == [
        "created", "assigned", "transition", "comment", "task_created", "task_created",
        "transition", "task_start", "task_complete", "task_complete", "transition",
        "transition", "transition", "rated",
    ]
    status_changes = [e.changes["status"] for e in session.scalars(
        select(Event).where(Event.request_id == req.id, Event.kind == "transition"))]
    assert status_changes == [["assigned", "in_progress"], ["in_progress", "lent"],
                              ["lent", "in_progress"], ["in_progress", "resolved"],
                              ["resolved", "closed"]]
    assert all(e.actor_id for e in session.scalars(select(Event)))


def test_request_cannot_resolve_with_open_tasks(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    task = svc.add_task(session, people.tech, req.id, title="Order a charger")
    with pytest.raises(TransitionRefused, match="tasks must be completed"):
        svc.resolve(session, people.tech, req.id, "done")
    svc.cancel_task(session, people.tech, task.id)
    svc.resolve(session, people.tech, req.id, "done")
    assert req.status == "resolved"


def test_dependent_task_cannot_start_or_complete_first(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    first = svc.add_task(session, people.tech, req.id, title="Back up data")
    second = svc.add_task(session, people.tech, req.id, title="Reinstall",
                          depends_on=[first.id], assignee="zhao.lei")
    with pytest.raises(TransitionRefused, match="waits for other tasks"):
        svc.start_task(session, people.tech2, second.id)
    with pytest.raises(TransitionRefused):
        svc.complete_task(session, people.tech2, second.id)
    svc.complete_task(session, people.tech, first.id)
    svc.start_task(session, people.tech2, second.id)
    svc.complete_task(session, people.tech2, second.id)
    assert second.status == "done" and second.completed_at is not None


def test_task_may_only_depend_on_tasks_of_its_request(session, people):
    a, b = file_loan(session, people), file_loan(session, people)
    for r in (a, b):
        svc.assign(session, people.lead, r.id, assignee="li.na")
    other = svc.add_task(session, people.tech, b.id, title="Elsewhere")
    with pytest.raises(ValidationFailed) as exc:
        svc.add_task(session, people.tech, a.id, title="Here", depends_on=[other.id])
    assert "depends_on" in exc.value.errors


def test_waiting_for_requester_resumes_on_reply(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "wait_requester",
                   {"message": "Which day do you leave?"})
    assert req.status == "waiting_requester"
    public = session.scalars(select(Comment.body).where(Comment.request_id == req.id)).all()
    assert public == ["Which day do you leave?"]
    svc.add_comment(session, people.employee, req.id, "Monday")
    assert req.status == "assigned"  # back where it was waiting from


def test_reopen_by_requester_and_closed_only_by_supervisor(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.resolve(session, people.tech, req.id, "Done")
    svc.reopen(session, people.employee, req.id, "Still no laptop")
    assert req.status == "in_progress" and req.resolved_at is None
    svc.resolve(session, people.tech, req.id, "Now really done")
    svc.close(session, people.employee, req.id)
    with pytest.raises(TransitionRefused, match="Only the help desk lead"):
        svc.reopen(session, people.employee, req.id, "again")
    svc.reopen(session, people.lead, req.id, "Requester called: broken")
    assert req.status == "in_progress" and req.closed_at is None


def test_force_close_by_lead_cancels_open_tasks(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    task = svc.add_task(session, people.tech, req.id, title="Call back")
    with pytest.raises(PermissionDenied):
        svc.force_close(session, people.tech, req.id, "no answer")
    with pytest.raises(ValidationFailed) as exc:
        svc.force_close(session, people.lead, req.id, "")
    assert "reason" in exc.value.errors
    svc.force_close(session, people.lead, req.id, "Requester left the company")
    assert req.status == "closed" and task.status == "cancelled"


def test_requester_cancels_own_request(session, people):
    req = file_loan(session, people)
    svc.cancel(session, people.employee, req.id, "Trip called off")
    assert req.status == "cancelled"
    with pytest.raises(TransitionRefused):
        svc.rate(session, people.employee, req.id, 5)


def test_rating_rules(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    with pytest.raises(TransitionRefused):
        svc.rate(session, people.employee, req.id, 5)
    svc.resolve(session, people.tech, req.id, "Done")
    svc.close(session, people.employee, req.id)
    with pytest.raises(PermissionDenied):
        svc.rate(session, people.tech, req.id, 5)
    with pytest.raises(ValidationFailed) as exc:
        svc.rate(session, people.employee, req.id, 6)
    assert "score" in exc.value.errors
    svc.rate(session, people.employee, req.id, 5)
    with pytest.raises(Conflict):
        svc.rate(session, people.employee, req.id, 1)
    assert req.rating == 5


def test_escalation_by_requester_and_technician(session, people):
    req = file_loan(session, people)
    with pytest.raises(ValidationFailed):
        svc.escalate(session, people.employee, req.id, "  ")
    svc.escalate(session, people.employee, req.id, "Nobody answers")
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.escalate(session, people.tech, req.id, "Needs a manager's decision")
    assert req.escalation_level == 2 and req.escalated_at is not None
    with pytest.raises(PermissionDenied):
        svc.escalate(session, people.tech2, req.id, "not mine")


def test_unknown_or_impossible_steps_are_refused(session, people):
    req = file_loan(session, people)
    with pytest.raises(TransitionRefused, match="Unknown step"):
        svc.transition(session, people.lead, req.id, "teleport")
    with pytest.raises(TransitionRefused, match="not possible"):
        svc.transition(session, people.lead, req.id, "returned")
    with pytest.raises(TransitionRefused):  # assignment goes through the assign service
        svc.transition(session, people.lead, req.id, "assign")


def test_plugin_veto_gives_its_reason(session, people):
    req = file_loan(session, people, details={"item": "projector", "days": 20})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    with pytest.raises(TransitionRefused) as exc:
        svc.transition(session, people.tech, req.id, "hand_over", {"asset_tag": "PJ-7"})
    assert exc.value.reasons == ["Loans over two weeks need the manager's approval first."]
    assert req.status == "in_progress"


def test_permission_tokens_on_transitions(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    svc.transition(session, people.tech, req.id, "hand_over", {"asset_tag": "NB-1"})
    with pytest.raises(PermissionDenied):  # the manager lacks loans.receive
        svc.transition(session, people.manager, req.id, "returned")
    svc.transition(session, people.tech, req.id, "returned")


def test_lookup_by_number(session, people):
    req = file_loan(session, people)
    assert svc.get_request(session, req.number) is req
    with pytest.raises(NotFound):
        svc.get_request(session, "SR-1999-000001")
    assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 1


def test_reply_resumes_the_step_the_request_was_waiting_from(session, people):
    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    svc.transition(session, people.tech, req.id, "wait_requester", {"message": "When?"})
    svc.add_comment(session, people.employee, req.id, "Tomorrow")
    assert req.status == "in_progress"
    # from "assigned" (also active) the reply returns to "assigned", not to "in progress"
    other = file_loan(session, people)
    svc.assign(session, people.lead, other.id, assignee="li.na")
    svc.transition(session, people.tech, other.id, "wait_requester", {"message": "Which?"})
    svc.transition(session, people.employee, other.id, "resume")
    assert other.status == "assigned"


def test_update_task_reassigns_and_reschedules(session, people):
    from datetime import UTC, datetime

    req = file_loan(session, people)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    task = svc.add_task(session, people.tech, req.id, title="Order charger")
    due = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    svc.update_task(session, people.tech, task.id, assignee=people.tech2.id,
                    group="Infrastructure", due_at=due, expected_version=task.version)
    assert (task.assignee_id, task.group_id, task.due_at) == (people.tech2.id, people.infra.id,
                                                              due)
    with pytest.raises(Conflict):
        svc.update_task(session, people.tech, task.id, title="x", expected_version=1)
    with pytest.raises(ValidationFailed) as exc:
        svc.update_task(session, people.tech, task.id, title=" ", assignee="liu.yang")
    assert set(exc.value.errors) == {"title", "assignee"}
    svc.update_task(session, people.tech, task.id, due_at=None)
    assert task.due_at is None
    last = session.scalars(select(Event).where(Event.kind == "task_updated")
                           .order_by(Event.id.desc())).first()
    assert last.changes == {"due_at": ["2030-01-02T03:04:00+00:00", None]}
