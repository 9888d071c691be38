"""The benchmark's organisation (departments and their heads, employees, IT groups, technicians,
the lead, the manager, the administrator) and its knowledge base, written by bulk inserts."""

from __future__ import annotations

import random
from typing import Any

from bench import dataset_text as text
from bench.dataset_life import DAY, Org
from bench.dataset_sql import Writer
from hdcore import HelpDesk
from hdcore.search.index import ARTICLE, filter_word, html_text
from hdcore.search.tokenise import document_tokens
from hdcore.security import hash_password

PASSWORD = "bench-password"
#: The monitoring system's account: the requests :func:`bench.dataset.make_due` files are its.
MONITOR = "monitoring"
EMPLOYEES = 5000
TECHNICIANS = 20
USER_COLUMNS = ("id", "username", "full_name", "email", "phone", "employee_no", "role",
                "department_id", "password_hash", "is_active", "locale", "timezone",
                "created_at", "session_version")


def write_people(w: Writer, rng: random.Random, first: dict[str, int], categories: list[str],
                 end_s: int) -> Org:
    """Departments, accounts (one password hash for all), groups and memberships."""
    pw = hash_password(PASSWORD)  # once: argon2 is slow on purpose
    dept0, user0, group0 = first["department"], first["user_account"], first["it_group"]
    departments = list(range(dept0, dept0 + len(text.DEPARTMENTS)))
    w.insert("department", ("id", "code", "name", "head_id", "cost_centre"), [
        (dept0 + i, f"D{i + 1:02d}", name, None, f"CC-{100 + i}")
        for i, name in enumerate(text.DEPARTMENTS)])
    names = text.person_names(EMPLOYEES + TECHNICIANS + 2, rng)
    since = w.ts(end_s - 800 * DAY)
    users: list[tuple[object, ...]] = []

    def user(username: str, full_name: str, role: str, dept: int | None,
             number: str | None) -> int:
        uid = user0 + len(users)
        users.append((uid, username, full_name, f"{username}@corp.example", None, number, role,
                      dept, pw, w.boolean(True), None, "Asia/Shanghai", since, 1))
        return uid

    user("admin", "系统管理员", "admin", None, None)
    lead = user(names[0][0], names[0][1], "lead", None, "IT0001")
    manager = user(names[1][0], names[1][1], "manager", None, "IT0002")
    techs = [user(u, n, "technician", None, f"IT{i + 3:04d}")
             for i, (u, n) in enumerate(names[2:2 + TECHNICIANS])]
    employees, department_of = [], {}
    for i, (username, full_name) in enumerate(names[2 + TECHNICIANS:]):
        dept = departments[i % len(departments)] if i < len(departments) else \
            rng.choice(departments)
        uid = user(username, full_name, "employee", dept, f"E{10000 + i}")
        employees.append(uid)
        department_of[uid] = dept
    user(MONITOR, "监控平台", "employee", None, None)
    w.insert("user_account", USER_COLUMNS, users)
    # the first employee of each department heads it
    for dept, head in zip(departments, employees, strict=False):
        w.execute("UPDATE department SET head_id = ? WHERE id = ?", (head, dept))
    group_of: dict[str, int] = {}
    members: dict[int, list[int]] = {}
    groups = []
    for i, category in enumerate(categories[:5] or ["general"]):
        name, description = text.GROUPS.get(category, (f"{category} 组", category))
        gid = group0 + i
        groups.append((gid, name, description, None, "team", "least_loaded"))
        group_of[category] = gid
        members[gid] = techs[i::min(5, len(categories) or 1)]
    for i, category in enumerate(categories[5:]):
        group_of[category] = group0 + i % len(groups)
    w.insert("it_group", ("id", "name", "description", "email", "kind", "assignment_policy"),
             groups)
    w.insert("group_membership", ("group_id", "user_id"),
             [(g, t) for g, ts in members.items() for t in ts])
    return Org(employees=employees, department_of=department_of, lead=lead, manager=manager,
               group_of_category=group_of, members=members, technicians=techs)


def _tokens(*parts: str) -> str:
    return " ".join(t for part in parts for t in document_tokens(part))


def write_articles(w: Writer, rng: random.Random, first: dict[str, int], count: int, org: Org,
                   categories: list[str], end_s: int) -> int:
    """``count`` articles with their first versions and their search documents (as the
    knowledge base's service indexes them); how many search documents were written."""
    article0, version0, doc0 = first["kb_article"], first["kb_article_version"], \
        first["search_doc"]
    articles, versions, docs = [], [], []
    for i, a in enumerate(text.article_rows(count, rng)):
        aid = article0 + i
        category = a["category"] if a["category"] in categories else None
        author = rng.choice(org.technicians)
        created = end_s - rng.randrange(20 * DAY, 700 * DAY)
        published = created + rng.randrange(3600, 5 * DAY) if a["status"] in (
            "published", "retired") else None
        updated = published or created
        tags = w.json(a["tags"])
        articles.append((aid, a["title"], a["symptom"], a["cause"], a["solution"], category,
                         tags, a["visibility"], a["status"], author, None, w.ts(created),
                         w.ts(updated), w.ts(published), rng.randrange(2000),
                         rng.randrange(60), rng.randrange(8), 2 if published else 1))
        content = ["title", "symptom", "cause", "solution", "category", "tags", "visibility"]
        steps = [("draft", created, {"fields": content, "step": "write"})]
        if published:
            steps.append(("published", published, {"fields": ["status"], "step": "publish"}))
        elif a["status"] != "draft":
            steps.append((a["status"], created + 3600, {"fields": ["status"], "step": "submit"}))
        for number, (status, at, changes) in enumerate(steps, start=1):
            versions.append((version0 + len(versions), aid, number, a["title"], a["symptom"],
                             a["cause"], a["solution"], category, tags, a["visibility"], status,
                             author, w.ts(at), w.json(changes)))
        filters = " ".join((filter_word("k", ARTICLE), filter_word("t", a["status"]),
                            filter_word("v", a["visibility"])))
        docs.append((doc0 + i, ARTICLE, aid, _tokens(a["title"], " ".join(a["tags"])),
                     _tokens(html_text(a["symptom"]), html_text(a["cause"]),
                             html_text(a["solution"])), filters, category, w.ts(updated)))
    w.insert("kb_article", (
        "id", "title", "symptom", "cause", "solution", "category", "tags", "visibility",
        "status", "author_id", "source_request_id", "created_at", "updated_at", "published_at",
        "views", "helpful", "not_helpful", "version"), articles)
    w.insert("kb_article_version", (
        "id", "article_id", "number", "title", "symptom", "cause", "solution", "category",
        "tags", "visibility", "status", "author_id", "created_at", "changes"), versions)
    from bench.dataset_rows import SEARCH_COLUMNS

    w.insert("search_doc", SEARCH_COLUMNS, docs)
    first["kb_article_version"] += len(versions)
    return len(docs)


def request_templates(hd: HelpDesk, categories: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Each category's sample requests, their details validated and stored as the service does."""
    from hdcore.services.base import load as load_details
    from hdcore.services.base import to_json

    out: dict[str, list[tuple[Any, ...]]] = {}
    for category in categories:
        schema = hd.host.request_schema(category)
        found = []
        for sample in hd.host.sample_requests(category):
            loaded, errors = load_details(schema, sample.details)
            if not errors:
                found.append((sample.title[:200], sample.description,
                              Writer.json(to_json(schema, loaded)), sample.priority))
        if not found:  # a category without samples: a request with its default details
            loaded, errors = load_details(schema, {})
            found.append((f"{category} request", "", Writer.json(
                {} if errors else to_json(schema, loaded)), "normal"))
        out[category] = found
    return out
