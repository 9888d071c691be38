"""The work queue query: whose work shows where, filters, due times, sorting and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from hdcore import services as svc
from hdcore.models import SlaPolicy
from hdcore.queries.queue import QueueFilters, day_end, queue_counts, scopes_for, work_queue

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def file(session, people, title, *, priority="normal", days=2):
    return svc.submit_request(session, people.employee, category="loan", title=title,
                              priority=priority, details={"item": "laptop", "days": days})


def rows(page):
    return [(i.kind, i.title) for i in page.items]


def titles(page):
    return [i.title for i in page.items]


@pytest.fixture
def work(session, people):
    """Li Na's own request, one of her group's, Zhao Lei's with a task for Li Na, a new one."""
    # The tests below set due times by hand; without SLA policies the SLA leaves them alone.
    session.execute(delete(SlaPolicy))
    session.commit()
    mine = file(session, people, "Mine", priority="high")
    svc.assign(session, people.lead, mine.id, assignee="li.na")
    group = file(session, people, "Group's", priority="low")
    svc.assign(session, people.lead, group.id, group="Applications")
    other = file(session, people, "Zhao's", priority="urgent")
    svc.assign(session, people.lead, other.id, assignee="zhao.lei", group="Infrastructure")
    task = svc.add_task(session, people.tech2, other.id, title="Check the ERP side",
                        assignee="li.na")
    group_task = svc.add_task(session, people.tech2, other.id, title="Team task",
                              group="Applications")
    new = file(session, people, "Nobody's yet")
    return {"mine": mine, "group": group, "other": other, "task": task,
            "group_task": group_task, "new": new}


def test_mine_groups_and_all_show_the_right_work(session, people, work):
    mine = work_queue(session, people.tech, scope="mine", sort="number")
    assert sorted(rows(mine)) == [("request", "Mine"), ("task", "Check the ERP side")]
    groups = work_queue(session, people.tech, scope="groups")
    assert sorted(rows(groups)) == [("request", "Group's"), ("task", "Team task")]
    # Zhao Lei's group queue has his request; Li Na's task there is not his group's.
    assert rows(work_queue(session, people.tech2, scope="groups")) == [("request", "Zhao's")]
    everything = work_queue(session, people.lead, scope="all")
    assert len(everything.items) == 6
    # A technician is not offered "all" and gets nothing if they ask for it.
    assert scopes_for(people.tech) == ("mine", "groups")
    assert scopes_for(people.lead) == ("mine", "groups", "all")
    assert work_queue(session, people.tech, scope="all").items == []
    assert queue_counts(session, people.tech) == {"mine": 2, "groups": 2}
    assert queue_counts(session, people.lead)["all"] == 6


def test_a_task_row_carries_its_request(session, people, work):
    item = next(i for i in work_queue(session, people.tech).items if i.kind == "task")
    assert item.request.number == work["other"].number
    assert item.request.title == "Zhao's"
    assert item.status == "open" and item.state_kind == "new"
    assert item.assignee.username == "li.na"


def test_status_filters(session, people, work):
    svc.transition(session, people.tech, work["mine"].id, "start")
    svc.transition(session, people.tech, work["mine"].id, "wait_requester",
                   {"message": "Which model?"})
    svc.start_task(session, people.tech, work["task"].id)
    svc.complete_task(session, people.tech, work["task"].id)
    lead = people.lead
    assert titles(work_queue(session, lead, scope="all",
                             filters=QueueFilters(status="@waiting"))) == ["Mine"]
    assert titles(work_queue(session, lead, scope="all",
                             filters=QueueFilters(status="waiting_requester"))) == ["Mine"]
    # Done tasks leave the open queue but stay findable.
    assert "Check the ERP side" not in titles(work_queue(session, lead, scope="all"))
    done = work_queue(session, lead, scope="all", filters=QueueFilters(status="done"))
    assert titles(done) == ["Check the ERP side"]
    assert "Check the ERP side" in titles(
        work_queue(session, lead, scope="all", filters=QueueFilters(status="all")))
    assert sorted(titles(work_queue(session, lead, scope="all",
                                    filters=QueueFilters(status="@new")))) == [
        "Nobody's yet", "Team task"]
    svc.cancel(session, people.employee, work["new"].id)
    assert "Nobody's yet" not in titles(work_queue(session, lead, scope="all"))


def test_category_priority_and_text_filters(session, people, work):
    lead = people.lead
    # Tasks take their request's priority: the urgent request's tasks are urgent work.
    urgent = work_queue(session, lead, scope="all", filters=QueueFilters(priority="urgent"))
    assert sorted(titles(urgent)) == ["Check the ERP side", "Team task", "Zhao's"]
    assert len(work_queue(session, lead, scope="all",
                          filters=QueueFilters(category="loan")).items) == 6
    assert work_queue(session, lead, scope="all",
                      filters=QueueFilters(category="procurement")).items == []
    assert titles(work_queue(session, lead, scope="all", filters=QueueFilters(text="zhao"))) == [
        "Zhao's"]
    number = work["group"].number
    assert titles(work_queue(session, lead, scope="all",
                             filters=QueueFilters(text=number.lower()))) == ["Group's"]
    counts = queue_counts(session, people.tech, QueueFilters(priority="urgent"))
    assert counts == {"mine": 1, "groups": 1}


def test_due_times_and_overdue(session, people, work):
    mine, group, new = work["mine"], work["group"], work["new"]
    mine.response_due_at = NOW + timedelta(hours=1)  # answer due today...
    mine.resolve_due_at = NOW + timedelta(days=3)    # ...solution due later
    group.resolve_due_at = NOW - timedelta(hours=2)  # overdue
    work["task"].due_at = NOW + timedelta(days=2)
    new.response_due_at = NOW - timedelta(minutes=5)
    session.commit()

    lead = people.lead

    def due(kind):
        return sorted(titles(work_queue(session, lead, scope="all", now=NOW,
                                        filters=QueueFilters(due=kind))))

    assert due("overdue") == ["Group's", "Nobody's yet"]
    assert due("today") == ["Mine"]
    assert due("later") == ["Check the ERP side"]
    assert due("none") == ["Team task", "Zhao's"]
    item = next(i for i in work_queue(session, lead, scope="all", now=NOW).items
                if i.title == "Mine")
    assert (item.due_kind, item.due_at) == ("response", NOW + timedelta(hours=1))
    assert not item.overdue

    # Once IT has answered, the resolution deadline is the one that counts.
    svc.add_comment(session, people.tech, mine.id, "On it.")
    item = next(i for i in work_queue(session, lead, scope="all", now=NOW).items
                if i.title == "Mine")
    assert (item.due_kind, item.due_at) == ("resolve", NOW + timedelta(days=3))
    assert due("later") == ["Check the ERP side", "Mine"]

    # Waiting for the requester stops the clock: past the deadline, but not overdue.
    svc.transition(session, people.tech, group.id, "start")
    assert [i.overdue for i in work_queue(session, lead, scope="all", now=NOW).items
            if i.title == "Group's"] == [True]
    svc.transition(session, people.tech, group.id, "wait_requester", {"message": "When?"})
    assert due("overdue") == ["Nobody's yet"]


def test_day_end_is_midnight_in_the_users_zone(people):
    assert day_end(people.tech, NOW) == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    people.tech.timezone = "Europe/Berlin"
    assert day_end(people.tech, NOW) == datetime(2026, 3, 10, 23, 0, tzinfo=UTC)


def test_sorting(session, people, work):
    work["mine"].resolve_due_at = NOW + timedelta(days=1)
    work["group"].resolve_due_at = NOW + timedelta(hours=1)
    work["task"].due_at = NOW + timedelta(days=2)
    session.commit()
    lead = people.lead

    def order(sort, descending=None):
        return titles(work_queue(session, lead, scope="all", sort=sort, descending=descending,
                                 now=NOW))

    # Soonest first; undated work last, most urgent first among it.
    assert order("due")[:3] == ["Group's", "Mine", "Check the ERP side"]
    assert order("due")[3] == "Zhao's"
    assert order("due", True)[:3] == ["Check the ERP side", "Mine", "Group's"]
    # Most urgent first (a task is as urgent as its request); then the soonest due.
    assert order("priority")[:3] == ["Check the ERP side", "Zhao's", "Team task"]
    assert order("priority")[-1] == "Group's"
    assert order("priority", False)[0] == "Group's"
    # By number: newest request first, each request before its tasks.
    assert order("number") == ["Nobody's yet", "Zhao's", "Check the ERP side", "Team task",
                               "Group's", "Mine"]
    assert order("number", False)[0] == "Mine"
    # By status: new before being worked.
    assert order("status")[0] in ("Nobody's yet", "Check the ERP side", "Team task")
    assert order("status", True)[0] in ("Mine", "Group's", "Zhao's")
    svc.add_comment(session, people.tech, work["group"].id, "Looking.")
    assert order("updated")[0] == "Group's"


def test_paging_and_blocked_tasks(session, people):
    req = file(session, people, "Big job")
    svc.assign(session, people.lead, req.id, assignee="li.na")
    first = svc.add_task(session, people.tech, req.id, title="Step 000", assignee="li.na")
    for n in range(1, 30):
        svc.add_task(session, people.tech, req.id, title=f"Step {n:03d}", assignee="li.na",
                     depends_on=[first.id])
    page1 = work_queue(session, people.tech, sort="number", descending=False, size=25)
    assert (page1.total, page1.pages, len(page1.items)) == (31, 2, 25)
    page2 = work_queue(session, people.tech, sort="number", descending=False, size=25, page=2)
    assert len(page2.items) == 6
    assert {i.title for i in page1.items}.isdisjoint({i.title for i in page2.items})
    assert work_queue(session, people.tech, page=99, size=25).page == 2
    blocked = {i.title: i.blocked for i in page1.items + page2.items if i.task}
    assert blocked["Step 000"] is False and blocked["Step 029"] is True
