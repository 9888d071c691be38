"""The demo data: loaded through the services on both databases, only into an empty one."""

from __future__ import annotations

import importlib.metadata

import pytest
from sqlalchemy import func, select

from hdcore import Comment, Department, HelpDesk, ServiceRequest, Settings, User
from hdcore import services as svc
from hdcore.demo import DEMO_ACCOUNTS, DemoDataExists, load_demo
from hdcore.host import ENTRY_POINT_GROUP

NAMED = {
    "zhang.wei": ("employee", "张伟"),
    "li.na": ("technician", "李娜"),
    "zhao.lei": ("technician", "赵磊"),
    "wang.fang": ("lead", "王芳"),
    "chen.jie": ("manager", "陈杰"),
    "admin": ("admin", None),
}


@pytest.fixture
def plugins() -> list[object]:
    """Every installed category plugin (the core's tests otherwise use only a test plugin)."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


def count(session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_fills_every_category_through_the_services(helpdesk):
    summary = load_demo(helpdesk)
    assert summary.loaded and summary.warnings == []

    with helpdesk.session_scope() as s:
        for username, (role, full_name) in NAMED.items():
            user = svc.authenticate(s, username, "demo")
            assert user is not None and user.role == role, username
            assert full_name is None or user.full_name == full_name
        assert svc.authenticate(s, "zhang.wei", "wrong") is None
        assert s.scalar(select(User).where(User.username == "zhang.wei")).department.code == "FIN"

        depts = s.scalars(select(Department)).all()
        assert {d.code for d in depts} == {"FIN", "SALES", "PROD", "LOG", "PUR", "HR", "IT"}
        for d in depts:
            assert d.cost_centre and d.head is not None and d.head.department_id == d.id
        people = s.scalars(select(User)).all()
        assert all(u.email and u.employee_no for u in people)
        for code in ("FIN", "SALES", "PROD", "LOG", "PUR", "HR"):
            assert sum(u.department.code == code and u.role == "employee" for u in people) >= 3

        for kind in helpdesk.host.vendor_kinds():
            registered = {v.name for v in svc.vendors_of_kind(s, kind.name)}
            assert {v["name"] for v in kind.samples} <= registered, kind.name

        reqs = s.scalars(select(ServiceRequest)).all()
        assert len(reqs) >= 30 and summary.requests == len(reqs)
        categories = {c.name for c in helpdesk.host.categories()}
        assert len(categories) >= 5
        assert {r.category for r in reqs} == categories
        for cat in categories:  # every category has requests that were worked, not only filed
            assert any(r.category == cat and r.status != "new" for r in reqs), cat
        statuses = {r.status for r in reqs}
        assert {"new", "assigned", "resolved", "closed"} <= statuses and len(statuses) >= 6
        assert len({r.requester_id for r in reqs}) >= 8
        assert len({r.priority for r in reqs}) >= 3

        lead = s.scalar(select(User).where(User.username == "wang.fang"))
        by_phone = [r for r in reqs if r.channel == "phone"]
        assert by_phone and all(r.entered_by_id == lead.id != r.requester_id for r in by_phone)
        assert all(r.entered_by_id == r.requester_id for r in reqs if r.channel == "web")

        comments = s.scalars(select(Comment)).all()
        assert any(c.internal for c in comments) and any(not c.internal for c in comments)
        assert any(r.escalation_level > 0 for r in reqs)
        rated = [r for r in reqs if r.rating is not None]
        assert rated and all(r.status == "closed" and 1 <= r.rating <= 5 for r in rated)
        assert summary.ratings == len(rated)
        assert {a.username for a in summary.accounts} == {u for u, _ in DEMO_ACCOUNTS}

        users = count(s, User)
    with pytest.raises(DemoDataExists, match="already has"):
        load_demo(helpdesk)
    skipped = load_demo(helpdesk, if_empty=True)
    assert not skipped.loaded and "already has" in skipped.message
    with helpdesk.session_scope() as s:
        assert count(s, User) == users
        assert count(s, ServiceRequest) == len(reqs)


def test_demo_refuses_a_database_with_accounts(helpdesk):
    with helpdesk.session_scope() as s:
        svc.create_user(s, None, username="admin", full_name="Administrator", role="admin",
                        password="secret")
    with pytest.raises(DemoDataExists):
        load_demo(helpdesk)
    assert not load_demo(helpdesk, if_empty=True).loaded
    with helpdesk.session_scope() as s:
        assert count(s, User) == 1 and count(s, ServiceRequest) == 0


def test_demo_is_the_same_every_time(tmp_path, plugins):
    def load(name: str) -> list[tuple]:
        hd = HelpDesk(Settings(database_url=f"sqlite:///{tmp_path}/{name}.db", home=tmp_path,
                               discover_plugins=False), plugins=plugins)
        try:
            hd.create_schema()
            load_demo(hd)
            with hd.session_scope() as s:
                rows = s.execute(select(
                    ServiceRequest.number, ServiceRequest.title, ServiceRequest.status,
                    ServiceRequest.priority, ServiceRequest.channel, ServiceRequest.rating,
                    User.username,
                ).join(User, User.id == ServiceRequest.requester_id)
                 .order_by(ServiceRequest.id)).all()
            return [tuple(r) for r in rows]
        finally:
            hd.dispose()

    assert load("one") == load("two")


def test_the_demo_replays_weeks_of_office_hours_and_gives_the_clock_back(helpdesk):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from hdcore import Event, now
    from hdcore.demo_timeline import PERIODS

    before = datetime.now(UTC)
    load_demo(helpdesk)
    assert abs(now() - datetime.now(UTC)) < timedelta(seconds=5)  # the real clock again

    shanghai = ZoneInfo("Asia/Shanghai")
    with helpdesk.session_scope() as s:
        reqs = [r for r in s.scalars(select(ServiceRequest)) if r.created_at < before]
        filed = sorted(r.created_at for r in reqs)
        assert filed[0] >= before - timedelta(days=31) and filed[-1] < before
        assert filed[-1] - filed[0] > timedelta(days=14)  # requests of different ages
        # First answers after minutes to hours (or over a night), not all at once.
        waits = [r.first_response_at - r.created_at for r in reqs if r.first_response_at]
        assert len(waits) >= 10 and len(set(waits)) == len(waits)
        assert all(timedelta(minutes=1) <= w <= timedelta(days=4) for w in waits)
        assert sum(w < timedelta(hours=4) for w in waits) >= len(waits) // 2
        # Everything the replay did, it did in office hours on a working day.
        history = s.scalars(select(Event.at).where(Event.at < before)).all()
        assert len({e.date() for e in history}) >= 10
        for at in history:
            local = at.astimezone(shanghai)
            assert local.weekday() < 5, local
            assert any(a <= local.time() <= b for a, b in PERIODS), local
        # Each request's own story goes forward in time.
        for r in reqs:
            stamps = s.scalars(select(Event.at).where(Event.request_id == r.id)
                               .order_by(Event.id)).all()
            assert stamps == sorted(stamps), r.number


def test_a_failed_load_gives_the_real_clock_back(helpdesk, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from hdcore import demo, now

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(demo.svc, "rate", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        load_demo(helpdesk)
    assert abs(now() - datetime.now(UTC)) < timedelta(seconds=5)
