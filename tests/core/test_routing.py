"""Automatic assignment: rules per category, the group policies, the plugin's suggestion as a
fallback, nobody available, and the reasons recorded on the request."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import (
    HelpDesk,
    HelpdeskPlugin,
    PermissionDenied,
    RouteSuggestion,
    User,
    ValidationFailed,
    hookimpl,
)
from hdcore import services as svc
from hdcore.clock import frozen
from hdcore.models import Event, ServiceRequest
from hdcore.queries.resources import open_loads
from tests.core.sample_plugin import LoanPlugin

SHANGHAI_NOON = datetime.fromisoformat("2026-10-08T12:00:00+08:00")


class HintPlugin(HelpdeskPlugin):
    """Suggests a route for loans, as a category plugin does through ``hd_suggest_route``."""

    name = "hints"
    title = "Hints"

    def __init__(self) -> None:
        self.hint: RouteSuggestion | None = None

    @hookimpl
    def hd_suggest_route(self, session: Session, request: ServiceRequest
                         ) -> RouteSuggestion | None:
        return self.hint if request.category == "loan" else None


@pytest.fixture
def hints() -> HintPlugin:
    return HintPlugin()


@pytest.fixture
def plugins(hints: HintPlugin) -> list[object]:
    return [LoanPlugin(), hints]


@pytest.fixture
def desk(session: Session, people: SimpleNamespace) -> SimpleNamespace:
    """A "Loans" team of three technicians (ann, bob, cat) and loans routed automatically."""
    def tech(username: str, name: str) -> Any:
        return svc.create_user(session, None, username=username, full_name=name,
                               role="technician", password="demo")

    d = SimpleNamespace(people=people, ann=tech("ann", "Ann"), bob=tech("bob", "Bob"),
                        cat=tech("cat", "Cat"))
    d.team = svc.create_group(session, None, name="Loans", members=[d.ann, d.bob, d.cat])
    svc.set_routing(session, people.admin, "loan", enabled=True)
    return d


def file(session: Session, who: Any, *, item: str = "laptop", days: int = 3,
         priority: str = "normal") -> ServiceRequest:
    return svc.submit_request(session, who, category="loan", title=f"Borrow a {item}",
                              priority=priority, details={"item": item, "days": days})


def assigned_event(session: Session, req: ServiceRequest) -> Event:
    return session.scalars(select(Event).where(Event.request_id == req.id,
                                               Event.kind == "assigned")
                           .order_by(Event.id.desc())).first()


def why(session: Session, req: ServiceRequest) -> dict[str, Any]:
    return assigned_event(session, req).data["routing"]


def give_work(session: Session, person: Any, n: int, lead: Any, employee: Any) -> None:
    """Assign ``n`` open requests to ``person`` by hand."""
    for _i in range(n):
        req = svc.submit_request(session, employee, category="loan", title="Other work",
                                 details={"item": "laptop", "days": 1})
        svc.assign(session, lead, req.id, assignee=person)


def test_nothing_is_assigned_while_the_category_is_switched_off(session, people, desk):
    svc.create_rule(session, people.lead, category="loan", name="All loans", group="Loans")
    svc.set_routing(session, people.lead, "loan", enabled=False)

    req = file(session, people.employee)

    assert req.status == "new" and req.assignee is None and req.group is None
    assert assigned_event(session, req) is None


def test_a_rule_on_a_details_field_sends_the_request_to_its_group(session, people, desk):
    svc.create_rule(session, people.lead, category="loan", name="Projectors", group="Loans",
                    conditions=[{"field": "details.item", "op": "eq", "value": "projector"}])

    laptop = file(session, people.employee, item="laptop")
    projector = file(session, people.employee, item="projector")

    assert laptop.status == "new" and laptop.group is None  # no rule matched
    unrouted = session.scalars(select(Event).where(Event.request_id == laptop.id,
                                                   Event.kind == "unrouted")).one()
    assert unrouted.data["why"] == "no_rule" and not unrouted.public
    assert projector.status == "assigned" and projector.group == desk.team
    assert projector.assignee == desk.ann  # nobody has work yet: the first by user name
    ev = assigned_event(session, projector)
    assert ev.actor_id is None and ev.data["automatic"] is True and ev.data["rule"] == "Projectors"


def test_least_loaded_picks_the_least_open_work_within_capacity(session, people, desk):
    lead, emp = people.lead, people.employee
    svc.create_rule(session, lead, category="loan", name="All loans", group="Loans")
    give_work(session, desk.ann, 2, lead, emp)
    give_work(session, desk.bob, 1, lead, emp)
    give_work(session, desk.cat, 1, lead, emp)

    req = file(session, emp)

    assert req.assignee == desk.bob  # bob and cat have one each: the first by user name wins
    reasons = why(session, req)
    assert reasons["source"] == "rule" and reasons["rule"]["name"] == "All loans"
    assert reasons["policy"] == "least_loaded" and reasons["group"] == "Loans"
    loads = {c["username"]: (c["load"], c["capacity"]) for c in reasons["candidates"]}
    assert loads == {"ann": (2, 10), "bob": (1, 10), "cat": (1, 10)}
    assert reasons["chosen"]["username"] == "bob" and reasons["outcome"] == "person"

    svc.set_capacity(session, lead, desk.bob, 2)  # bob now has 2: at his capacity
    svc.set_capacity(session, lead, desk.cat, 1)
    nxt = file(session, emp)

    assert nxt.assignee == desk.ann
    skipped = {s["username"]: s["why"] for s in why(session, nxt)["skipped"]}
    assert skipped == {"bob": "at_capacity", "cat": "at_capacity"}


def test_people_on_leave_or_deactivated_are_skipped(session, people, desk):
    lead = people.lead
    svc.create_rule(session, lead, category="loan", name="All loans", group="Loans")
    with frozen(SHANGHAI_NOON):
        svc.add_leave(session, lead, desk.ann, starts_on="2026-10-01", ends_on="2026-10-08",
                      note="National Day")
        svc.add_leave(session, lead, desk.bob, starts_on="2026-10-09", ends_on="2026-10-12")
        svc.update_user(session, people.admin, desk.cat, active=False)

        req = file(session, people.employee)

        assert req.assignee == desk.bob  # his leave starts tomorrow
        skipped = {s["username"]: s for s in why(session, req)["skipped"]}
        assert skipped["ann"]["why"] == "on_leave" and skipped["ann"]["until"] == "2026-10-08"
        assert skipped["cat"]["why"] == "inactive"

    # The leave is read in the company's zone: at 01:00 in Shanghai on the 9th (still the 8th
    # in UTC) Ann is back and Bob is away.
    with frozen(datetime.fromisoformat("2026-10-09T01:00:00+08:00")):
        req = file(session, people.employee)
        assert req.assignee == desk.ann
        assert {s["username"]: s["why"] for s in why(session, req)["skipped"]}["bob"] == \
            "on_leave"


def test_round_robin_takes_turns_and_passes_over_the_unavailable(session, people, desk):
    lead = people.lead
    svc.set_group_routing(session, lead, desk.team, policy="round_robin", kind="team")
    svc.create_rule(session, lead, category="loan", name="All loans", group="Loans")

    first = [file(session, people.employee).assignee.username for _i in range(4)]
    assert first == ["ann", "bob", "cat", "ann"]

    with frozen(SHANGHAI_NOON):
        svc.add_leave(session, lead, desk.bob, starts_on="2026-10-01", ends_on="2026-10-31")
        picks = [file(session, people.employee) for _i in range(2)]
    assert [r.assignee.username for r in picks] == ["cat", "ann"]  # bob's turn is passed
    assert why(session, picks[0])["policy"] == "round_robin"
    assert {s["username"] for s in why(session, picks[0])["skipped"]} == {"bob"}


def test_by_skill_prefers_the_highest_level_then_the_least_loaded(session, people, desk):
    lead = people.lead
    svc.create_skill(session, lead, name="Projectors", description="Beamers and screens")
    svc.set_skills(session, lead, desk.ann, {"Projectors": 1})
    svc.set_skills(session, lead, desk.bob, {"Projectors": 3})
    svc.set_skills(session, lead, desk.cat, {"Projectors": 3})
    svc.set_group_routing(session, lead, desk.team, policy="by_skill")
    svc.create_rule(session, lead, category="loan", name="Projectors", group="Loans",
                    skill="Projectors",
                    conditions=[{"field": "details.item", "op": "eq", "value": "projector"}])
    give_work(session, desk.bob, 1, lead, people.employee)

    req = file(session, people.employee, item="projector")

    assert req.assignee == desk.cat  # level 3 like bob, but less open work
    reasons = why(session, req)
    assert reasons["policy"] == "by_skill" and reasons["skill"] == "Projectors"
    assert {c["username"]: c["level"] for c in reasons["candidates"]} == {
        "ann": 1, "bob": 3, "cat": 3}

    svc.set_skills(session, lead, desk.cat, {})
    svc.set_skills(session, lead, desk.bob, {})
    req = file(session, people.employee, item="projector")
    assert req.assignee == desk.ann
    assert {s["username"]: s["why"] for s in why(session, req)["skipped"]} == {
        "bob": "no_skill", "cat": "no_skill"}


def test_rules_are_tried_in_order_and_every_condition_must_hold(session, people, desk):
    lead = people.lead
    infra = people.infra
    urgent = svc.create_rule(
        session, lead, category="loan", name="Urgent from Finance", group=infra,
        conditions=[{"field": "priority", "op": "in", "value": ["high", "urgent"]},
                    {"field": "requester.department", "op": "eq", "value": "FIN"}])
    svc.create_rule(session, lead, category="loan", name="Long loans", group="Applications",
                    conditions=[{"field": "details.days", "op": "gt", "value": "7"}])
    svc.create_rule(session, lead, category="loan", name="Everything else", group="Loans")

    assert file(session, people.employee, priority="urgent").group == infra
    assert file(session, people.other, priority="urgent").group == desk.team  # Sales
    assert file(session, people.employee, priority="urgent", days=10).group == infra
    assert file(session, people.employee, days=10).group == people.apps
    assert file(session, people.employee, days=7).group == desk.team

    svc.move_rule(session, lead, urgent.id, to=3)
    assert [r.name for r in svc.rules_of_group(session, infra)] == ["Urgent from Finance"]
    assert file(session, people.employee, priority="urgent", days=10).group == people.apps


def test_the_plugin_suggestion_is_followed_when_no_rule_matches(session, people, desk, hints):
    hints.hint = RouteSuggestion(group="Loans", reason="Loans go to the loan desk.")

    req = file(session, people.employee)

    assert req.group == desk.team and req.assignee == desk.ann
    reasons = why(session, req)
    assert reasons["source"] == "suggestion" and reasons["rule"] is None
    assert reasons["suggestion"] == {"group": "Loans", "assignee": None,
                                     "reason": "Loans go to the loan desk."}

    hints.hint = RouteSuggestion(assignee="cat", group="Loans", reason="Cat knows.")
    assert file(session, people.employee).assignee == desk.cat

    svc.set_capacity(session, people.lead, desk.cat, 0)
    req = file(session, people.employee)
    assert req.assignee == desk.bob  # cat is full: the group's policy decides
    assert why(session, req)["suggested_person"]["why"] == "at_capacity"

    svc.set_routing(session, people.lead, "loan", enabled=True, use_suggestion=False)
    req = file(session, people.employee)
    assert req.status == "new" and req.group is None


def test_a_suggestion_naming_an_unknown_group_leaves_the_request_unassigned(
        session, people, desk, hints):
    hints.hint = RouteSuggestion(group="ERP Logistics", reason="INV questions")

    req = file(session, people.employee)

    assert req.status == "new" and req.group is None
    ev = session.scalars(select(Event).where(Event.request_id == req.id,
                                             Event.kind == "unrouted")).one()
    assert ev.data["why"] == "unknown_group" and ev.data["suggestion"]["group"] == "ERP Logistics"


def test_nobody_available_assigns_the_group_only(session, people, desk):
    lead = people.lead
    svc.create_rule(session, lead, category="loan", name="All loans", group="Loans")
    for person in (desk.ann, desk.bob, desk.cat):
        svc.set_capacity(session, lead, person, 0)

    req = file(session, people.employee)

    assert req.status == "assigned" and req.group == desk.team and req.assignee is None
    reasons = why(session, req)
    assert reasons["outcome"] == "group_only" and reasons["note"] == "nobody_available"
    assert reasons["chosen"] is None and len(reasons["skipped"]) == 3

    svc.set_group_routing(session, lead, desk.team, policy="group_only")
    svc.set_capacity(session, lead, desk.ann, None)
    req = file(session, people.employee)
    assert req.group == desk.team and req.assignee is None
    assert why(session, req)["note"] == "group_only"


def test_the_lead_can_reassign_an_automatic_assignment(session, people, desk):
    svc.create_rule(session, people.lead, category="loan", name="All loans", group="Loans")
    req = file(session, people.employee)
    assert req.assignee == desk.ann

    svc.assign(session, people.lead, req.id, assignee=people.tech, group=people.apps,
               reason="Li Na knows this borrower")

    assert req.assignee == people.tech and req.group == people.apps
    latest = assigned_event(session, req)
    assert latest.actor_id == people.lead.id and "routing" not in latest.data
    assert open_loads(session, [desk.ann.id])[desk.ann.id] == 0


def test_a_refused_assignment_never_blocks_the_submission(session, people, desk, monkeypatch):
    import hdcore.services.assignment as assignment

    svc.create_rule(session, people.lead, category="loan", name="All loans", group="Loans")

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationFailed({"group": ["gone"]})

    monkeypatch.setattr(assignment, "assign", refuse)
    req = file(session, people.employee)

    assert req.id and req.status == "new" and req.assignee is None
    ev = session.scalars(select(Event).where(Event.request_id == req.id,
                                             Event.kind == "unrouted")).one()
    assert ev.data["why"] == "refused" and "gone" in ev.data["error"]


def test_rules_are_validated_field_by_field(session, people, desk):
    with pytest.raises(ValidationFailed) as exc:
        svc.create_rule(session, people.lead, category="loan", name="", group="Nowhere",
                        skill="Juggling", conditions=[
                            {"field": "details.colour", "op": "eq", "value": "red"},
                            {"field": "priority", "op": "in", "value": ["high", "soon"]},
                            {"field": "details.days", "op": "gt", "value": "many"},
                            {"field": "channel", "op": "contains", "value": "web"},
                            {"field": "title", "op": "eq", "value": ""},
                        ])
    assert set(exc.value.errors) == {
        "name", "group", "skill", "conditions.0.field", "conditions.1.value",
        "conditions.2.value", "conditions.3.op", "conditions.4.value"}
    assert "soon" in exc.value.errors["conditions.1.value"][0]
    with pytest.raises(ValidationFailed) as exc:
        svc.create_rule(session, people.lead, category="parking", name="x", group="Loans")
    assert set(exc.value.errors) == {"category"}
    with pytest.raises(PermissionDenied):
        svc.create_rule(session, people.tech, category="loan", name="x", group="Loans")
    with pytest.raises(PermissionDenied):
        svc.set_routing(session, people.manager, "loan", enabled=False)


def test_moving_and_deleting_rules_keeps_positions_in_order(session, people, desk):
    lead = people.lead
    made = [svc.create_rule(session, lead, category="loan", name=n, group="Loans")
            for n in ("A", "B", "C")]

    svc.move_rule(session, lead, made[2].id, by=-1)
    from hdcore.routing import rules_of
    assert [(r.name, r.position) for r in rules_of(session, "loan")] == [
        ("A", 1), ("C", 2), ("B", 3)]
    svc.delete_rule(session, lead, made[0].id)
    assert [(r.name, r.position) for r in rules_of(session, "loan")] == [("C", 1), ("B", 2)]
    svc.move_rule(session, lead, made[1].id, to=1)
    assert [r.name for r in rules_of(session, "loan")] == ["B", "C"]


def test_round_robin_is_safe_with_concurrent_submissions(helpdesk: HelpDesk, session, people,
                                                          desk):
    if helpdesk.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time; PostgreSQL runs them together")
    svc.set_group_routing(session, people.lead, desk.team, policy="round_robin")
    svc.create_rule(session, people.lead, category="loan", name="All loans", group="Loans")
    employee_id = people.employee.id
    session.close()
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def submit() -> None:
        with helpdesk.session_scope() as s:
            me = s.get(User, employee_id)
            start.wait()
            try:
                file(s, me)
            except BaseException as exc:  # reported below
                failures.append(exc)

    threads = [threading.Thread(target=submit) for _i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert failures == []
    with helpdesk.session_scope() as s:
        order = [ev.data["routing"]["chosen"]["username"] for ev in s.scalars(
            select(Event).where(Event.kind == "assigned").order_by(Event.id))]
    assert Counter(order) == {"ann": 2, "bob": 2, "cat": 2}
    assert all(a != b for a, b in pairwise(order))


def test_leave_is_validated_and_cannot_overlap(session, people, desk):
    lead = people.lead
    svc.add_leave(session, lead, desk.ann, starts_on=date(2026, 10, 1),
                  ends_on=date(2026, 10, 7))
    with pytest.raises(ValidationFailed) as exc:
        svc.add_leave(session, lead, desk.ann, starts_on="2026-10-07", ends_on="2026-10-09")
    assert "2026-10-01" in exc.value.errors["starts_on"][0]
    with pytest.raises(ValidationFailed) as exc:
        svc.add_leave(session, lead, desk.ann, starts_on="2026-11-05", ends_on="2026-11-01",
                      note="x" * 201)
    assert set(exc.value.errors) == {"ends_on", "note"}
    with pytest.raises(ValidationFailed) as exc:
        svc.add_leave(session, lead, desk.ann, starts_on="", ends_on="soon")
    assert set(exc.value.errors) == {"starts_on", "ends_on"}
    with pytest.raises(PermissionDenied):
        svc.add_leave(session, people.tech, desk.ann, starts_on="2026-12-01",
                      ends_on="2026-12-02")
