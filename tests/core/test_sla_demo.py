"""The demo data gets real due times: every request filed through the services has them."""

from __future__ import annotations

import importlib.metadata
from datetime import timedelta

import pytest
from sqlalchemy import select

from hdcore import ServiceRequest, StateKind, User
from hdcore import services as svc
from hdcore.demo import load_demo
from hdcore.host import ENTRY_POINT_GROUP


@pytest.fixture
def plugins() -> list[object]:
    """Every installed category plugin (the demo files requests of each)."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


def test_after_load_demo_requests_have_due_times(helpdesk):
    load_demo(helpdesk)
    with helpdesk.session_scope() as s:
        host = svc.host_of(s)
        reqs = s.scalars(select(ServiceRequest)).all()

        def kind(r: ServiceRequest) -> StateKind:
            return host.workflow(r.category).kind(r.status)

        working = [r for r in reqs if kind(r) in (StateKind.NEW, StateKind.ACTIVE)]
        assert len(working) >= 5
        assert all(r.response_due_at and r.resolve_due_at for r in working)
        assert all(r.resolve_due_at > r.created_at for r in working)
        assert all(r.response_due_at for r in reqs)  # met or not, every one has a target
        # a paused clock has no resolution due time; a closed request keeps its own
        assert all(r.resolve_due_at is None for r in reqs if kind(r) is StateKind.WAITING)
        assert all(r.resolve_due_at for r in reqs if kind(r) is StateKind.FINAL)
        assert all(r.sla_next_check_at is None for r in reqs if kind(r) is StateKind.FINAL)
        pending = [r for r in reqs if r.sla_next_check_at is not None]
        assert pending and all(r.sla_next_check_at - r.created_at < timedelta(days=14)
                               for r in pending)
        manager = s.scalar(select(User).where(User.username == "chen.jie"))
        explained = svc.explain_due_times(s, manager, working[0].id)
        assert explained is not None and explained.targets[1].counted_minutes >= 0
