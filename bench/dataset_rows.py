"""Generated requests as table rows: the request, its history, replies, tasks, the automatic
actions taken, its figures (``request_metrics``) and its search document, with explicit ids."""

from __future__ import annotations

from typing import Any

from bench.dataset_life import Life, business
from bench.dataset_sql import Writer
from hdcore.search.index import REQUEST, filter_word
from hdcore.search.tokenise import document_tokens

REQUEST_COLUMNS = (
    "id", "number", "category", "title", "description", "priority", "channel", "status",
    "details", "resolution", "requester_id", "entered_by_id", "assignee_id", "group_id",
    "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
    "response_due_at", "resolve_due_at", "sla_next_check_at", "escalation_level",
    "escalated_at", "rating", "rating_comment", "rated_at", "version")
EVENT_COLUMNS = ("id", "request_id", "task_id", "actor_id", "at", "kind", "changes", "data",
                 "public")
COMMENT_COLUMNS = ("id", "request_id", "author_id", "body", "internal", "created_at")
TASK_COLUMNS = ("id", "request_id", "title", "description", "status", "assignee_id",
                "group_id", "due_at", "created_by_id", "created_at", "started_at",
                "completed_at", "template", "version")
FIRED_COLUMNS = ("id", "request_id", "action_key", "fired_at", "outcome", "details")
METRICS_COLUMNS = (
    "request_id", "category", "priority", "group_id", "assignee_id", "requester_id",
    "department_id", "state", "created_at", "first_response_at", "resolved_at", "closed_at",
    "response_seconds", "resolution_seconds", "response_on_time", "resolution_on_time",
    "reopen_count", "escalation_count", "auto_closed", "rating", "updated_at")
SEARCH_COLUMNS = ("id", "kind", "ref_id", "title_tokens", "body_tokens", "filters", "category",
                  "updated_at")
TABLES = (("service_request", REQUEST_COLUMNS), ("task", TASK_COLUMNS),
          ("event", EVENT_COLUMNS), ("comment", COMMENT_COLUMNS),
          ("sla_fired_action", FIRED_COLUMNS), ("request_metrics", METRICS_COLUMNS),
          ("search_doc", SEARCH_COLUMNS))
REQUEST_FILTERS = filter_word("k", REQUEST)


class Rows:
    """Rows of many requests, gathered per table and written in one go per chunk."""

    def __init__(self, writer: Writer, first_ids: dict[str, int]) -> None:
        self.w = writer
        self.next = dict(first_ids)  # table -> the next id to give
        self.tables: dict[str, list[tuple[Any, ...]]] = {t: [] for t, _c in TABLES}
        self._tokens: dict[str, str] = {}

    def tokens(self, value: str) -> str:
        """The search tokens of a text (texts repeat: each is tokenised once)."""
        out = self._tokens.get(value)
        if out is None:
            out = " ".join(document_tokens(value))
            if len(self._tokens) < 200_000:
                self._tokens[value] = out
        return out

    def _id(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def add(self, life: Life, number: str, department: int | None,
            clock_figures: tuple[Any, ...] | None, targets: tuple[int, int] | None) -> None:
        """Every row of one request; ``clock_figures`` are the SLA's own figures when computed
        (requests still open), else they are estimated on the approximate business clock."""
        w, ts, rid = self.w, self.w.ts, life.id
        events = sorted(life.events, key=lambda e: e[0])
        comment_base = self.next["comment"]
        task_base = self.next["task"]
        self.next["task"] += len(life.tasks)
        for i, (title, status, assignee, group, creator, created, started, done,
                due) in enumerate(life.tasks):
            self.tables["task"].append((
                task_base + i, rid, title, "", status, assignee, group, ts(due), creator,
                ts(created), ts(started), ts(done), None, 2 if done else 1))
        for at, actor, kind, changes, data, public, task in events:
            if kind == "comment":
                data = {"comment_id": comment_base + data["comment_id"],
                        "internal": data["internal"]}
            self.tables["event"].append((
                self._id("event"), rid, None if task is None else task_base + task, actor,
                ts(at), kind, w.json(changes), w.json(data), w.boolean(public)))
        public_bodies = []
        for at, author, body, internal in life.comments:
            self.tables["comment"].append((self._id("comment"), rid, author, body,
                                           w.boolean(internal), ts(at)))
            if not internal:
                public_bodies.append(body)
        for key, at, facts in life.fired:
            self.tables["sla_fired_action"].append((self._id("sla_fired_action"), rid, key,
                                                    ts(at), "done", w.json(facts)))
        updated = events[-1][0]
        self.tables["service_request"].append((
            rid, number, life.category, life.title, life.description, life.priority,
            life.channel, life.status, life.details, life.resolution, life.requester,
            life.entered_by, life.assignee, life.group, ts(life.created), ts(updated),
            ts(life.first_response), ts(life.resolved), ts(life.closed), ts(life.response_due),
            ts(life.resolve_due), ts(life.next_check), life.escalation_level,
            ts(life.escalated), life.rating, life.rating_comment, ts(life.rated),
            len(events)))
        self._metrics(life, events, department, clock_figures, targets, updated)
        parts = [life.description, life.resolution or "", *public_bodies]
        body = " ".join(t for t in (self.tokens(p) for p in parts) if t)
        self.tables["search_doc"].append((
            self._id("search_doc"), REQUEST, rid,
            " ".join((*document_tokens(number), self.tokens(life.title))).strip(),
            body, REQUEST_FILTERS, life.category, ts(updated)))

    def _metrics(self, life: Life, events: list[tuple[Any, ...]], department: int | None,
                 clock_figures: tuple[Any, ...] | None, targets: tuple[int, int] | None,
                 updated: float) -> None:
        status = life.status
        state = {"closed": "closed", "cancelled": "cancelled",
                 "resolved": "resolved"}.get(status, "open")
        transitions = [e[4].get("transition") for e in events if e[2] == "transition"]
        resolved = life.resolved if state in ("resolved", "closed") else None
        if clock_figures is not None:
            response_s, resolution_s, response_ok, resolution_ok = clock_figures
        else:
            response_s = resolution_s = response_ok = resolution_ok = None
            if life.first_response is not None:
                response_s = int(business(life.first_response) - business(life.created))
            if resolved is not None:
                resolution_s = int(business(resolved) - business(life.created)
                                   - _paused(events))
            if targets is not None:
                if response_s is not None:
                    response_ok = response_s <= targets[0] * 60
                if resolution_s is not None:
                    resolution_ok = resolution_s <= targets[1] * 60
        w = self.w
        self.tables["request_metrics"].append((
            life.id, life.category, life.priority, life.group, life.assignee, life.requester,
            department, state, w.ts(life.created), w.ts(life.first_response), w.ts(resolved),
            w.ts(life.closed if state in ("closed", "cancelled") else None), response_s,
            resolution_s, w.boolean(response_ok), w.boolean(resolution_ok),
            transitions.count("reopen"), sum(1 for e in events if e[2] == "escalated"),
            w.boolean(state == "closed" and "auto_close" in transitions), life.rating,
            w.ts(updated)))

    def flush(self) -> int:
        """Write the gathered rows, table by table (parents first); how many rows."""
        count = 0
        for table, columns in TABLES:
            rows = self.tables[table]
            if rows:
                self.w.insert(table, columns, rows)
                count += len(rows)
                rows.clear()
        return count


def _paused(events: list[tuple[Any, ...]]) -> float:
    """Business seconds the resolution clock stood still: waiting for the requester, and the
    time a resolution stood before a reopen."""
    out, since = 0.0, None
    for at, _actor, kind, changes, _data, _public, _task in events:
        if kind != "transition":
            continue
        new = changes["status"][1]
        if since is not None and new not in ("closed", "cancelled"):
            out += business(at) - business(since)
        since = None
        if new in ("waiting_requester", "resolved"):
            since = at
    return out  # a resolution still standing is no pause: it ends the clock
