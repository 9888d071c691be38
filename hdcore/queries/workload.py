"""Who has how much open work: per person and IT group, the intake, escalations, the oldest.

Requests are counted by the *kind* of their state (new, active, waiting, resolved), read from
each category's workflow, so a plugin's own states count where they belong. "Open work" is a
request in a new, active or waiting state (a resolved one waits for its requester, not for IT)
and a task that is open or in progress. A request is overdue when its clock runs (new or active)
and its response deadline (before IT's first answer) or its resolution deadline has passed; a
task when its due time has passed. Escalated means an escalation level above zero and not final.
Every count is one grouped query, whatever the number of people and requests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from hdcore.models import (
    STAFF_ROLES,
    Event,
    Group,
    Role,
    ServiceRequest,
    Task,
    TaskStatus,
    User,
    group_membership,
    utcnow,
)
from hdcore.services.base import host_of
from hdcore.workflow import StateKind

#: State kinds of open work: IT or the requester still has to act before it is resolved.
WORK_KINDS = (StateKind.NEW, StateKind.ACTIVE, StateKind.WAITING)
#: State kinds counted on the overview: everything not final.
LIVE_KINDS = (*WORK_KINDS, StateKind.RESOLVED)
#: State kinds in which the clock runs against IT; only these can be overdue.
CLOCK_KINDS = (StateKind.NEW, StateKind.ACTIVE)
#: Task statuses that are still work to do.
OPEN_TASK_STATUSES = (TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value)
#: The intake's tabs: nobody at all, or only a group (no person has taken it yet).
INTAKE_TABS = ("unassigned", "group")
#: What the list of open work can narrow to.
WORK_FLAGS = ("overdue", "escalated")


@dataclass
class Workload:
    """The open work of one person, one group, or of nobody (the intake)."""

    #: Requests by state kind (``new``, ``active``, ``waiting``, ``resolved``).
    by_kind: Counter[str] = field(default_factory=Counter)
    #: Open tasks (open or in progress).
    tasks: int = 0
    overdue_requests: int = 0
    overdue_tasks: int = 0
    #: Escalated requests not yet final (resolved ones included, as on the escalation list).
    escalated: int = 0
    #: Open requests no person has taken yet (meaningful for groups).
    without_person: int = 0

    @property
    def requests(self) -> int:
        """Open requests: new, active or waiting."""
        return sum(self.by_kind[k.value] for k in WORK_KINDS)

    @property
    def overdue(self) -> int:
        """Overdue requests and tasks together."""
        return self.overdue_requests + self.overdue_tasks

    @property
    def total(self) -> int:
        """Open requests and open tasks: the size of the pile."""
        return self.requests + self.tasks


@dataclass
class PersonLoad:
    """A member of IT staff (or anyone else holding open work) and their open work."""

    user: User
    load: Workload


@dataclass
class GroupLoad:
    """An IT group, how many people are in it, and the open work assigned to it."""

    group: Group
    members: int
    load: Workload


def states_of_kinds(session: Session, kinds: Iterable[StateKind]) -> ColumnElement[bool]:
    """A condition: the request's status is of one of ``kinds`` in its category's workflow.

    Written so an index on ``status`` (alone or after the assignee or the group) serves it:
    ``status IN (...)`` over the names that have a wanted kind in every workflow that has them,
    plus a category-bound term for a name whose kind differs between workflows. Requests of a
    category whose plugin is no longer installed match nothing (their states are unknown).
    """
    return kinds_condition(host_of(session), frozenset(StateKind(k) for k in kinds))


@lru_cache(maxsize=64)
def kinds_condition(host: Any, wanted: frozenset[StateKind]) -> ColumnElement[bool]:
    """:func:`states_of_kinds` for a plugin host rather than a session (for statements built
    once per host and kept). Built once per host and set of kinds: the workflows are fixed at
    start-up, and building the expression costs more than running the query it filters."""
    r = ServiceRequest
    kinds_of: dict[str, dict[str, bool]] = {}
    for cat in host.categories():
        for state in host.workflow(cat.name).states.values():
            kinds_of.setdefault(state.name, {})[cat.name] = state.kind in wanted
    everywhere = sorted(n for n, by_cat in kinds_of.items() if all(by_cat.values()))
    parts: list[ColumnElement[bool]] = []
    if everywhere:
        known = sorted(c.name for c in host.categories())
        parts.append(and_(r.status.in_(everywhere), r.category.in_(known)))
    for name, by_cat in sorted(kinds_of.items()):
        cats = sorted(c for c, ok in by_cat.items() if ok)
        if cats and len(cats) < len(by_cat):
            parts.append(and_(r.status == name, r.category.in_(cats)))
    return or_(*parts) if parts else false()


def _kind_map(session: Session) -> dict[tuple[str, str], str]:
    """``(category, status) -> state kind`` for every known state."""
    host = host_of(session)
    return {(cat.name, st.name): st.kind.value for cat in host.categories()
            for st in host.workflow(cat.name).states.values()}


def past_due(now: datetime) -> ColumnElement[bool]:
    """The request's running deadline has passed (its state kind is checked separately).

    Before IT's first answer the response deadline counts as well as the resolution one.
    """
    r = ServiceRequest
    return or_(and_(r.first_response_at.is_(None), r.response_due_at < now),
               r.resolve_due_at < now)


def overdue_condition(session: Session, now: datetime) -> ColumnElement[bool]:
    """A condition: the request is overdue now (its clock runs and a deadline has passed)."""
    return and_(states_of_kinds(session, CLOCK_KINDS), past_due(now))


def _sum_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _request_loads(session: Session, key: Any, now: datetime,
                   where: ColumnElement[bool] | None = None) -> dict[Any, Workload]:
    """Live requests grouped by ``key`` (a column), counted into one Workload per key."""
    r = ServiceRequest
    query = (select(key, r.category, r.status, func.count(),
                    _sum_if(past_due(now)), _sum_if(r.escalation_level > 0),
                    _sum_if(r.assignee_id.is_(None)))
             .where(states_of_kinds(session, LIVE_KINDS))
             .group_by(key, r.category, r.status))
    if where is not None:
        query = query.where(where)
    kinds = _kind_map(session)
    work = {k.value for k in WORK_KINDS}
    clock = {k.value for k in CLOCK_KINDS}
    out: dict[Any, Workload] = {}
    for k, category, status, count, late, escalated, nobody in session.execute(query):
        kind = kinds.get((category, status), StateKind.ACTIVE.value)
        load = out.setdefault(k, Workload())
        load.by_kind[kind] += count
        load.escalated += int(escalated)
        if kind in clock:
            load.overdue_requests += int(late)
        if kind in work:
            load.without_person += int(nobody)
    return out


def _task_loads(session: Session, key: Any, now: datetime,
                where: ColumnElement[bool] | None = None) -> dict[Any, tuple[int, int]]:
    """Open tasks grouped by ``key``: ``(open, overdue)`` per key."""
    t = Task
    query = (select(key, func.count(), _sum_if(t.due_at < now))
             .where(t.status.in_(OPEN_TASK_STATUSES)).group_by(key))
    if where is not None:
        query = query.where(where)
    return {k: (int(n), int(late)) for k, n, late in session.execute(query)}


def _merge_tasks(loads: dict[Any, Workload], tasks: dict[Any, tuple[int, int]]) -> None:
    for key, (count, late) in tasks.items():
        load = loads.setdefault(key, Workload())
        load.tasks += count
        load.overdue_tasks += late


_ROLE_ORDER = {Role.TECHNICIAN.value: 0, Role.LEAD.value: 1, Role.MANAGER.value: 2,
               Role.ADMIN.value: 3}


def staff_workload(session: Session, *, now: datetime | None = None,
                   include_idle: bool = True) -> list[PersonLoad]:
    """Every active member of IT staff with their open work, technicians first, by name.

    Anyone else who still holds open work (an account since deactivated or made an employee)
    is listed too, so no work is hidden. ``include_idle=False`` keeps only technicians and
    people who have some open work.
    """
    now = now or utcnow()
    loads = _request_loads(session, ServiceRequest.assignee_id, now,
                           ServiceRequest.assignee_id.is_not(None))
    _merge_tasks(loads, _task_loads(session, Task.assignee_id, now,
                                    Task.assignee_id.is_not(None)))
    busy = {uid for uid, load in loads.items() if load.total or load.escalated}
    staff = session.scalars(select(User).where(or_(
        and_(User.role.in_(STAFF_ROLES), User.is_active.is_(True)),
        User.id.in_(busy) if busy else false())).options(selectinload(User.groups))).all()
    people = [PersonLoad(u, loads.get(u.id, Workload())) for u in staff
              if include_idle or u.role == Role.TECHNICIAN.value or u.id in busy]
    people.sort(key=lambda p: (_ROLE_ORDER.get(p.user.role, 9), p.user.full_name.lower(),
                               p.user.id))
    return people


def group_workload(session: Session, *, now: datetime | None = None) -> list[GroupLoad]:
    """Every IT group with its member count and the open work assigned to it, by name."""
    now = now or utcnow()
    loads = _request_loads(session, ServiceRequest.group_id, now,
                           ServiceRequest.group_id.is_not(None))
    _merge_tasks(loads, _task_loads(session, Task.group_id, now, Task.group_id.is_not(None)))
    gm = group_membership
    members = {gid: int(n) for gid, n in session.execute(
        select(gm.c.group_id, func.count()).group_by(gm.c.group_id))}
    groups = session.scalars(select(Group).order_by(Group.name)).all()
    return [GroupLoad(g, int(members.get(g.id, 0)), loads.get(g.id, Workload()))
            for g in groups]


def unassigned_workload(session: Session, *, now: datetime | None = None) -> Workload:
    """The open work nobody (neither a person nor a group) has: the intake and loose tasks."""
    now = now or utcnow()
    r, t = ServiceRequest, Task
    # The grouping key does not matter here: every part is added into one workload.
    loads = _request_loads(session, r.category, now,
                           and_(r.assignee_id.is_(None), r.group_id.is_(None)))
    tasks = _task_loads(session, t.status, now,
                        and_(t.assignee_id.is_(None), t.group_id.is_(None)))
    load = Workload()
    for part in loads.values():
        _add(load, part)
    for count, late in tasks.values():
        load.tasks += count
        load.overdue_tasks += late
    return load


def _add(into: Workload, other: Workload) -> None:
    into.by_kind.update(other.by_kind)
    into.tasks += other.tasks
    into.overdue_requests += other.overdue_requests
    into.overdue_tasks += other.overdue_tasks
    into.escalated += other.escalated
    into.without_person += other.without_person


def total_workload(session: Session, *, now: datetime | None = None) -> Workload:
    """All open work of the desk, whoever has it."""
    now = now or utcnow()
    load = Workload()
    for part in _request_loads(session, ServiceRequest.category, now).values():
        _add(load, part)
    for count, late in _task_loads(session, Task.status, now).values():
        load.tasks += count
        load.overdue_tasks += late
    return load


# -- lists -----------------------------------------------------------------------------------


def _with_people(query: Select[tuple[ServiceRequest]]) -> Select[tuple[ServiceRequest]]:
    r = ServiceRequest
    return query.options(selectinload(r.requester).selectinload(User.department),
                         selectinload(r.assignee), selectinload(r.group))


def intake_query(session: Session, tab: str = "unassigned") -> Select[tuple[ServiceRequest]]:
    """Open requests no person has taken, oldest first.

    ``unassigned``: neither a person nor a group; ``group``: only a group.
    """
    r = ServiceRequest
    group_cond = r.group_id.is_(None) if tab != "group" else r.group_id.is_not(None)
    return _with_people(
        select(r).where(r.assignee_id.is_(None), group_cond,
                        states_of_kinds(session, WORK_KINDS))
        .order_by(r.created_at.asc(), r.id.asc()))


def intake_counts(session: Session) -> dict[str, int]:
    """How many requests each intake tab holds."""
    return {tab: session.scalar(select(func.count()).select_from(
        intake_query(session, tab).order_by(None).subquery())) or 0 for tab in INTAKE_TABS}


@dataclass(frozen=True)
class WorkFilter:
    """Whose open work to list: one person, one group, or nobody's; optionally only the
    overdue or escalated part of it."""

    assignee_id: int | None = None
    group_id: int | None = None
    #: Work neither a person nor a group has (the intake and loose tasks).
    nobody: bool = False
    flag: str = ""


def _request_scope(wf: WorkFilter) -> list[ColumnElement[bool]]:
    r = ServiceRequest
    conds: list[ColumnElement[bool]] = []
    if wf.assignee_id is not None:
        conds.append(r.assignee_id == wf.assignee_id)
    if wf.group_id is not None:
        conds.append(r.group_id == wf.group_id)
    if wf.nobody:
        conds += [r.assignee_id.is_(None), r.group_id.is_(None)]
    return conds


def open_requests_query(session: Session, wf: WorkFilter, *,
                        now: datetime | None = None) -> Select[tuple[ServiceRequest]]:
    """The open requests ``wf`` selects; the soonest due first, then the oldest.

    Escalated ones include resolved requests (as the escalation list does).
    """
    now = now or utcnow()
    r = ServiceRequest
    query = select(r).where(*_request_scope(wf))
    if wf.flag == "overdue":
        query = query.where(overdue_condition(session, now))
    elif wf.flag == "escalated":
        query = query.where(r.escalation_level > 0, states_of_kinds(session, LIVE_KINDS))
    else:
        query = query.where(states_of_kinds(session, WORK_KINDS))
    due = func.coalesce(r.resolve_due_at, r.response_due_at)
    return _with_people(query.order_by(due.is_(None), due.asc(), r.created_at.asc(),
                                       r.id.asc()))


def open_tasks_query(wf: WorkFilter, *, now: datetime | None = None) -> Select[tuple[Task]]:
    """The open tasks ``wf`` selects (none when only escalated requests are asked for)."""
    now = now or utcnow()
    t = Task
    query = select(t).where(t.status.in_(OPEN_TASK_STATUSES))
    if wf.assignee_id is not None:
        query = query.where(t.assignee_id == wf.assignee_id)
    if wf.group_id is not None:
        query = query.where(t.group_id == wf.group_id)
    if wf.nobody:
        query = query.where(t.assignee_id.is_(None), t.group_id.is_(None))
    if wf.flag == "overdue":
        query = query.where(t.due_at < now)
    elif wf.flag == "escalated":
        query = query.where(false())
    return query.order_by(t.due_at.is_(None), t.due_at.asc(), t.id.asc()).options(
        selectinload(t.request), selectinload(t.assignee), selectinload(t.group),
        selectinload(t.depends_on))


def oldest_open(session: Session, limit: int = 10) -> list[ServiceRequest]:
    """The ``limit`` oldest open requests (new, active or waiting), oldest first."""
    r = ServiceRequest
    return list(session.scalars(_with_people(
        select(r).where(states_of_kinds(session, WORK_KINDS))
        .order_by(r.created_at.asc(), r.id.asc()).limit(limit))))


def escalated_query(session: Session) -> Select[tuple[ServiceRequest]]:
    """Escalated requests not yet final: the highest level first, then the longest waiting."""
    r = ServiceRequest
    return _with_people(
        select(r).where(r.escalation_level > 0, states_of_kinds(session, LIVE_KINDS))
        .order_by(r.escalation_level.desc(), r.escalated_at.asc(), r.id.asc()))


def last_escalations(session: Session, request_ids: Sequence[int]) -> dict[int, Event]:
    """The latest escalation event of each request (its reason is ``data["reason"]``, its
    actor None when the escalation was automatic)."""
    if not request_ids:
        return {}
    events = session.scalars(
        select(Event).where(Event.kind == "escalated", Event.request_id.in_(request_ids))
        .order_by(Event.at.desc(), Event.id.desc()).options(selectinload(Event.actor)))
    out: dict[int, Event] = {}
    for ev in events:
        out.setdefault(ev.request_id, ev)
    return out


def route_suggestions(session: Session, request_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Where the category suggested each request should go, when it did (the latest
    suggestion): ``{"group": name, "assignee": user name, "reason": text}``."""
    if not request_ids:
        return {}
    events = session.scalars(
        select(Event).where(Event.kind == "route_suggested", Event.request_id.in_(request_ids))
        .order_by(Event.at.desc(), Event.id.desc()))
    out: dict[int, dict[str, Any]] = {}
    for ev in events:
        out.setdefault(ev.request_id, dict(ev.data))
    return out
