"""One generated request's life, as the services would have written it: filed, assigned, worked,
talked about, maybe waiting, escalated, reopened, resolved, closed (by the requester, the lead
or the reminder ladder), rated; with its tasks, and cut at the data set's end.

Times are epoch seconds. The SLA's automatic steps of requests that ended are placed with an
approximate business clock (:func:`business`); those of requests still open are computed by the
SLA's own code afterwards (:mod:`bench.dataset_sla`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from bench import dataset_text as text

HOUR = 3600
DAY = 86400
WEEK_BUSINESS = 5 * 8 * HOUR
#: Business hours of the default calendar, as seconds of the local day (UTC+8, no DST).
MORNING = (8 * HOUR + 1800, 12 * HOUR)
AFTERNOON = (13 * HOUR, 17 * HOUR + 1800)
LOCAL = 8 * HOUR
#: The most history rows a generated request gets by itself (the SLA may add one or two).
MAX_EVENTS = 10


def business(t: float) -> float:
    """Business seconds (Mon-Fri 08:30-12:00, 13:00-17:30 Shanghai) from an origin to ``t``;
    holidays ignored: only differences are meaningful."""
    local = t + LOCAL
    days = int(local // DAY) + 3  # 1970-01-01 was a Thursday; count from a Monday
    week, weekday = divmod(days, 7)
    out = week * WEEK_BUSINESS + min(weekday, 5) * 8 * HOUR
    if weekday < 5:
        sod = local % DAY
        out += min(max(sod - MORNING[0], 0), MORNING[1] - MORNING[0])
        out += min(max(sod - AFTERNOON[0], 0), AFTERNOON[1] - AFTERNOON[0])
    return out


def from_business(b: float) -> float:
    """The instant at which :func:`business` reaches ``b``."""
    week, rest = divmod(b, WEEK_BUSINESS)
    weekday, into = divmod(rest, 8 * HOUR)
    morning = MORNING[1] - MORNING[0]
    sod = MORNING[0] + into if into <= morning else AFTERNOON[0] + into - morning
    return (week * 7 + weekday - 3) * DAY + sod - LOCAL


def add_business(t: float, seconds: float) -> float:
    """``t`` plus ``seconds`` of business time."""
    return from_business(business(t) + seconds)


@dataclass
class Org:
    """The accounts and groups requests are spread over."""

    employees: list[int]
    department_of: dict[int, int]
    lead: int
    manager: int
    group_of_category: dict[str, int]
    members: dict[int, list[int]]  # group id -> technician ids
    technicians: list[int]


@dataclass
class Life:
    """Everything written for one request (rows are built from it by the generator)."""

    id: int
    category: str
    title: str
    description: str
    details: str  # JSON text
    priority: str
    channel: str
    requester: int
    entered_by: int
    created: float
    status: str = "new"
    assignee: int | None = None
    group: int | None = None
    first_response: float | None = None
    resolved: float | None = None
    closed: float | None = None
    resolution: str | None = None
    escalation_level: int = 0
    escalated: float | None = None
    rating: int | None = None
    rating_comment: str | None = None
    rated: float | None = None
    #: (at, actor, kind, changes, data, public, task index or None)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    #: (at, author, body, internal)
    comments: list[tuple[float, int, str, bool]] = field(default_factory=list)
    #: [title, status, assignee, group, created_by, created, started, completed, due]
    tasks: list[list[Any]] = field(default_factory=list)
    #: (action key, fired at, details) of the SLA's automatic actions taken
    fired: list[tuple[str, float, dict[str, Any]]] = field(default_factory=list)
    response_due: float | None = None
    resolve_due: float | None = None
    next_check: float | None = None

    def add(self, at: float, actor: int | None, kind: str, changes: dict[str, Any] | None = None,
            data: dict[str, Any] | None = None, public: bool = True,
            task: int | None = None) -> None:
        """Append one history row."""
        self.events.append((at, actor, kind, changes or {}, data or {}, public, task))

    def move(self, at: float, actor: int | None, target: str, name: str,
             **data: Any) -> None:
        """A workflow step: the status changes and the step is recorded as the service does."""
        self.add(at, actor, "transition", {"status": [self.status, target]},
                 {"transition": name, **data})
        self.status = target

    def comment(self, at: float, author: int, body: str, internal: bool = False) -> None:
        """A reply or an internal note, with its event."""
        self.comments.append((at, author, body, internal))
        self.add(at, author, "comment", {}, {"comment_id": len(self.comments) - 1,
                                             "internal": internal}, public=not internal)


def _after(rng: random.Random, t: float, low_min: float, high_min: float) -> float:
    """A moment some business minutes after ``t`` (whole seconds)."""
    return int(add_business(t, rng.uniform(low_min, high_min) * 60)) + rng.randrange(60)


def live(life: Life, rng: random.Random, org: Org, end: float,
         targets: dict[str, tuple[int, int]]) -> None:
    """Walk the request's life from its filing to ``end`` (steps after ``end`` are not taken).

    ``targets`` maps a priority to the (response, resolution) minutes of its SLA policy.
    """
    c, req = life.created, life.requester
    life.add(c, life.entered_by, "created", {}, {
        "category": life.category, "channel": life.channel, "priority": life.priority,
        "on_behalf": life.entered_by != req})
    members = org.members[org.group_of_category[life.category]]
    tech = rng.choice(members) if rng.random() < 0.9 else rng.choice(org.technicians)
    group = next(g for g, m in org.members.items() if tech in m)
    response_min, resolution_min = targets.get(life.priority, (240, 1440))
    pace = min(1.0, resolution_min / 1440)  # urgent work moves faster
    way = rng.choices(("confirm", "force", "ladder"), (60, 5, 35))[0]
    # Events still to come whatever happens (resolve, the closing, a rating or the reminders,
    # an SLA warning): the optional steps only fit in what is left of ten.
    reserve = {"confirm": 4, "force": 3, "ladder": 5}[way]

    def room(extra: int) -> bool:
        return len(life.events) + extra + reserve <= MAX_EVENTS

    t = _after(rng, c, 1, 40 * pace)
    if t > end:
        return
    life.add(t, None if rng.random() < 0.7 else org.lead, "assigned",
             {"assignee_id": [None, tech], "group_id": [None, group],
              "status": ["new", "assigned"]})
    life.assignee, life.group, life.status = tech, group, "assigned"
    t = _after(rng, t, 2, response_min * 1.2)
    if t > end:
        return
    life.move(t, tech, "in_progress", "start")
    life.first_response = t
    talk = rng.choice((1, 1, 2, 2, 3))
    t = _after(rng, t, 5, 120 * pace)
    if t > end:
        return
    life.comment(t, tech, rng.choice(text.STAFF_REPLIES))
    talk -= 1
    if rng.random() < 0.15 and talk and room(3):
        t = _after(rng, t, 10, 120 * pace)
        if t > end:
            return
        message = rng.choice(text.ASK_REQUESTER)
        life.comments.append((t, tech, message, False))  # the step's question is a reply
        life.move(t, tech, "waiting_requester", "wait_requester", message=message)
        t = _after(rng, t, 30, 900)
        if t > end:
            return
        life.comment(t, req, rng.choice(text.REQUESTER_REPLIES))
        life.move(t, req, "in_progress", "resume", automatic=True)
        talk -= 1
    if rng.random() < 0.15 and room(2):
        _tasks(life, rng, t, end, members, tech, group)
    if rng.random() < 0.03 and t + HOUR < end and room(1):
        t += rng.randrange(600, 4 * HOUR)
        life.add(t, req, "escalated", {"escalation_level": [0, 1]},
                 {"reason": rng.choice(text.ESCALATION_REASONS)})
        life.escalation_level, life.escalated = 1, t
    while talk > 0 and room(1):
        t = _after(rng, t, 10, 600 * pace)
        if t > end:
            return
        internal = rng.random() < 0.2
        author = tech if internal or rng.random() < 0.5 else req
        body = rng.choice(text.INTERNAL_NOTES if internal else
                          text.STAFF_REPLIES if author == tech else text.REQUESTER_REPLIES)
        life.comment(t, author, body, internal)
        talk -= 1
    # How long the work takes: mostly within the target, a long tail (parts, vendors).
    spread = resolution_min * 60 * math.exp(rng.gauss(-1.4, 0.8))
    if rng.random() < 0.03:
        spread *= rng.uniform(5, 40)
    t = int(add_business(t, spread))
    if rng.random() < 0.03:  # withdrawn before anyone solves it
        if t <= end:
            life.move(t, req, "cancelled", "cancel", reason="")
            life.closed = t
            _end_tasks(life, t)
        return
    _resolve(life, rng, t, end, tech)
    if life.status != "resolved":
        return
    t = life.resolved or t
    if rng.random() < 0.05 and room(2):  # not fixed after all
        t = _after(rng, t, 30, 960)
        if t > end:
            return
        reason = rng.choice(text.REQUESTER_REPLIES[3:6])
        life.comments.append((t, req, reason, False))
        life.move(t, req, "in_progress", "reopen", reason=reason)
        life.resolved = None
        _resolve(life, rng, _after(rng, t, 30, 600 * pace), end, tech)
        if life.status != "resolved":
            return
        t = life.resolved or t
    _close(life, rng, t, end, org.lead, way)


def _resolve(life: Life, rng: random.Random, t: float, end: float, tech: int) -> None:
    if t > end:
        return
    resolution = rng.choice(text.RESOLUTIONS)
    _end_tasks(life, t - 60)
    life.move(t, tech, "resolved", "resolve", resolution=resolution)
    life.resolved, life.resolution = t, resolution


def _close(life: Life, rng: random.Random, t: float, end: float, lead: int, way: str) -> None:
    """The requester confirms (and maybe rates), the lead closes, or the ladder closes it."""
    if way == "confirm":
        t = _after(rng, t, 20, 900)
        if t > end:
            return
        life.move(t, life.requester, "closed", "close")
        life.closed = t
        if rng.random() < 0.55 and len(life.events) < MAX_EVENTS:
            score = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 5, 12, 20))[0]
            comment = rng.choice(text.RATING_COMMENTS) or None
            life.rating, life.rating_comment, life.rated = score, comment, t + 30
            life.add(t + 30, life.requester, "rated", {"rating": [None, score]},
                     {"comment": comment} if comment else {})
        return
    if way == "force":
        t = _after(rng, t, 60, 900)
        if t > end:
            return
        life.move(t, lead, "closed", "force_close", reason="用户已离职，无法联系确认。")
        life.closed = t
        return
    # Nobody confirms: reminders after 2 and 4 business days, closed by itself after 5.
    resolved = life.resolved or t
    closing = int(add_business(resolved, 5 * 8 * HOUR)) + 120
    if closing > end:
        return  # the ladder's steps still to come are the SLA pass's to place
    for n, days in ((1, 2), (2, 4)):
        at = int(add_business(resolved, days * 8 * HOUR)) + 120
        life.add(at, None, "reminder_sent", {}, {
            "reminder": n, "of": 2, "resolved_at": _iso(resolved),
            "auto_close_at": _iso(closing - 120), "automatic": True,
            "requester_id": life.requester})
    life.move(closing, None, "closed", "auto_close", reason="no response", automatic=True)
    life.closed = closing


def _tasks(life: Life, rng: random.Random, t: float, end: float, members: list[int],
           tech: int, group: int) -> None:
    for _ in range(rng.choice((1, 1, 2))):
        t += rng.randrange(300, 3 * HOUR)
        if t > end:
            return
        assignee = rng.choice(members)
        title = rng.choice(text.TASK_TITLES)
        index = len(life.tasks)
        life.tasks.append([title, "open", assignee, group, tech, t, None, None,
                           int(add_business(t, 16 * HOUR))])
        life.add(t, tech, "task_created", {}, {"title": title, "assignee_id": assignee,
                                               "group_id": group, "depends_on": []},
                 public=False, task=index)


def _end_tasks(life: Life, t: float) -> None:
    """Tasks still open are completed before a resolution (cancelled on a cancel)."""
    cancel = life.status != "resolved" and t == life.closed
    for index, task in enumerate(life.tasks):
        if task[1] != "open":
            continue
        if task[5] >= t:
            # planned after the work ended: it was made just before, as a resolution waits
            # for its tasks (left open, such tasks piled up in the queues as N grew)
            made = t - 120
            task[5], task[8] = made, int(add_business(made, 16 * HOUR))
            life.events = [(made, *e[1:]) if e[6] == index and e[2] == "task_created" else e
                           for e in life.events]
        task[1] = "cancelled" if cancel else "done"
        task[6] = None if cancel else task[5] + 600
        task[7] = t
        if not cancel:
            life.add(t, task[2], "task_complete", {"status": ["open", "done"]},
                     {"title": task[0]}, public=False, task=index)


def _iso(seconds: float) -> str:
    from bench.dataset_sql import to_datetime

    return to_datetime(seconds).isoformat()


def history_sla(life: Life, targets: dict[str, tuple[int, int]]) -> None:
    """For a request that ended: its due times, and the escalations a late one got on the way
    (approximately placed, as the sweep would have: a warning at 75 % of the resolution target,
    the lead at 100 %)."""
    response_min, resolution_min = targets.get(life.priority, (240, 1440))
    life.response_due = int(add_business(life.created, response_min * 60))
    life.resolve_due = int(add_business(life.created, resolution_min * 60))
    if life.status == "cancelled" or life.resolved is None:
        return
    for percent, action in ((75, "warn_assignee"), (100, "notify_lead")):
        at = int(add_business(life.created, resolution_min * 60 * percent / 100)) + 60
        if at >= life.resolved or len(life.events) >= MAX_EVENTS:
            continue
        due = _iso(life.resolve_due)
        facts = {"target": "resolution", "percent": percent, "after_minutes": 0,
                 "action": action, "target_minutes": resolution_min, "due_at": due,
                 "reached_at": _iso(at - 60)}
        summary = {"reason": f"Time target: {percent}% of the resolution target "
                             f"({resolution_min / 60:g} business hours) has passed.",
                   "automatic": True, "notify": "assignee" if percent == 75 else "lead",
                   "target": "resolution", "due_at": due, "sla": facts}
        if action == "warn_assignee":
            life.add(at, None, "sla_warning", {}, {**summary, "assignee_id": life.assignee,
                                                   "group_id": life.group}, public=False)
        else:
            old = life.escalation_level
            life.escalation_level, life.escalated = max(old, 1), at
            life.add(at, None, "escalated",
                     {"escalation_level": [old, 1]} if old < 1 else {}, summary)
        life.fired.append((f"esc:resolution:{percent}+0:{action}", at, facts))
