"""The demo data shows automatic assignment: skills, policies, rules and routed requests."""

from __future__ import annotations

import importlib.metadata

import pytest
from sqlalchemy import select

from hdcore.demo import load_demo
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.models import Event, RoutingRule, ServiceRequest, Skill


@pytest.fixture
def plugins() -> list[object]:
    """Every installed category plugin (the core's tests otherwise use only a test plugin)."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


def test_the_demo_routes_new_requests_and_says_why(helpdesk):
    summary = load_demo(helpdesk)
    assert summary.warnings == []

    with helpdesk.session_scope() as s:
        assert s.scalars(select(Skill.name)).all()
        assert {r.category for r in s.scalars(select(RoutingRule))} >= {"erp_support",
                                                                        "email_admin"}
        automatic = [ev for ev in s.scalars(select(Event).where(Event.kind == "assigned"))
                     if ev.actor_id is None]
        assert len(automatic) >= 4
        reasons = [ev.data["routing"] for ev in automatic]
        assert all(r["rule"] and r["candidates"] is not None for r in reasons)
        assert {r["policy"] for r in reasons} >= {"by_skill", "round_robin"}
        skipped = {s["why"] for r in reasons for s in r["skipped"]}
        assert "on_leave" in skipped
        inv = next(r for r in reasons if r["skill"] == "ERP INV")
        assert inv["chosen"]["username"] == "hu.bo"
        routed = s.get(ServiceRequest, automatic[0].request_id)
        assert routed.status == "assigned" and routed.assignee_id is not None
