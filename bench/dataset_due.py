"""Work for the worker's sweep, whatever N is: requests whose first-response target just passed.

The monitoring system files them through the API (its account is the requester), the routing
assigns them, and nobody has answered: each has exactly one escalation level due (the lead is
told that the first-response target passed). A second call replaces the first call's requests,
so the data set keeps its size however often a benchmark prepares a sweep.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bench import dataset_text as text
from bench.dataset_life import Life, Org, add_business, business, from_business
from bench.dataset_people import MONITOR, request_templates
from bench.dataset_rows import Rows
from bench.dataset_sla import SlaContext, metrics_from_clocks
from bench.dataset_sql import Writer, to_datetime, to_seconds
from hdcore import HelpDesk, clock

#: Requests due this soon after ``now`` are looked at later (see :func:`make_due`).
MARGIN = timedelta(minutes=10)
POSTPONE = timedelta(minutes=30)
TABLES = ("service_request", "task", "event", "comment", "sla_fired_action", "search_doc")


def make_due(hd: HelpDesk, count: int = 1000, *, now: datetime | None = None) -> list[int]:
    """Make ``count`` open requests due for the escalation sweep at ``now`` (default: the
    clock's now) and return their ids: one sweep then has exactly that much work.

    Other requests that fell due since the data set was generated (or fall due within ten
    minutes) are looked at again half an hour later, as the sweep postpones what it cannot
    take, so that the sweep's work is exactly these requests.
    """
    now_s = to_seconds(now or clock.now())
    rng = random.Random(count)
    categories = [c.name for c in hd.host.categories()]
    w = Writer(hd, bulk=False)
    try:
        monitor = w.execute("SELECT id FROM user_account WHERE username = ?", (MONITOR,))
        if not monitor:
            raise ValueError("not a generated data set: no monitoring account")
        monitor_id = monitor[0][0]
        # The previous call's requests go (their rows follow by the foreign keys' cascades).
        w.execute("DELETE FROM search_doc WHERE kind = 'request' AND ref_id IN "
                  "(SELECT id FROM service_request WHERE requester_id = ?)", (monitor_id,))
        w.execute("DELETE FROM service_request WHERE requester_id = ?", (monitor_id,))
        org = _org(w, categories)
        first = {t: (w.execute(f"SELECT max(id) FROM {t}")[0][0] or 0) + 1 for t in TABLES}
        year = to_datetime(now_s).year
        seq = w.execute("SELECT value FROM sequence WHERE name = ?", (f"SR-{year}",))
        number = seq[0][0] if seq else 0
        rows = Rows(w, first)
        templates = request_templates(hd, categories)
        ids: list[int] = []
        with hd.session_scope() as session:
            ctx = SlaContext(session)
            attempts = 0
            while len(ids) < count:
                attempts += 1
                if attempts > count * 5 + 50:
                    raise RuntimeError("no SLA policy makes requests due here")
                category = rng.choice(categories)
                life = _overdue(ctx, rng, org, category, templates[category], monitor_id,
                                first["service_request"] + len(ids), now_s)
                if life is None:
                    continue
                number += 1
                rows.add(life, f"SR-{year}-{number:06d}", None, metrics_from_clocks(ctx, life),
                         None)
                ids.append(life.id)
        rows.flush()
        if seq:
            w.execute("UPDATE sequence SET value = ? WHERE name = ?", (number, f"SR-{year}"))
        else:
            w.execute("INSERT INTO sequence (name, value) VALUES (?, ?)", (f"SR-{year}", number))
        w.execute("UPDATE service_request SET sla_next_check_at = ? WHERE sla_next_check_at <= ? "
                  "AND requester_id <> ?",
                  (w.ts(now_s + POSTPONE.total_seconds()),
                   w.ts(now_s + MARGIN.total_seconds()), monitor_id))
        w.reset_sequences(TABLES)
        w.finish(analyze=False)
    except BaseException:
        w.abort()
        raise
    return ids


def _org(w: Writer, categories: list[str]) -> Org:
    """The technicians and groups of the generated organisation."""
    groups = dict(w.execute("SELECT name, id FROM it_group ORDER BY id"))
    members: dict[int, list[int]] = {}
    for group_id, user_id in w.execute(
            "SELECT m.group_id, m.user_id FROM group_membership m JOIN user_account u "
            "ON u.id = m.user_id WHERE u.role = 'technician' ORDER BY m.group_id, m.user_id"):
        members.setdefault(group_id, []).append(user_id)
    staffed = sorted(members)
    group_of = {}
    for i, category in enumerate(categories):
        name = text.GROUPS.get(category, ("",))[0]
        group_of[category] = groups[name] if groups.get(name) in members else \
            staffed[i % len(staffed)]
    lead = w.execute("SELECT min(id) FROM user_account WHERE role = 'lead'")[0][0]
    manager = w.execute("SELECT min(id) FROM user_account WHERE role = 'manager'")[0][0]
    return Org(employees=[], department_of={}, lead=lead, manager=manager,
               group_of_category=group_of, members=members,
               technicians=[t for g in staffed for t in members[g]])


def _overdue(ctx: SlaContext, rng: random.Random, org: Org, category: str,
             templates: list[tuple[object, ...]], requester: int, rid: int,
             now_s: int) -> Life | None:
    """A request assigned but unanswered, filed so that its first-response target passed a
    few minutes before ``now_s`` and nothing else is due; None if the calendar won't have it."""
    policy = ctx.policy(category, "normal")
    if policy is None:
        return None
    response = policy.response.total_seconds()
    slack = min(3600.0, max(policy.resolution.total_seconds() * 0.75 - response, 0) / 2)
    if slack < 120:
        return None
    wanted = response + rng.uniform(60, slack)
    created = float(int(add_business(now_s, -wanted)))
    for _try in range(6):  # the approximate clock ignores holidays: correct on the real one
        counted = policy.calendar.business_between(to_datetime(created), to_datetime(now_s))
        missing = wanted - counted.total_seconds()
        if abs(missing) < 30:
            break
        created = float(int(from_business(business(created) - missing)))
    title, description, details, _priority = rng.choice(templates)
    life = Life(id=rid, category=category, title=str(title), description=str(description),
                details=str(details), priority="normal", channel="api", requester=requester,
                entered_by=requester, created=created)
    life.add(created, requester, "created", {}, {"category": category, "channel": "api",
                                                 "priority": "normal", "on_behalf": False})
    group = org.group_of_category[category]
    tech = rng.choice(org.members[group])
    assigned = created + rng.randrange(20, 90)
    life.add(assigned, None, "assigned", {"assignee_id": [None, tech], "group_id": [None, group],
                                          "status": ["new", "assigned"]})
    life.assignee, life.group, life.status = tech, group, "assigned"
    ctx.settle(life, now_s, rng, fire=False)
    state = ctx.evaluate(life)
    if state is None or len(state.due(to_datetime(now_s))) != 1 or life.next_check is None \
            or life.next_check > now_s:
        return None
    # nothing else may fall due before the margin ends
    later = [a for a in state.pending if to_seconds(a.at) > now_s]
    if any(to_seconds(a.at) <= now_s + MARGIN.total_seconds() for a in later):
        return None
    return life

