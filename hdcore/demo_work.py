"""Demo data: what people do on a request once it is filed, besides its workflow steps.

Who acts (the technician on it, the requester, their head, the supervisors), the tasks worked in
dependency order, some conversation, escalations and ratings. A mixin of the demo loader
(:class:`hdcore.demo._Loader`), whose session, seeded random numbers, plugin host, accounts and
warnings it uses; each generator yields the office minutes the next action comes after.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.demo_data import (
    INTERNAL_NOTES,
    RATING_COMMENTS,
    REQUESTER_REPLIES,
    SCORES,
    TECH_REPLIES,
)
from hdcore.demo_timeline import draw
from hdcore.errors import HelpdeskError
from hdcore.host import PluginHost
from hdcore.models import Role, ServiceRequest, Task, User
from hdcore.workflow import DEPARTMENT_HEAD, REQUESTER, StateKind


class DemoWork:
    """The people side of the demo's replay (see the module docstring)."""

    session: Session
    rng: random.Random
    host: PluginHost
    users: dict[str, User]
    warnings: list[str]

    def _candidates(self, req: ServiceRequest) -> list[User]:
        """Who might act: the technician on it, the requester, their head, then the supervisors."""
        people = [self._technician(req), req.requester, self._head_of(req.requester),
                  self.users["wang.fang"], self.users["chen.jie"], self.users["admin"]]
        return list({u.id: u for u in people if u is not None}.values())

    def _technician(self, req: ServiceRequest) -> User | None:
        if req.assignee is not None:
            return req.assignee
        if req.group is not None:
            techs = sorted((m for m in req.group.members if m.role == Role.TECHNICIAN),
                           key=lambda m: m.username)
            return techs[0] if techs else None
        return None

    def _head_of(self, user: User) -> User | None:
        return user.department.head if user.department is not None else None

    def _actor_for(self, req: ServiceRequest, step: str) -> User | None:
        """Someone allowed to take ``step`` now, preferring whom the step is meant for.

        A step open to the requester is theirs (answering, confirming, verifying, reopening,
        withdrawing); one open to the department head is the head's (approvals); any other
        goes to the first allowed of the technician on it, the requester, the head, the lead,
        the manager and the administrator.
        """
        allowed = [u for u in self._candidates(req)
                   if any(t.name == step
                          for t in svc.available_transitions(self.session, u, req))]
        if not allowed:
            return None
        t = self.host.workflow(req.category).transition(step)
        roles = t.roles if t is not None else frozenset()
        head = self._head_of(req.requester)
        if REQUESTER in roles and req.requester in allowed:
            return req.requester
        if DEPARTMENT_HEAD in roles and head in allowed:
            return head
        return allowed[0]

    def _finish_tasks(self, req: ServiceRequest) -> Iterator[float]:
        """Work the open tasks in dependency order, each taking a while; whether any was
        finished."""
        finished = False
        while True:
            ready = [t for t in req.tasks if t.is_open and not t.blocked_by]
            if not ready:
                return finished
            for task in ready:
                worker = self._task_worker(req, task)
                try:
                    if task.status == "open":
                        yield draw(self.rng, "task")
                        svc.start_task(self.session, worker, task.id)
                    yield draw(self.rng, "task")
                    svc.complete_task(self.session, worker, task.id, note="Done.")
                except HelpdeskError as exc:
                    self.warnings.append(f"{req.number}: task {task.title!r} not done: {exc}")
                    return finished
                finished = True

    def _task_worker(self, req: ServiceRequest, task: Task) -> User:
        members = sorted(task.group.members, key=lambda m: m.username) if task.group else []
        for person in (task.assignee, *members, self._technician(req)):
            if person is not None and person.is_staff and svc.can_work_task(person, task):
                return person
        return self.users["wang.fang"]

    def _talk(self, req: ServiceRequest) -> Iterator[float]:
        """Some conversation once work starts: a reply, the requester's answer, a note."""
        tech = self._technician(req) or self.users["wang.fang"]
        try:
            if self.rng.random() < 0.5:
                yield draw(self.rng, "reply")
                svc.add_comment(self.session, tech, req.id, self.rng.choice(TECH_REPLIES))
                open_for_reply = (req.status != "waiting_requester"
                                  and not self.host.workflow(req.category).is_final(req.status))
                if open_for_reply and self.rng.random() < 0.6:
                    yield draw(self.rng, "reply")
                    svc.add_comment(self.session, req.requester, req.id,
                                    self.rng.choice(REQUESTER_REPLIES))
            if self.rng.random() < 0.3:
                yield draw(self.rng, "reply")
                svc.add_comment(self.session, tech, req.id, self.rng.choice(INTERNAL_NOTES),
                                internal=True)
        except HelpdeskError as exc:
            self.warnings.append(f"{req.number}: comment not added: {exc}")

    def _escalate(self, req: ServiceRequest, who: str, reason: str) -> Iterator[float]:
        """Escalate ``req`` as its requester or technician; the manager notes it soon after."""
        open_kinds = (StateKind.NEW, StateKind.ACTIVE, StateKind.WAITING)
        actor = req.requester if who == "requester" else req.assignee
        if actor is None or self.host.workflow(req.category).kind(req.status) not in open_kinds:
            return
        yield draw(self.rng, "escalation")
        try:
            svc.escalate(self.session, actor, req.id, reason)
        except HelpdeskError as exc:
            self.warnings.append(f"{req.number}: not escalated: {exc}")
            return
        yield draw(self.rng, "reply")
        try:
            svc.add_comment(self.session, self.users["chen.jie"], req.id,
                            "已升级到IT部经理，今天内跟进。", internal=True)
        except HelpdeskError as exc:
            self.warnings.append(f"{req.number}: comment not added: {exc}")

    def _rate(self, req: ServiceRequest) -> None:
        """The requester rates the closed request (most do)."""
        score = self.rng.choice(SCORES)
        try:
            svc.rate(self.session, req.requester, req.id, score,
                     self.rng.choice(RATING_COMMENTS[score]))
        except HelpdeskError as exc:
            self.warnings.append(f"{req.number}: not rated: {exc}")
