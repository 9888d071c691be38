"""Workload, intake, escalation and people queries, and splitting a request into tasks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hdcore import PermissionDenied, Task, ValidationFailed
from hdcore import services as svc
from hdcore.models import utcnow
from hdcore.queries.people import open_request_counts, open_requests_of, search_people
from hdcore.queries.workload import (
    WorkFilter,
    escalated_query,
    group_workload,
    intake_counts,
    intake_query,
    last_escalations,
    oldest_open,
    open_requests_query,
    open_tasks_query,
    staff_workload,
    total_workload,
    unassigned_workload,
)


def file(session, people, title, requester=None):
    return svc.submit_request(session, requester or people.employee, category="loan",
                              title=title, details={"item": "laptop", "days": 3})


def titles(items):
    return [getattr(i, "title", None) for i in items]


def load_of(session, user):
    return next(p.load for p in staff_workload(session) if p.user.id == user.id)


@pytest.fixture
def desk(session, people):
    """Li Na: one request being worked, one waiting, one resolved, one closed, one escalated
    and overdue; two open tasks and a done one. Applications: one request nobody took yet.
    Two requests in the intake, one cancelled."""
    lead, tech = people.lead, people.tech
    past = utcnow() - timedelta(hours=3)
    working = file(session, people, "Working")
    svc.assign(session, lead, working.id, assignee="li.na")
    svc.transition(session, tech, working.id, "start")
    waiting = file(session, people, "Waiting")
    svc.assign(session, lead, waiting.id, assignee="li.na")
    svc.transition(session, tech, waiting.id, "wait_requester", {"message": "Which model?"})
    resolved = file(session, people, "Resolved")
    svc.assign(session, lead, resolved.id, assignee="li.na")
    svc.resolve(session, tech, resolved.id, "Done")
    closed = file(session, people, "Closed")
    svc.assign(session, lead, closed.id, assignee="li.na")
    svc.force_close(session, lead, closed.id, "Duplicate")
    late = file(session, people, "Late and escalated")
    svc.assign(session, lead, late.id, assignee="li.na", group="Applications")
    svc.escalate(session, people.employee, late.id, "Nobody answers")
    late.resolve_due_at = past
    # A waiting request's clock is paused: its passed deadline does not make it overdue.
    waiting.resolve_due_at = past
    session.commit()

    zhao = file(session, people, "Zhao's")
    svc.assign(session, lead, zhao.id, assignee="zhao.lei")
    task1 = svc.add_task(session, people.tech2, zhao.id, title="Task for Li Na",
                         assignee="li.na", due_at=past + timedelta(hours=1))
    svc.add_task(session, people.tech2, zhao.id, title="Second task for Li Na",
                 assignee="li.na")
    done = svc.add_task(session, people.tech2, zhao.id, title="Done task", assignee="li.na")
    svc.complete_task(session, tech, done.id)
    svc.add_task(session, people.tech2, zhao.id, title="Group task", group="Applications")

    group_only = file(session, people, "Group only")
    svc.assign(session, lead, group_only.id, group="Applications")
    first = file(session, people, "First in")
    second = file(session, people, "Second in", requester=people.other)
    cancelled = file(session, people, "Withdrawn")
    svc.cancel(session, people.employee, cancelled.id)
    return {"late": late, "task1": task1, "group_only": group_only, "first": first,
            "second": second, "zhao": zhao, "working": working}


def test_a_technicians_open_work_is_counted_by_kind(session, people, desk):
    load = load_of(session, people.tech)
    # Working and late are active, Waiting is waiting; Resolved is not open work any more.
    assert load.by_kind["active"] == 2 and load.by_kind["waiting"] == 1
    assert load.by_kind["resolved"] == 1
    assert load.requests == 3
    assert load.tasks == 2
    assert (load.overdue_requests, load.overdue_tasks, load.overdue) == (1, 1, 2)
    assert load.escalated == 1
    assert load.total == 5


def test_every_active_staff_member_is_listed_technicians_first(session, people, desk):
    listed = [p.user.username for p in staff_workload(session)]
    assert listed[:2] == ["li.na", "zhao.lei"]
    assert set(listed) == {"li.na", "zhao.lei", "wang.fang", "chen.jie", "admin"}
    assert "zhang.wei" not in listed
    idle_dropped = [p.user.username for p in staff_workload(session, include_idle=False)]
    assert idle_dropped == ["li.na", "zhao.lei"]
    zhao = load_of(session, people.tech2)
    assert (zhao.requests, zhao.tasks, zhao.overdue) == (1, 0, 0)


def test_a_deactivated_person_still_holding_work_is_listed(session, people, desk):
    people.tech2.is_active = False
    session.commit()
    listed = {p.user.username: p.load for p in staff_workload(session)}
    assert listed["zhao.lei"].requests == 1


def test_overdue_follows_the_time_given(session, people, desk):
    earlier = utcnow() - timedelta(days=1)
    load = next(p.load for p in staff_workload(session, now=earlier)
                if p.user.id == people.tech.id)
    assert load.overdue == 0


def test_response_deadline_counts_only_before_the_first_answer(session, people, desk):
    req = desk["working"]
    req.response_due_at = utcnow() - timedelta(minutes=5)
    session.commit()
    # Li Na started it (a first response), so only the resolution deadline matters.
    assert load_of(session, people.tech).overdue_requests == 1
    fresh = desk["first"]
    fresh.response_due_at = utcnow() - timedelta(minutes=5)
    session.commit()
    assert unassigned_workload(session).overdue_requests == 1


def test_groups_count_their_work_and_what_nobody_in_them_took(session, people, desk):
    loads = {g.group.name: g for g in group_workload(session)}
    apps = loads["Applications"]
    assert apps.members == 1
    assert apps.load.requests == 2  # Late (with Li Na) and Group only
    assert apps.load.without_person == 1
    assert apps.load.tasks == 1
    assert apps.load.escalated == 1
    assert loads["Infrastructure"].load.total == 0


def test_nobodys_work_and_the_whole_desk(session, people, desk):
    nobody = unassigned_workload(session)
    assert nobody.requests == 2 and nobody.by_kind["new"] == 2
    total = total_workload(session)
    # Working, Waiting, Late, Zhao's, Group only, First in, Second in.
    assert total.requests == 7
    assert total.tasks == 3
    assert total.by_kind["resolved"] == 1


def test_the_intake_lists_unassigned_requests_oldest_first(session, people, desk):
    assert titles(session.scalars(intake_query(session))) == ["First in", "Second in"]
    assert titles(session.scalars(intake_query(session, "group"))) == ["Group only"]
    assert intake_counts(session) == {"unassigned": 2, "group": 1}
    svc.assign(session, people.lead, desk["first"].id, assignee="li.na")
    assert titles(session.scalars(intake_query(session))) == ["Second in"]


def test_lists_of_open_work_behind_the_numbers(session, people, desk):
    mine = WorkFilter(assignee_id=people.tech.id)
    assert sorted(titles(session.scalars(open_requests_query(session, mine)))) == [
        "Late and escalated", "Waiting", "Working"]
    # Requests with a deadline come first (soonest first), those without one last.
    assert titles(session.scalars(open_requests_query(session, mine)))[-1] == "Working"
    assert titles(session.scalars(open_tasks_query(mine))) == [
        "Task for Li Na", "Second task for Li Na"]
    late = WorkFilter(assignee_id=people.tech.id, flag="overdue")
    assert titles(session.scalars(open_requests_query(session, late))) == ["Late and escalated"]
    assert titles(session.scalars(open_tasks_query(late))) == ["Task for Li Na"]
    escalated = WorkFilter(assignee_id=people.tech.id, flag="escalated")
    assert titles(session.scalars(open_requests_query(session, escalated))) == [
        "Late and escalated"]
    assert session.scalars(open_tasks_query(escalated)).all() == []
    group = WorkFilter(group_id=people.apps.id)
    assert sorted(titles(session.scalars(open_requests_query(session, group)))) == [
        "Group only", "Late and escalated"]
    assert titles(session.scalars(open_tasks_query(group))) == ["Group task"]
    nobody = WorkFilter(nobody=True)
    assert titles(session.scalars(open_requests_query(session, nobody))) == [
        "First in", "Second in"]


def test_oldest_open_requests(session, people, desk):
    assert titles(oldest_open(session, 3)) == ["Working", "Waiting", "Late and escalated"]


def test_escalated_requests_with_their_last_reason(session, people, desk):
    other = desk["zhao"]
    svc.escalate(session, people.tech2, other.id, "Vendor silent")
    svc.escalate(session, people.tech2, other.id, "Still silent")
    listed = session.scalars(escalated_query(session)).all()
    assert titles(listed) == ["Zhao's", "Late and escalated"]  # level 2 first
    last = last_escalations(session, [r.id for r in listed])
    assert last[other.id].data["reason"] == "Still silent"
    assert last[other.id].actor.username == "zhao.lei"
    assert last[desk["late"].id].data["reason"] == "Nobody answers"
    svc.force_close(session, people.manager, other.id, "Handled by phone")
    assert titles(session.scalars(escalated_query(session))) == ["Late and escalated"]
    assert last_escalations(session, []) == {}


# -- people ----------------------------------------------------------------------------------


@pytest.fixture
def staff_numbers(session, people):
    people.employee.employee_no = "E10002"
    people.employee.phone = "0512-6688-1002"
    people.other.employee_no = "E10005"
    people.other.phone = "+86 512 6688 2005"
    session.commit()
    return people


@pytest.mark.parametrize(("text", "expected"), [
    ("zhang", ["zhang.wei"]),
    ("Wei", ["zhang.wei"]),
    ("ZHANG.WEI", ["zhang.wei"]),
    ("E10005", ["liu.yang"]),
    ("e1000", ["zhang.wei", "liu.yang"]),
    ("6688-1002", ["zhang.wei"]),
    ("66881002", ["zhang.wei"]),
    ("2005", ["liu.yang"]),
    ("liu.yang@example.com", ["liu.yang"]),
    ("_", []),
    ("%", []),
    ("", []),
    ("   ", []),
])
def test_search_people_by_any_identifier(session, staff_numbers, text, expected):
    assert sorted(u.username for u in search_people(session, text)) == sorted(expected)


def test_search_people_by_chinese_name_and_ranking(session, people):
    svc.create_user(session, None, username="zhang.min", full_name="张敏", department="FIN")
    svc.create_user(session, None, username="min.zhang", full_name="敏张", department="FIN")
    found = search_people(session, "张")
    assert [u.username for u in found] == ["zhang.min", "min.zhang"]  # starts-with first
    assert found[0].department.name == "Finance"
    exact = search_people(session, "li.na")
    assert exact[0].username == "li.na"


def test_search_leaves_out_inactive_accounts_and_respects_the_limit(session, people):
    people.other.is_active = False
    session.commit()
    assert search_people(session, "liu") == []
    for i in range(5):
        svc.create_user(session, None, username=f"wu.{i}", full_name=f"Wu {i}")
    assert len(search_people(session, "wu.", limit=3)) == 3


def test_a_callers_open_requests(session, people, desk):
    listed = open_requests_of(session, people.other.id)
    assert titles(listed) == ["Second in"]
    counts = open_request_counts(session, [people.employee.id, people.other.id, people.tech.id])
    assert counts == {people.employee.id: 6, people.other.id: 1}
    assert open_request_counts(session, []) == {}


# -- splitting into tasks ----------------------------------------------------------------------


def task_count(session):
    return session.scalar(select(func.count()).select_from(Task))


def test_split_into_tasks_in_one_go(session, people):
    req = file(session, people, "New PC for the new hire")
    tomorrow = utcnow() + timedelta(days=1)
    made = svc.add_tasks(session, people.lead, req.id, [
        {"title": "Order the PC", "group": "Applications", "due_at": tomorrow},
        {"title": "Install the ERP client", "assignee": "li.na", "depends_on": [0]},
        {"title": "Hand over", "assignee": people.tech2.id, "depends_on": [0, 1],
         "description": "At the desk"},
    ])
    assert [t.title for t in made] == ["Order the PC", "Install the ERP client", "Hand over"]
    assert made[0].group.name == "Applications" and made[0].due_at == tomorrow
    assert made[1].assignee.username == "li.na"
    assert [d.title for d in made[1].depends_on] == ["Order the PC"]
    assert [d.title for d in made[2].depends_on] == ["Order the PC", "Install the ERP client"]
    assert made[2].description == "At the desk"
    # The dependencies hold: the second task waits for the first.
    assert made[1].blocked_by == [made[0]]


def test_a_bad_line_writes_nothing_and_every_error_is_named(session, people):
    req = file(session, people, "Office move")
    before = task_count(session)
    with pytest.raises(ValidationFailed) as exc:
        svc.add_tasks(session, people.lead, req.id, [
            {"title": "Fine line", "assignee": "li.na"},
            {"title": "", "assignee": "zhang.wei"},
            {"title": "x" * 201, "group": "Nobody's group", "depends_on": [2]},
            {"title": "Late", "due_at": "yesterday", "colour": "red"},
            {"title": "Past", "due_at": utcnow() - timedelta(hours=1)},
            {"title": "Naive", "due_at": datetime(2030, 1, 1)},
            {"title": "Unknown person", "assignee": "nobody"},
        ])
    assert set(exc.value.errors) == {
        "tasks.1.title", "tasks.1.assignee", "tasks.2.title", "tasks.2.group",
        "tasks.2.depends_on", "tasks.3.due_at", "tasks.3.colour", "tasks.4.due_at",
        "tasks.5.due_at", "tasks.6.assignee",
    }
    assert exc.value.errors["tasks.1.assignee"] == ["Tasks go to IT staff."]
    assert exc.value.errors["tasks.2.depends_on"] == ["A task can only depend on an earlier line."]
    assert exc.value.errors["tasks.4.due_at"] == ["The due time is in the past."]
    session.rollback()
    assert task_count(session) == before


@pytest.mark.parametrize("lines", [[], "a task", {"title": "x"}, None])
def test_no_lines_is_refused(session, people, lines):
    req = file(session, people, "Nothing to do")
    with pytest.raises(ValidationFailed) as exc:
        svc.add_tasks(session, people.lead, req.id, lines)
    assert list(exc.value.errors) == ["tasks"]


def test_a_time_typed_without_zone_is_read_in_the_actors_zone(session, people):
    req = file(session, people, "Zones")
    (task,) = svc.add_tasks(session, people.lead, req.id,
                            [{"title": "At nine", "due_at": "2099-03-02T09:00"}])
    assert task.due_at == datetime(2099, 3, 2, 1, 0, tzinfo=UTC)  # Shanghai is UTC+8


def test_only_people_on_the_request_split_it_and_not_once_closed(session, people):
    req = file(session, people, "Not yours")
    with pytest.raises(PermissionDenied):
        svc.add_tasks(session, people.tech, req.id, [{"title": "Mine now"}])
    svc.assign(session, people.lead, req.id, assignee="li.na")
    assert len(svc.add_tasks(session, people.tech, req.id, [{"title": "Mine now"}])) == 1
    svc.force_close(session, people.lead, req.id, "Not needed")
    with pytest.raises(PermissionDenied):
        svc.add_tasks(session, people.lead, req.id, [{"title": "Too late"}])


def test_a_status_whose_kind_differs_between_workflows_is_matched_per_category() -> None:
    """The kinds condition is written as ``status IN (...)`` for the indexes; a status name
    that means "waiting" in one category and "active" in another must still be told apart."""
    from types import SimpleNamespace as Ns

    from sqlalchemy import create_engine, insert, select

    from hdcore.models import Base, ServiceRequest
    from hdcore.queries.workload import kinds_condition
    from hdcore.workflow import StateKind

    flows = {
        "a": {"new": StateKind.NEW, "on_hold": StateKind.WAITING, "done": StateKind.FINAL},
        "b": {"new": StateKind.NEW, "on_hold": StateKind.ACTIVE, "done": StateKind.FINAL},
    }

    class Host:
        def categories(self) -> list[Ns]:
            return [Ns(name=n) for n in flows]

        def workflow(self, name: str) -> Ns:
            return Ns(states={s: Ns(name=s, kind=k) for s, k in flows[name].items()})

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    rows = [("a", "new"), ("a", "on_hold"), ("a", "done"), ("b", "new"), ("b", "on_hold"),
            ("b", "done"), ("gone", "new")]  # "gone": a category no plugin provides now
    with engine.begin() as conn:
        conn.execute(insert(ServiceRequest.__table__), [
            {"id": i + 1, "number": f"SR-{i}", "category": c, "status": s, "title": "t",
             "description": "", "priority": "normal", "channel": "web", "details": {},
             "requester_id": 1, "entered_by_id": 1, "escalation_level": 0, "version": 1,
             "created_at": datetime(2026, 1, 1, tzinfo=UTC),
             "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}
            for i, (c, s) in enumerate(rows)])

    def matching(*kinds: StateKind) -> set[tuple[str, str]]:
        cond = kinds_condition(Host(), frozenset(kinds))
        with engine.connect() as conn:
            return {tuple(r) for r in conn.execute(
                select(ServiceRequest.category, ServiceRequest.status).where(cond))}

    assert matching(StateKind.WAITING) == {("a", "on_hold")}
    assert matching(StateKind.ACTIVE) == {("b", "on_hold")}
    assert matching(StateKind.NEW, StateKind.ACTIVE, StateKind.WAITING) == {
        ("a", "new"), ("a", "on_hold"), ("b", "new"), ("b", "on_hold")}
    assert matching(StateKind.FINAL) == {("a", "done"), ("b", "done")}
