"""What the SLA tests share: a repair category whose vendor's time pauses the clock, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from hdcore import (
    CategorySpec,
    HelpdeskPlugin,
    State,
    StateKind,
    Transition,
    TransitionContext,
    VendorKind,
    WorkflowContribution,
    hookimpl,
)
from hdcore import services as svc
from hdcore.clock import FrozenClock, frozen
from hdcore.models import Event, SlaFiredAction
from tests.core.sample_plugin import LoanPlugin

SH = ZoneInfo("Asia/Shanghai")
#: A Tuesday morning in an ordinary working week.
START = datetime(2026, 12, 1, 9, 0, tzinfo=SH)


def at(text: str) -> datetime:
    """A wall-clock time in Shanghai (``"2026-12-01 09:00"``)."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def local(when: datetime | None) -> str | None:
    """An instant as Shanghai wall-clock text, for readable assertions."""
    return when.astimezone(SH).strftime("%Y-%m-%d %H:%M") if when else None


class RepairPlugin(HelpdeskPlugin):
    """Repairs sent out to a vendor whose time, by default, does not count against IT."""

    name = "repairs"
    title = "Repairs"

    @hookimpl
    def hd_categories(self) -> list[CategorySpec]:
        return [CategorySpec("repair", "Repair")]

    @hookimpl
    def hd_workflow(self, category: str) -> WorkflowContribution | None:
        if category != "repair":
            return None
        return WorkflowContribution(
            states=(State("at_vendor", "At the vendor", StateKind.WAITING),),
            transitions=(
                Transition("send_out", "Send to the vendor", ("in_progress",), "at_vendor"),
                Transition("back", "Back from the vendor", ("at_vendor",), "in_progress"),
            ),
        )

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        return [VendorKind("fixer", "Repair shop", pauses_sla=True)]

    @hookimpl
    def hd_on_transition(self, ctx: TransitionContext) -> None:
        if ctx.transition.name == "send_out":
            svc.engage_vendor(ctx.session, ctx.actor, ctx.request, vendor="Fix Co", kind="fixer")
        elif ctx.transition.name == "back":
            eng = svc.current_engagement(ctx.session, ctx.request, "fixer")
            assert eng is not None
            svc.update_engagement(ctx.session, ctx.actor, eng.id, status="done")


@pytest.fixture(name="plugins")
def plugins_fixture() -> list[object]:
    """The loans test plugin and the repairs one."""
    return [LoanPlugin(), RepairPlugin()]


@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[FrozenClock]:
    """Time stands still on Tuesday 2026-12-01 09:00 in Shanghai until a test moves it."""
    with frozen(START) as c:
        yield c


def loan(session, people, priority: str = "normal", **kw):
    """An employee's loan request."""
    return svc.submit_request(session, people.employee, category="loan", title="Laptop",
                              details={"item": "laptop", "days": 3}, priority=priority, **kw)


def repair(session, people, priority: str = "normal"):
    """An employee's repair request, assigned to and started by the technician."""
    req = svc.submit_request(session, people.employee, category="repair", title="Printer",
                             priority=priority)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    svc.transition(session, people.tech, req.id, "start")
    return req


def fired(session, request_id: int | None = None) -> list[tuple[int, str, str]]:
    """The fired-actions register: (request, key, outcome)."""
    q = select(SlaFiredAction.request_id, SlaFiredAction.action_key, SlaFiredAction.outcome)
    if request_id is not None:
        q = q.where(SlaFiredAction.request_id == request_id)
    return [tuple(r) for r in session.execute(q.order_by(SlaFiredAction.id))]


def events(session, request_id: int, *kinds: str) -> list[Event]:
    """The request's events of these kinds, in order."""
    session.expire_all()
    return list(session.scalars(select(Event).where(Event.request_id == request_id,
                                                    Event.kind.in_(kinds))
                                .order_by(Event.id)))


def count_events(session, *kinds: str) -> int:
    """How many events of these kinds exist in all."""
    return session.scalar(select(func.count()).select_from(Event).where(Event.kind.in_(kinds)))
