"""Who can take work: capacity (own or the role's), leave, skills and open work per person.

"Open work" is counted as on the workload pages: requests in a new, active or waiting state
and tasks open or in progress, assigned to the person. "Today" is the date in the help desk's
time zone, read from :func:`hdcore.now` (the only clock).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hdcore.clock import now
from hdcore.models import (
    STAFF_ROLES,
    Group,
    Leave,
    Role,
    RoleCapacity,
    ServiceRequest,
    Skill,
    StaffCapacity,
    Task,
    User,
    UserSkill,
)
from hdcore.queries.workload import OPEN_TASK_STATUSES, WORK_KINDS, states_of_kinds
from hdcore.services.base import company_timezone

#: Built-in default capacity per role, when the administrator has not set one: technicians
#: carry the desk's work; the lead, the manager and the administrator take a little.
DEFAULT_CAPACITY: dict[str, int] = {
    Role.TECHNICIAN.value: 10,
    Role.LEAD.value: 5,
    Role.MANAGER.value: 3,
    Role.ADMIN.value: 3,
    Role.EMPLOYEE.value: 0,
}


def today(session: Session) -> date:
    """Today's date where the help desk works."""
    return now().astimezone(company_timezone(session)).date()


def role_capacities(session: Session) -> dict[str, int]:
    """The default capacity of each role (the administrator's, else the built-in one)."""
    out = dict(DEFAULT_CAPACITY)
    out.update({row.role: row.capacity for row in session.scalars(select(RoleCapacity))})
    return out


def own_capacities(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """The capacities set for these people themselves (absent: their role's applies)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {row.user_id: row.capacity for row in session.scalars(
        select(StaffCapacity).where(StaffCapacity.user_id.in_(ids)))}


def capacities(session: Session, users: Iterable[User]) -> dict[int, int]:
    """Each person's capacity: their own if set, else their role's default."""
    people = list(users)
    own = own_capacities(session, (u.id for u in people))
    by_role = role_capacities(session)
    return {u.id: own.get(u.id, by_role.get(u.role, 0)) for u in people}


def open_loads(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """Open requests plus open tasks assigned to each of these people (every id present)."""
    ids = list(set(user_ids))
    out = dict.fromkeys(ids, 0)
    if not ids:
        return out
    r, t = ServiceRequest, Task
    requests = session.execute(
        select(r.assignee_id, func.count()).where(
            r.assignee_id.in_(ids), states_of_kinds(session, WORK_KINDS))
        .group_by(r.assignee_id))
    tasks = session.execute(
        select(t.assignee_id, func.count()).where(
            t.assignee_id.in_(ids), t.status.in_(OPEN_TASK_STATUSES))
        .group_by(t.assignee_id))
    for uid, n in [*requests, *tasks]:
        out[uid] += int(n)
    return out


def leave_on(session: Session, user_ids: Iterable[int], day: date) -> dict[int, Leave]:
    """The leave covering ``day`` of each of these people who is away then."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = session.scalars(select(Leave).where(
        Leave.user_id.in_(ids), Leave.starts_on <= day, Leave.ends_on >= day)
        .order_by(Leave.ends_on.desc()))
    out: dict[int, Leave] = {}
    for leave in rows:
        out.setdefault(leave.user_id, leave)
    return out


def leaves_of(session: Session, user_id: int, *, since: date | None = None) -> list[Leave]:
    """A person's leave periods ending on or after ``since`` (all when None), soonest first."""
    query = select(Leave).where(Leave.user_id == user_id)
    if since is not None:
        query = query.where(Leave.ends_on >= since)
    return list(session.scalars(query.order_by(Leave.starts_on, Leave.id)))


def next_leaves(session: Session, user_ids: Iterable[int], day: date) -> dict[int, Leave]:
    """Each person's current or next leave from ``day`` on (absent: none planned)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    out: dict[int, Leave] = {}
    for leave in session.scalars(select(Leave).where(Leave.user_id.in_(ids),
                                                     Leave.ends_on >= day)
                                 .order_by(Leave.starts_on, Leave.id)):
        out.setdefault(leave.user_id, leave)
    return out


def skill_levels(session: Session, user_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """``{user id: {skill id: level}}`` for these people (absent: no skills)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    out: dict[int, dict[int, int]] = {}
    for row in session.scalars(select(UserSkill).where(UserSkill.user_id.in_(ids))):
        out.setdefault(row.user_id, {})[row.skill_id] = row.level
    return out


def all_skills(session: Session) -> list[Skill]:
    """Every skill, by name."""
    return list(session.scalars(select(Skill).order_by(Skill.name)))


def skill_holder_counts(session: Session) -> dict[int, int]:
    """How many people have each skill (absent: nobody)."""
    return {sid: int(n) for sid, n in session.execute(
        select(UserSkill.skill_id, func.count()).group_by(UserSkill.skill_id))}


@dataclass
class StaffResources:
    """One member of IT staff as the resource pages show them."""

    user: User
    capacity: int
    own_capacity: int | None
    load: int
    #: ``(skill, level)`` pairs, by skill name.
    skills: list[tuple[Skill, int]] = field(default_factory=list)
    #: The leave covering today, if any.
    away: Leave | None = None
    #: The next leave after today, if one is planned.
    planned: Leave | None = None

    @property
    def at_capacity(self) -> bool:
        """Whether automatic assignment would pass this person over for load."""
        return self.load >= self.capacity


def staff_resources(session: Session, users: Iterable[User] | None = None) -> list[StaffResources]:
    """Active IT staff (or ``users``) with capacity, open work, skills and leave, by user name
    (the names in letters, so in the alphabetical order people expect)."""
    if users is None:
        users = session.scalars(
            select(User).where(User.role.in_(STAFF_ROLES), User.is_active.is_(True))
            .options(selectinload(User.groups)).order_by(User.username))
    people = list(users)
    ids = [u.id for u in people]
    day = today(session)
    caps = capacities(session, people)
    own = own_capacities(session, ids)
    loads = open_loads(session, ids)
    levels = skill_levels(session, ids)
    skills = {s.id: s for s in all_skills(session)}
    away = leave_on(session, ids, day)
    upcoming = next_leaves(session, ids, day)
    out = []
    for u in people:
        mine = sorted(((skills[sid], lvl) for sid, lvl in levels.get(u.id, {}).items()
                       if sid in skills), key=lambda p: p[0].name.lower())
        nxt = upcoming.get(u.id)
        out.append(StaffResources(
            user=u, capacity=caps[u.id], own_capacity=own.get(u.id), load=loads[u.id],
            skills=mine, away=away.get(u.id),
            planned=nxt if nxt is not None and nxt.starts_on > day else None,
        ))
    return out


def group_members(session: Session, group: Group) -> list[User]:
    """The group's members in the stable order automatic assignment uses (user name, id)."""
    return sorted(group.members, key=lambda u: (u.username, u.id))
