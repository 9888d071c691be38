"""Demo data: an organisation, its vendors and a few dozen requests, all made through the services.

Everything is created the way people would create it: the administrator sets up departments,
IT groups and accounts; employees file requests (or the lead takes them by phone); the lead
assigns; each step of a category's sample path is taken by someone allowed to take it. The
random choices are seeded, so two loads give the same data.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.app import HelpDesk
from hdcore.errors import Conflict, HelpdeskError, TransitionRefused
from hdcore.i18n import _
from hdcore.models import (
    Comment,
    Department,
    Group,
    Priority,
    Role,
    ServiceRequest,
    Task,
    User,
    Vendor,
)
from hdcore.plugin_types import SampleRequest
from hdcore.workflow import DEPARTMENT_HEAD, REQUESTER, StateKind

DEMO_PASSWORD = "demo"
DEFAULT_SEED = 2026
#: Requests to reach with variations of the samples (at least ``MIN_VARIATIONS`` of them).
TARGET_REQUESTS = 40
MIN_VARIATIONS = 10
MAIL_DOMAIN = "example.com"

DEPARTMENTS = (  # code, name, cost centre
    ("FIN", "Finance", "CC-1100"),
    ("SALES", "Sales", "CC-1200"),
    ("PROD", "Production", "CC-1300"),
    ("LOG", "Logistics", "CC-1400"),
    ("PUR", "Purchasing", "CC-1500"),
    ("HR", "Human Resources", "CC-1600"),
    ("IT", "IT", "CC-1900"),
)

#: Business employees per department; the first one heads it.
EMPLOYEES = {
    "FIN": (("zhou.min", "周敏"), ("zhang.wei", "张伟"), ("sun.li", "孙丽"), ("he.jing", "何静")),
    "SALES": (("guo.qiang", "郭强"), ("liu.yang", "刘洋"), ("xu.ting", "徐婷"),
              ("ma.chao", "马超")),
    "PROD": (("huang.jun", "黄军"), ("zhu.hong", "朱红"), ("lin.feng", "林峰"),
             ("gao.yan", "高燕")),
    "LOG": (("luo.bin", "罗斌"), ("zheng.kai", "郑凯"), ("liang.xue", "梁雪")),
    "PUR": (("song.hui", "宋慧"), ("tang.ming", "唐明"), ("han.lu", "韩露")),
    "HR": (("feng.yu", "冯玉"), ("deng.li", "邓丽"), ("cao.yue", "曹悦")),
}

GROUPS = (
    ("ERP Support", "ERP modules (GL, AP, AR, INV, PO, OM), configuration and responsibilities"),
    ("Service Desk", "First line: phone intake, mailboxes, desktop questions"),
    ("Infrastructure & Network", "Servers, network, firewalls and the machine room"),
    ("Security", "Security incidents, virus clean-up, vulnerability fixes"),
    ("Procurement & Vendors", "IT purchases and the vendors' repair and maintenance work"),
)

#: IT staff: user name, full name, role, groups. The manager heads the IT department.
IT_STAFF = (
    ("chen.jie", "陈杰", Role.MANAGER, ()),
    ("wang.fang", "王芳", Role.LEAD, ("Service Desk",)),
    ("li.na", "李娜", Role.TECHNICIAN, ("ERP Support", "Service Desk")),
    ("zhao.lei", "赵磊", Role.TECHNICIAN, ("Infrastructure & Network", "Security")),
    ("hu.bo", "胡波", Role.TECHNICIAN, ("ERP Support",)),
    ("wu.hao", "吴昊", Role.TECHNICIAN, ("Service Desk", "Infrastructure & Network")),
    ("yang.fan", "杨帆", Role.TECHNICIAN, ("Security",)),
    ("xie.ping", "谢平", Role.TECHNICIAN, ("Procurement & Vendors",)),
    ("admin", "系统管理员", Role.ADMIN, ()),
)

#: Who works a category by default: its group and technician (used when a sample names
#: someone the demo does not have, and for groups a plugin refers to that the demo lacks).
CATEGORY_DEFAULTS = {
    "erp_support": ("ERP Support", "li.na"),
    "email_admin": ("Service Desk", "wu.hao"),
    "network_security": ("Security", "zhao.lei"),
    "procurement": ("Procurement & Vendors", "xie.ping"),
    "outsourcing": ("Procurement & Vendors", "xie.ping"),
}
FALLBACK_DEFAULT = ("Service Desk", "wu.hao")

#: The accounts to try the demo with (every demo account has the password ``demo``).
DEMO_ACCOUNTS = (
    ("zhang.wei", "employee, Finance"),
    ("zhou.min", "head of Finance, approves its requests"),
    ("li.na", "technician, ERP Support"),
    ("zhao.lei", "technician, Infrastructure & Network"),
    ("wang.fang", "help desk lead"),
    ("chen.jie", "IT manager"),
    ("admin", "administrator"),
)

TECH_REPLIES = (
    "已收到，正在处理，有进展会第一时间通知您。",
    "I'm on it — will update you within the hour.",
    "请问这个问题是从什么时候开始出现的？其他同事也有同样的情况吗？",
    "Could you send me a screenshot of the error message?",
)
REQUESTER_REPLIES = (
    "好的，谢谢！",
    "从今天早上开始的，部门里其他人也遇到了。",
    "Thanks, screenshot attached to the e-mail I just sent.",
)
INTERNAL_NOTES = (
    "查了日志，和上周的同类问题原因一样，按知识库的步骤处理。",
    "Vendor hotline called; they will confirm the engineer's visit by 17:00.",
    "Same root cause as last month's incident — worth a knowledge-base article.",
)
ESCALATION_REASONS = (
    "月底结账今天截止，这个问题不解决无法过账。",
    "Waiting too long; the production line is affected.",
)
RATING_COMMENTS = {
    5: ("处理得很快，非常满意！", "Quick and friendly, thank you."),
    4: ("解决了，谢谢。", ""),
    3: ("Solved, but it took two days.", ""),
    2: ("拖了很久才有人联系我。",),
}
SCORES = (5, 5, 5, 4, 4, 4, 3, 2)


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
        loader.organisation()
        loader.vendors()
        loader.requests()
        summary = loader.summary()
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


class _Loader:
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

    # -- the organisation ------------------------------------------------------------------

    def organisation(self) -> None:
        """Departments with heads, IT groups, and the accounts (password ``demo``)."""
        s = self.session
        for name, description in GROUPS:
            self.groups[name] = svc.create_group(s, None, name=name, description=description)
        depts = {code: svc.create_department(s, None, code=code, name=name, cost_centre=cc)
                 for code, name, cc in DEPARTMENTS}
        number = 10001
        for code, people in EMPLOYEES.items():
            for username, full_name in people:
                self._user(username, full_name, Role.EMPLOYEE, code, (), number)
                number += 1
        for username, full_name, role, groups in IT_STAFF:
            self._user(username, full_name, role, "IT", groups, number)
            number += 1
        self._referenced_groups()
        for code, people in EMPLOYEES.items():
            self.heads[code] = self.users[people[0][0]]
        self.heads["IT"] = self.users[IT_STAFF[0][0]]
        for code, head in self.heads.items():
            svc.update_department(s, None, depts[code], head=head)

    def _user(self, username: str, full_name: str, role: Role, dept: str,
              groups: Sequence[str], number: int) -> None:
        self.users[username] = svc.create_user(
            self.session, None, username=username, full_name=full_name, role=role.value,
            password=DEMO_PASSWORD, email=f"{username}@{MAIL_DOMAIN}",
            phone=f"0512-6688-{number - 9000:04d}", employee_no=f"E{number}",
            department=dept, groups=groups,
        )

    def _referenced_groups(self) -> None:
        """Create the groups the plugins' task templates and samples name but the demo lacks."""
        wanted: dict[str, str] = {}
        for cat in self.host.categories():
            for t in self.host.workflow(cat.name).transitions.values():
                for tpl in t.tasks:
                    if tpl.group:
                        wanted.setdefault(tpl.group, cat.name)
            for sample in self.host.sample_requests(cat.name):
                for step, data in sample.path:
                    if step == "assign" and data.get("group"):
                        wanted.setdefault(str(data["group"]), cat.name)
        for name, category in wanted.items():
            if name in self.groups:
                continue
            group_name, tech = CATEGORY_DEFAULTS.get(category, FALLBACK_DEFAULT)
            members = [self.users[tech], *self.groups[group_name].members]
            self.groups[name] = svc.create_group(
                self.session, None, name=name, members=list(dict.fromkeys(members)),
                description=f"Named by the {category} category",
            )
            self.adjustments.append(f"group {name!r} (named by {category}) was created with "
                                    f"the members of {group_name!r}")

    def vendors(self) -> None:
        """The example vendors of every vendor kind (one vendor may serve several kinds)."""
        merged: dict[str, dict[str, Any]] = {}
        for kind in self.host.vendor_kinds():
            for sample in kind.samples:
                entry = merged.setdefault(sample["name"], {**sample, "kinds": []})
                if kind.name not in entry["kinds"]:
                    entry["kinds"].append(kind.name)
        for name, entry in merged.items():
            svc.create_vendor(self.session, None, name=name, kinds=entry["kinds"],
                              contact_name=entry.get("contact_name"), phone=entry.get("phone"),
                              email=entry.get("email"), notes=entry.get("notes"))

    # -- the requests ----------------------------------------------------------------------

    def requests(self) -> None:
        """Every sample of every enabled category, then variations, escalations and ratings."""
        samples: list[tuple[str, SampleRequest]] = []
        for cat in self.host.categories(self.session):
            found = self.host.sample_requests(cat.name)
            if not found:
                self.warnings.append(f"category {cat.name!r} has no sample requests")
            samples.extend((cat.name, s) for s in found)
        if not samples:
            return
        requesters = self._requesters()
        for i, (category, sample) in enumerate(samples):
            self._file(category, sample, requesters[i % len(requesters)], sample.priority,
                       sample.channel, sample.path)
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
            self._file(category, sample, self.rng.choice(others), priority, channel,
                       sample.path[:cut])
        self._escalations()
        self._ratings()

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

    def _file(self, category: str, sample: SampleRequest, requester: User, priority: str,
              channel: str, path: Iterable[tuple[str, dict[str, Any]]]) -> None:
        by_phone = channel == "phone"
        actor = self.users["wang.fang"] if by_phone else requester
        try:
            req = svc.submit_request(
                self.session, actor, category=category, title=sample.title,
                description=sample.description, priority=priority, details=dict(sample.details),
                channel=channel, requester=requester if by_phone else None,
            )
        except HelpdeskError as exc:
            self.warnings.append(f"{category} sample {sample.title!r} was not filed: {exc}")
            return
        self.filed.append(req)
        for step, data in path:
            ok = self._assign(req, data) if step == "assign" else self._step(req, step, data)
            if not ok:
                break
            if step == "start":
                self._talk(req)

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

    def _step(self, req: ServiceRequest, step: str, data: dict[str, Any]) -> bool:
        """Take ``step`` as someone allowed to; finish the open tasks first if they block it."""
        actor = self._actor_for(req, step)
        if actor is None:
            return self._failed(req, step, f"nobody may take it while {req.status!r}")
        try:
            svc.transition(self.session, actor, req.id, step, dict(data))
            return True
        except TransitionRefused as exc:
            if not self._finish_tasks(req):
                return self._failed(req, step, exc)
        except HelpdeskError as exc:
            return self._failed(req, step, exc)
        try:
            svc.transition(self.session, actor, req.id, step, dict(data))
            return True
        except HelpdeskError as exc:
            return self._failed(req, step, exc)

    def _failed(self, req: ServiceRequest, step: str, reason: object) -> bool:
        self.warnings.append(f"{req.category}: {req.title!r} ({req.number}) stopped before "
                             f"{step!r}: {reason}")
        return False

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

    def _finish_tasks(self, req: ServiceRequest) -> bool:
        """Work the open tasks in dependency order; whether any was finished."""
        finished = False
        while True:
            ready = [t for t in req.tasks if t.is_open and not t.blocked_by]
            if not ready:
                return finished
            for task in ready:
                worker = self._task_worker(req, task)
                try:
                    if task.status == "open":
                        svc.start_task(self.session, worker, task.id)
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

    def _talk(self, req: ServiceRequest) -> None:
        """Some conversation once work starts: a reply, the requester's answer, a note."""
        tech = self._technician(req) or self.users["wang.fang"]
        try:
            if self.rng.random() < 0.5:
                svc.add_comment(self.session, tech, req.id, self.rng.choice(TECH_REPLIES))
                open_for_reply = (req.status != "waiting_requester"
                                  and not self.host.workflow(req.category).is_final(req.status))
                if open_for_reply and self.rng.random() < 0.6:
                    svc.add_comment(self.session, req.requester, req.id,
                                    self.rng.choice(REQUESTER_REPLIES))
            if self.rng.random() < 0.3:
                svc.add_comment(self.session, tech, req.id, self.rng.choice(INTERNAL_NOTES),
                                internal=True)
        except HelpdeskError as exc:
            self.warnings.append(f"{req.number}: comment not added: {exc}")

    def _escalations(self) -> None:
        """Two open requests escalated: one by its requester, one by its technician."""
        open_kinds = (StateKind.NEW, StateKind.ACTIVE, StateKind.WAITING)
        candidates = [r for r in self.filed
                      if self.host.workflow(r.category).kind(r.status) in open_kinds]
        working = [r for r in candidates if r.assignee is not None]
        chosen: list[tuple[ServiceRequest, User]] = []
        if candidates:
            req = self.rng.choice(candidates)
            chosen.append((req, req.requester))
        rest = [r for r in working if all(r is not c for c, _u in chosen)]
        if rest:
            req = self.rng.choice(rest)
            chosen.append((req, req.assignee))  # type: ignore[arg-type]
        for (req, actor), reason in zip(chosen, ESCALATION_REASONS, strict=False):
            try:
                svc.escalate(self.session, actor, req.id, reason)
                svc.add_comment(self.session, self.users["chen.jie"], req.id,
                                "已升级到IT部经理，今天内跟进。", internal=True)
            except HelpdeskError as exc:
                self.warnings.append(f"{req.number}: not escalated: {exc}")

    def _ratings(self) -> None:
        """Most requesters rate their closed requests."""
        for req in self.filed:
            if req.status != "closed" or req.rating is not None or self.rng.random() < 0.2:
                continue
            score = self.rng.choice(SCORES)
            try:
                svc.rate(self.session, req.requester, req.id, score,
                         self.rng.choice(RATING_COMMENTS[score]))
            except HelpdeskError as exc:
                self.warnings.append(f"{req.number}: not rated: {exc}")

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
