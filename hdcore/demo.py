"""Demo data: an organisation, its vendors and a few dozen requests, all made through the services.

Everything is created the way people would create it: the administrator sets up departments,
IT groups and accounts; employees file requests (or the lead takes them by phone); the lead
assigns; each step of a category's sample path is taken by someone allowed to take it. The
random choices are seeded, so two loads give the same data.

It happens over time, as on a real desk: the load runs under a controlled clock that starts
about a month ago and moves on between steps by office-hour gaps (minutes for a dispatch, hours
for a technician's next step, days for a vendor), so requests have different ages, answers
come after minutes or hours, and some open requests are late. The clock is the real one again
when the load ends, also when it fails.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import clock
from hdcore import services as svc
from hdcore.app import HelpDesk
from hdcore.demo_analytics import seed_analytics
from hdcore.demo_assets import seed_assets
from hdcore.demo_data import (
    CATEGORY_DEFAULTS,
    DEFAULT_SEED,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    EMPLOYEES,
    ESCALATION_REASONS,
    FALLBACK_DEFAULT,
    HISTORY_DAYS,
    MIN_VARIATIONS,
    TARGET_REQUESTS,
)
from hdcore.demo_kb import seed_kb
from hdcore.demo_org import DemoOrganisation
from hdcore.demo_routing import seed_routing
from hdcore.demo_timeline import (
    GAPS,
    ZONE,
    business_add,
    business_back,
    draw,
    is_working_day,
    office_minutes,
    shift,
)
from hdcore.demo_vendors import seed_vendors
from hdcore.demo_work import DemoWork
from hdcore.errors import Conflict, HelpdeskError, TransitionRefused
from hdcore.i18n import _
from hdcore.models import (
    Comment,
    Department,
    Group,
    Priority,
    ServiceRequest,
    User,
    Vendor,
)
from hdcore.plugin_types import SampleRequest
from hdcore.workflow import DEPARTMENT_HEAD, REQUESTER, StateKind, Workflow


class DemoDataExists(Conflict):
    """The database already holds accounts: demo data only goes into an empty one."""


@dataclass(frozen=True)
class DemoAccount:
    """An account to try the demo with."""

    username: str
    full_name: str
    role: str
    note: str


@dataclass
class DemoSummary:
    """What :func:`load_demo` did (or why it did nothing)."""

    loaded: bool
    message: str
    departments: int = 0
    groups: int = 0
    users: int = 0
    vendors: int = 0
    requests: int = 0
    comments: int = 0
    escalations: int = 0
    ratings: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    #: Steps of sample paths that could not be taken (the request stops short of its path).
    warnings: list[str] = field(default_factory=list)
    #: Names in samples the demo did not have, and what it used instead.
    adjustments: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load_demo(helpdesk: HelpDesk, *, if_empty: bool = False,
              seed: int = DEFAULT_SEED) -> DemoSummary:
    """Fill an empty database with a demo organisation, vendors and requests.

    Refuses with :class:`DemoDataExists` when there are accounts already, unless ``if_empty``,
    which then does nothing and says so in the summary.
    """
    started = time.perf_counter()
    with helpdesk.session_scope() as session:
        users = session.scalar(select(func.count()).select_from(User)) or 0
        if users:
            message = str(_("The database already has %(n)d accounts; demo data is only loaded "
                            "into an empty database.")) % {"n": users}
            if if_empty:
                return DemoSummary(loaded=False, message=message)
            raise DemoDataExists(message)
        loader = _Loader(session, random.Random(seed))
        loader.collect_samples()  # at the real time: the samples are written relative to it
        with clock.frozen(loader.start) as frozen:
            loader.clock = frozen
            loader.organisation()
            loader.vendors()
            loader.requests()
        loader.routing()
        seed_analytics(session)  # surveys answered, a closed evaluation cycle
        seed_kb(session)  # knowledge-base articles and forum threads
        seed_vendors(session)  # the vendors' contacts and contracts
        seed_assets(session)  # the installed base, its counters, rules and links
        summary = loader.summary()
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


@dataclass
class _Plan:
    """A request to replay: who files it, how, and the steps it goes through."""

    category: str
    sample: SampleRequest
    requester: User
    priority: str
    channel: str
    path: tuple[tuple[str, dict[str, Any]], ...]
    #: Who loses patience once the path is walked ("requester" or "technician"), and why.
    escalation: tuple[str, str] | None = None


def history_start(now: datetime) -> datetime:
    """The first office morning :data:`HISTORY_DAYS` days before ``now``."""
    day = (now.astimezone(ZONE) - timedelta(days=HISTORY_DAYS)).date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, clock_time(8, 30), ZONE)


class _Loader(DemoOrganisation, DemoWork):
    """Creates the demo data through the services, one use case at a time."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.host = svc.host_of(session)
        self.users: dict[str, User] = {}
        self.groups: dict[str, Group] = {}
        self.heads: dict[str, User] = {}
        self.filed: list[ServiceRequest] = []
        self.warnings: list[str] = []
        self.adjustments: list[str] = []
        #: When the samples were written (the real now), and the replay's first morning.
        self.written = clock.now()
        self.start = history_start(self.written)
        #: Nothing is replayed later than this (the history ends just before now).
        self.limit = self.written - timedelta(minutes=1)
        self.clock: clock.FrozenClock | None = None
        self.samples: list[tuple[str, SampleRequest]] = []

    # -- the requests ----------------------------------------------------------------------

    def collect_samples(self) -> None:
        """Ask every enabled category for its samples (at the real time they are written for)."""
        for cat in self.host.categories(self.session):
            found = self.host.sample_requests(cat.name)
            if not found:
                self.warnings.append(f"category {cat.name!r} has no sample requests")
            self.samples.extend((cat.name, s) for s in found)

    def requests(self) -> None:
        """Every sample of every enabled category, then variations; replayed over the past
        weeks in the order things happen, with escalations near the end."""
        samples = self.samples
        if not samples:
            return
        requesters = self._requesters()
        plans = [_Plan(category, sample, requesters[i % len(requesters)], sample.priority,
                       sample.channel, tuple(sample.path))
                 for i, (category, sample) in enumerate(samples)]
        order = list(range(len(samples)))
        self.rng.shuffle(order)
        for k in range(max(MIN_VARIATIONS, TARGET_REQUESTS - len(samples))):
            index = order[k % len(order)]
            category, sample = samples[index]
            others = [u for u in requesters if u is not requesters[index % len(requesters)]]
            priority = self.rng.choice([p.value for p in Priority if p != sample.priority])
            channel = "phone" if self.rng.random() < 0.25 else sample.channel
            # Mostly well along the path: a desk has more work in hand than untouched requests.
            full = len(sample.path)
            cut = full if self.rng.random() < 0.4 else self.rng.randint(min(1, full), full)
            plans.append(_Plan(category, sample, self.rng.choice(others), priority, channel,
                               tuple(sample.path[:cut])))
        self._choose_escalations(plans)
        self._replay(plans)

    # -- time ------------------------------------------------------------------------------

    def _now(self) -> datetime:
        assert self.clock is not None, "the requests are replayed under the demo's clock"
        return self.clock.current

    def _at(self, moment: datetime) -> None:
        """Move the clock to ``moment`` (never back, never past the end of the history)."""
        assert self.clock is not None
        self.clock.set(min(max(moment, self.clock.current), self.limit))

    def _moved(self, value: Any) -> Any:
        """Sample data, its dates and times moved to the moment it is used."""
        return shift(value, self.written, self._now())

    def _replay(self, plans: list[_Plan]) -> None:
        """Run every request's life, all interleaved in the order their steps happen."""
        queue: list[tuple[datetime, int, _Plan, Iterator[float] | None]] = [
            (self._filing_time(plan), n, plan, None) for n, plan in enumerate(plans)]
        heapq.heapify(queue)
        while queue:
            moment, n, plan, life = heapq.heappop(queue)
            if life is not None and moment > self.limit:
                # Its next step would be in the future: the request is simply not that far yet.
                life.close()
                continue
            self._at(moment)
            life = life or self._life(plan)
            gap = next(life, None)
            if gap is not None:
                heapq.heappush(queue, (business_add(self._now(), gap), n, plan, life))

    def _gap_kinds(self, category: str, path: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
        """The kind of wait before each step of ``path`` (see ``GAPS``), from the states it
        walks through; and last, whether it ends resolved or closed (``"done"``)."""
        wf = self.host.workflow(category)
        state = "new"
        kinds = []
        for step, _data in path:
            t = wf.transition("assign" if step == "assign" else step)
            kinds.append(self._gap_kind(wf, state, step, t.roles if t else frozenset()))
            if t is not None and t.target in wf.states:
                state = t.target
        done = wf.kind(state) in (StateKind.RESOLVED, StateKind.FINAL)
        return [*kinds, "done" if done else "open"]

    @staticmethod
    def _gap_kind(wf: Workflow, state: str, step: str, roles: frozenset[str]) -> str:
        if step == "assign":
            return "assign"
        if REQUESTER in roles:
            return "requester"
        if DEPARTMENT_HEAD in roles:
            return "approval"
        if state in wf.states and wf.kind(state) is StateKind.WAITING:
            return "waiting"
        if (state in wf.states and wf.kind(state) is StateKind.NEW) or step == "start":
            return "first"
        return "work"

    def _filing_time(self, plan: _Plan) -> datetime:
        """When the request is filed.

        Finished requests are spread over the weeks, filed early enough for the longest
        gaps to fit. Open ones were filed as long ago as their steps usually take, so they are
        where their path ends or on the way there; a few were filed days before (they are the
        late ones). Untouched ones came in the last hours, or now and then a day or two ago.
        """
        *kinds, ending = self._gap_kinds(plan.category, plan.path)
        wf = self.host.workflow(plan.category)
        waits = list(kinds)
        tasks = sum(len(t.tasks) for step, _d in plan.path if (t := wf.transition(step)))
        waits += ["task"] * 2 * tasks
        if any(step == "start" for step, _d in plan.path):
            waits += ["reply"] * 3
        if plan.escalation is not None:
            waits += ["escalation", "reply"]
        span = office_minutes(self.start + timedelta(hours=1), self.limit)
        if not plan.path:
            age = self.rng.uniform(5, 300)
            if self.rng.random() < 0.2:
                age += self.rng.uniform(480, 960)
        elif ending == "done":
            longest = sum(GAPS[k][1] for k in [*waits, "rating"])
            age = longest + self.rng.uniform(0, max(span - longest, 0))
        else:
            usual = sum(low + (high - low) / 3 for low, high in (GAPS[k] for k in waits))
            age = usual * self.rng.uniform(1.1, 1.6)
            if self.rng.random() < 0.2:
                age += self.rng.uniform(480, 1920)
        return business_back(self.limit, min(age, span))

    # -- a request's life --------------------------------------------------------------------

    def _requesters(self) -> list[User]:
        """Business employees (not heads, who approve) in a seeded order, Zhang Wei often."""
        people = [self.users[u] for dept in EMPLOYEES.values() for u, _n in dept[1:]
                  if u != "zhang.wei"]
        self.rng.shuffle(people)
        out: list[User] = []
        for i, person in enumerate(people):
            if i % 3 == 0:
                out.append(self.users["zhang.wei"])
            out.append(person)
        return out

    def _life(self, plan: _Plan) -> Iterator[float]:
        """File the request now, then take its steps; yields the office minutes to wait
        before each next thing happens."""
        req = self._submit(plan)
        if req is None:
            return
        wf = self.host.workflow(req.category)
        for step, data in plan.path:
            t = wf.transition("assign" if step == "assign" else step)
            yield draw(self.rng, self._gap_kind(wf, req.status, step,
                                                t.roles if t else frozenset()))
            if step == "assign":
                ok = self._assign(req, self._moved(data))
            else:
                ok = yield from self._step(req, step, data)
            if not ok:
                return
            if step == "start":
                yield from self._talk(req)
        if plan.escalation is not None:
            yield from self._escalate(req, *plan.escalation)
        if req.status == "closed" and req.rating is None and self.rng.random() >= 0.2:
            yield draw(self.rng, "rating")
            self._rate(req)

    def _submit(self, plan: _Plan) -> ServiceRequest | None:
        by_phone = plan.channel == "phone"
        requester = plan.requester
        actor = self.users["wang.fang"] if by_phone else requester
        sample = plan.sample
        try:
            req = svc.submit_request(
                self.session, actor, category=plan.category, title=sample.title,
                description=sample.description, priority=plan.priority,
                details=self._moved(dict(sample.details)), channel=plan.channel,
                requester=requester if by_phone else None,
            )
        except HelpdeskError as exc:
            self.warnings.append(f"{plan.category} sample {sample.title!r} was not filed: {exc}")
            return None
        self.filed.append(req)
        return req

    def _assign(self, req: ServiceRequest, data: dict[str, Any]) -> bool:
        """The lead assigns as the sample says (an unknown person becomes the default one)."""
        assignee, group = data.get("assignee"), data.get("group")
        if assignee and assignee not in self.users:
            default = CATEGORY_DEFAULTS.get(req.category, FALLBACK_DEFAULT)[1]
            self.adjustments.append(f"{req.category}: {req.title!r} assigns {assignee!r}, "
                                    f"who is not in the demo; {default!r} was used")
            assignee = default
        try:
            svc.assign(self.session, self.users["wang.fang"], req.id, assignee=assignee,
                       group=group)
        except HelpdeskError as exc:
            return self._failed(req, "assign", exc)
        return True

    def _step(self, req: ServiceRequest, step: str,
              data: dict[str, Any]) -> Iterator[float]:
        """Take ``step`` as someone allowed to; finish the open tasks first if they block it.

        A generator (its value says whether the step was taken): finishing tasks takes time.
        """
        actor = self._actor_for(req, step)
        if actor is None:
            return self._failed(req, step, f"nobody may take it while {req.status!r}")
        try:
            svc.transition(self.session, actor, req.id, step, self._moved(dict(data)))
            return True
        except TransitionRefused as exc:
            refused = exc
        except HelpdeskError as exc:
            return self._failed(req, step, exc)
        if not (yield from self._finish_tasks(req)):
            return self._failed(req, step, refused)
        yield draw(self.rng, "work")
        try:
            svc.transition(self.session, actor, req.id, step, self._moved(dict(data)))
            return True
        except HelpdeskError as exc:
            return self._failed(req, step, exc)

    def _failed(self, req: ServiceRequest, step: str, reason: object) -> bool:
        self.warnings.append(f"{req.category}: {req.title!r} ({req.number}) stopped before "
                             f"{step!r}: {reason}")
        return False

    def _choose_escalations(self, plans: list[_Plan]) -> None:
        """Two requests that stay open get escalated: one by its requester, one by its
        technician (one that is assigned to someone)."""
        still_open = [p for p in plans
                      if p.path and self._gap_kinds(p.category, p.path)[-1] == "open"]
        working = [p for p in still_open if any(step == "assign" for step, _d in p.path)]
        if still_open:
            self.rng.choice(still_open).escalation = ("requester", ESCALATION_REASONS[0])
        rest = [p for p in working if p.escalation is None]
        if rest:
            self.rng.choice(rest).escalation = ("technician", ESCALATION_REASONS[1])

    # -- automatic assignment --------------------------------------------------------------

    def routing(self) -> None:
        """Skills, capacity, leave and routing rules; then a few requests routed by them."""
        result = seed_routing(self.session, self.users, self.groups, self.users["admin"])
        self.filed.extend(result.routed)
        self.warnings.extend(result.warnings)

    # -- the summary -----------------------------------------------------------------------

    def summary(self) -> DemoSummary:
        """Counts read back from the database, and the accounts to try."""
        s = self.session

        def count(model: type) -> int:
            return s.scalar(select(func.count()).select_from(model)) or 0

        rows = s.execute(select(ServiceRequest.category, ServiceRequest.status,
                                ServiceRequest.escalation_level, ServiceRequest.rating)).all()
        return DemoSummary(
            loaded=True,
            message=f"Demo data loaded: {len(rows)} requests; every account's password is "
                    f"{DEMO_PASSWORD!r}.",
            departments=count(Department), groups=count(Group), users=count(User),
            vendors=count(Vendor), requests=len(rows), comments=count(Comment),
            escalations=sum(1 for r in rows if r.escalation_level),
            ratings=sum(1 for r in rows if r.rating is not None),
            by_category=dict(sorted(Counter(r.category for r in rows).items())),
            by_status=dict(Counter(r.status for r in rows).most_common()),
            accounts=[DemoAccount(u, self.users[u].full_name, self.users[u].role, note)
                      for u, note in DEMO_ACCOUNTS],
            warnings=list(self.warnings), adjustments=list(dict.fromkeys(self.adjustments)),
        )
