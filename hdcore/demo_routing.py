"""Demo data for automatic assignment: skills, capacity, leave, policies, rules, routed requests.

Each routed request shows on its page why it went where it went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.errors import HelpdeskError
from hdcore.models import Group, ServiceRequest, User
from hdcore.queries.resources import today

SKILLS = (
    ("ERP INV", "Inventory, work in process, costing and planning modules"),
    ("ERP GL", "General ledger, payables, receivables, assets and cash"),
    ("Exchange", "Mailboxes, quotas, aliases and distribution lists"),
    ("Firewalls", "FortiGate rules, VPN and network access"),
    ("Virus clean-up", "Malware incidents and clean-up on PCs and servers"),
)
#: Who masters what (level 1 to 3).
STAFF_SKILLS = {
    "li.na": {"ERP GL": 3, "ERP INV": 1, "Exchange": 1},
    "hu.bo": {"ERP INV": 3, "ERP GL": 1},
    "wu.hao": {"Exchange": 3, "Firewalls": 1},
    "zhao.lei": {"Firewalls": 3, "Virus clean-up": 2},
    "yang.fan": {"Virus clean-up": 3, "Firewalls": 2},
    "xie.ping": {},
}
#: Each group's kind and how it picks a person.
GROUP_SETUP = {
    "ERP Support": ("team", "by_skill"),
    "Service Desk": ("team", "round_robin"),
    "Infrastructure & Network": ("team", "least_loaded"),
    "Security": ("skill", "by_skill"),
    "Procurement & Vendors": ("team", "least_loaded"),
}
#: Capacities set on people (the others have their role's default).
CAPACITIES = {
    "wang.fang": 2,  # the lead dispatches more than she works
    "zhao.lei": 20,  # the senior engineer takes more
}
#: Category, rule name, group, skill looked for, conditions.
RULES: tuple[tuple[str, str, str, str | None, list[dict[str, Any]]], ...] = (
    ("erp_support", "INV, WIP and costing to the inventory expert", "ERP Support", "ERP INV",
     [{"field": "details.module", "op": "in", "value": ["INV", "WIP", "CST", "BOM", "MRP"]}]),
    ("erp_support", "Finance modules to the finance expert", "ERP Support", "ERP GL",
     [{"field": "details.module", "op": "in", "value": ["GL", "AP", "AR", "FA", "CE"]}]),
    ("email_admin", "Mailboxes to the Service Desk", "Service Desk", None, []),
    ("network_security", "Urgent security work", "Security", "Virus clean-up",
     [{"field": "priority", "op": "in", "value": ["high", "urgent"]}]),
)
#: Requests filed once the rules are on: category, requester, title, details (None: the
#: category's first sample), priority.
ROUTED = (
    ("erp_support", "zheng.kai", "库存事务处理报错：子库存转移无法过账 / INV transfer fails",
     {"request_type": "question", "module": "INV", "environment": "production",
      "business_impact": "department"}, "high"),
    ("erp_support", "sun.li", "应收账龄报表数据不对 / AR aging report totals differ",
     {"request_type": "question", "module": "AR", "environment": "production",
      "business_impact": "one_user"}, "normal"),
    ("email_admin", "xu.ting", None, None, "normal"),
    ("email_admin", "ma.chao", None, None, "low"),
    ("network_security", "lin.feng", None, None, "urgent"),
)


@dataclass
class RoutingDemo:
    """What :func:`seed_routing` made, and what it could not."""

    rules: int = 0
    routed: list[ServiceRequest] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def seed_routing(session: Session, users: dict[str, User], groups: dict[str, Group],
                 admin: User) -> RoutingDemo:
    """Set up the resource manager and routing rules, then file requests routed by them."""
    out = RoutingDemo()
    for name, description in SKILLS:
        svc.create_skill(session, admin, name=name, description=description)
    for username, levels in STAFF_SKILLS.items():
        if username in users:
            svc.set_skills(session, admin, users[username], levels)
    for name, (kind, policy) in GROUP_SETUP.items():
        if name in groups:
            svc.set_group_routing(session, admin, groups[name], policy=policy, kind=kind)
    for username, capacity in CAPACITIES.items():
        if username in users:
            svc.set_capacity(session, admin, users[username], capacity)
    if "yang.fan" in users:  # away this week: urgent security work passes him over
        day = today(session)
        svc.add_leave(session, admin, users["yang.fan"], starts_on=day - timedelta(days=1),
                      ends_on=day + timedelta(days=4), note="年假 Annual leave")
    host = svc.host_of(session)
    known = {c.name for c in host.categories(session)}
    for category, name, group, skill, conditions in RULES:
        if category in known and group in groups:
            svc.create_rule(session, admin, category=category, name=name, group=group,
                            skill=skill, conditions=conditions)
            out.rules += 1
    for category in sorted({r[0] for r in RULES} & known):
        svc.set_routing(session, admin, category, enabled=True)
    for category, requester, title, details, priority in ROUTED:
        if category not in known or requester not in users:
            continue
        samples = host.sample_requests(category)
        if details is None and not samples:
            continue
        sample = samples[0] if samples else None
        try:
            req = svc.submit_request(
                session, users[requester], category=category,
                title=title or (sample.title if sample else category),
                description=(sample.description if sample and not title else ""),
                priority=priority,
                details=dict(details if details is not None else sample.details),  # type: ignore[union-attr]
            )
        except HelpdeskError as exc:
            out.warnings.append(f"{category}: routed demo request not filed: {exc}")
            continue
        out.routed.append(req)
    return out
