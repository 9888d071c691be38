"""How a person is picked inside an IT group, and who was passed over and why.

Policies (``Group.assignment_policy``):

- ``least_loaded``: the available member with the least open work (requests and tasks);
  ties go to the first by user name, so the same state always gives the same answer.
- ``round_robin``: members take turns in user-name order, going on after the one picked
  last (the group's :class:`~hdcore.models.RoutingPointer`); unavailable members are passed.
- ``by_skill``: members holding the skill the route asks for, the highest level first, then
  the least loaded; without a skill to look for, it works as ``least_loaded``.
- ``group_only``: nobody is picked; the group's members take the request from their queue.

A member is unavailable when their account is deactivated, they are on leave today, or their
open work has reached their capacity. Every pick first locks the group's pointer row
(``SELECT ... FOR UPDATE``), so concurrent submissions into one group are decided one after
the other on PostgreSQL; SQLite serialises writers by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hdcore.i18n import _
from hdcore.models import Group, RoutingPointer, Skill, User, utcnow
from hdcore.queries.resources import (
    capacities,
    group_members,
    leave_on,
    open_loads,
    skill_levels,
    today,
)

POLICIES = {
    "least_loaded": _("Least open work"),
    "round_robin": _("Round robin"),
    "by_skill": _("By skill"),
    "group_only": _("Group only (its members take it)"),
}
DEFAULT_POLICY = "least_loaded"

#: Why a member was passed over.
SKIP_REASONS = {
    "inactive": _("account deactivated"),
    "not_staff": _("not IT staff"),
    "on_leave": _("on leave"),
    "at_capacity": _("at capacity"),
    "no_skill": _("lacks the skill"),
}


@dataclass
class Seen:
    """A member as the policy saw them: their open work, capacity, skill, and any skip."""

    user: User
    load: int
    capacity: int
    level: int | None = None
    #: Why they were passed over (a key of :data:`SKIP_REASONS`), None if they could take it.
    skipped: str | None = None
    #: The last day of the leave they are on, when skipped for leave.
    until: date | None = None

    def as_data(self) -> dict[str, Any]:
        """JSON-ready, for the event that records the assignment."""
        data: dict[str, Any] = {"id": self.user.id, "username": self.user.username,
                                "name": self.user.full_name, "load": self.load,
                                "capacity": self.capacity}
        if self.level is not None:
            data["level"] = self.level
        if self.skipped:
            data["why"] = self.skipped
        if self.until is not None:
            data["until"] = self.until.isoformat()
        return data


@dataclass
class Pick:
    """What a policy decided: the person (or None) and everyone it looked at."""

    policy: str
    chosen: User | None
    seen: list[Seen] = field(default_factory=list)
    #: Why nobody was picked: ``group_only``, ``nobody_available``, ``empty_group``; or,
    #: with a person, ``no_skill_given`` when by-skill fell back to the least loaded.
    note: str | None = None

    @property
    def candidates(self) -> list[Seen]:
        """The members who could take it."""
        return [s for s in self.seen if s.skipped is None]

    @property
    def skipped(self) -> list[Seen]:
        """The members passed over."""
        return [s for s in self.seen if s.skipped is not None]


def survey(session: Session, people: list[User], *, skill: Skill | None = None,
           day: date | None = None) -> list[Seen]:
    """Each person's open work, capacity, skill level and whether they can take work now."""
    day = day or today(session)
    ids = [u.id for u in people]
    loads = open_loads(session, ids)
    caps = capacities(session, people)
    away = leave_on(session, ids, day)
    levels = skill_levels(session, ids) if skill is not None else {}
    out = []
    for u in people:
        seen = Seen(user=u, load=loads[u.id], capacity=caps[u.id])
        if skill is not None:
            seen.level = levels.get(u.id, {}).get(skill.id)
        if not u.is_active:
            seen.skipped = "inactive"
        elif not u.is_staff:
            seen.skipped = "not_staff"
        elif u.id in away:
            seen.skipped, seen.until = "on_leave", away[u.id].ends_on
        elif seen.load >= seen.capacity:
            seen.skipped = "at_capacity"
        elif skill is not None and seen.level is None:
            seen.skipped = "no_skill"
        out.append(seen)
    return out


def lock_pointer(session: Session, group: Group) -> RoutingPointer:
    """The group's pointer row, locked for the rest of the transaction (made on first use)."""
    query = select(RoutingPointer).where(RoutingPointer.group_id == group.id).with_for_update()
    for _attempt in range(3):
        pointer = session.scalars(query).first()
        if pointer is not None:
            return pointer
        try:
            # Two first submissions into a new group may both insert: one wins, the other
            # reads the winner's row (and waits for its lock) on the next attempt.
            with session.begin_nested():
                session.add(RoutingPointer(group_id=group.id, turns=0))
        except IntegrityError:
            continue
    raise RuntimeError(f"could not lock the routing pointer of group {group.id}")


def _key(user: User) -> tuple[str, int]:
    return (user.username, user.id)


def _least_loaded(candidates: list[Seen]) -> Seen:
    return min(candidates, key=lambda s: (s.load, *_key(s.user)))


def _next_in_turn(members: list[User], candidates: list[Seen], last: User | None) -> Seen:
    """The first candidate after ``last`` in the members' cyclic order."""
    able = {s.user.id: s for s in candidates}
    start = 0
    if last is not None:
        keys = [_key(m) for m in members]
        # After the last one picked, even if they have since left the group.
        start = next((i for i, k in enumerate(keys) if k > _key(last)), 0)
    order = members[start:] + members[:start]
    return next(able[m.id] for m in order if m.id in able)


def pick(session: Session, group: Group, *, skill: Skill | None = None,
         policy: str | None = None) -> Pick:
    """Choose the person in ``group`` for a new request under its policy (or ``policy``)."""
    policy = policy or group.assignment_policy or DEFAULT_POLICY
    if policy not in POLICIES:
        policy = DEFAULT_POLICY
    pointer = lock_pointer(session, group)
    members = group_members(session, group)
    wanted = skill if policy == "by_skill" else None
    seen = survey(session, members, skill=wanted)
    result = Pick(policy=policy, chosen=None, seen=seen)
    if policy == "group_only":
        result.note = "group_only"
        return result
    if not members:
        result.note = "empty_group"
        return result
    candidates = result.candidates
    if not candidates:
        result.note = "nobody_available"
        return result
    if policy == "round_robin":
        chosen = _next_in_turn(members, candidates, pointer.last_user)
        pointer.last_user_id = chosen.user.id
        pointer.turns += 1
        pointer.updated_at = utcnow()
    elif policy == "by_skill" and wanted is not None:
        chosen = min(candidates, key=lambda s: (-(s.level or 0), s.load, *_key(s.user)))
    else:
        chosen = _least_loaded(candidates)
        if policy == "by_skill":
            result.note = "no_skill_given"
    result.chosen = chosen.user
    return result
