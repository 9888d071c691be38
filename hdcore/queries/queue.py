"""The work queue: the requests and tasks a member of IT staff works on, in one sortable list.

Requests and tasks are read as one ``UNION ALL`` of uniform rows (kind, number, title, state
kind, due time, ...), so filtering, sorting and paging happen in the database on both SQLite
and PostgreSQL, however long the queue grows. A task carries its request's number, category,
priority and escalation level, so it sorts and filters with the work it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, joinedload, load_only, selectinload

from hdcore.errors import NotFound
from hdcore.models import Priority, ServiceRequest, Task, TaskStatus, User, utcnow
from hdcore.queries.workload import kinds_condition
from hdcore.services.access import group_ids
from hdcore.services.base import host_of
from hdcore.workflow import SUPERVISORS, StateKind

#: The lists a person can look at: their own work, their groups' work, everything open.
SCOPES = ("mine", "groups", "all")
#: The columns the queue sorts by, and the direction each starts in.
SORTS = {"due": "asc", "priority": "desc", "number": "desc", "status": "asc", "updated": "desc"}
#: Choices of the due-time filter.
DUE_FILTERS = ("overdue", "today", "later", "none")
#: State kinds in which the clock runs against IT; only these can be overdue. Waiting states
#: pause the SLA clock, and a resolved request waits for its requester, not for IT.
CLOCK_KINDS = (StateKind.NEW.value, StateKind.ACTIVE.value)

_KIND_RANK = {k.value: i for i, k in enumerate(StateKind)}
_PRIORITY_RANK = {p.value: i for i, p in enumerate(Priority)}
_TASK_KIND = {
    TaskStatus.OPEN.value: StateKind.NEW.value,
    TaskStatus.IN_PROGRESS.value: StateKind.ACTIVE.value,
    TaskStatus.DONE.value: StateKind.FINAL.value,
    TaskStatus.CANCELLED.value: StateKind.FINAL.value,
}


@dataclass(frozen=True)
class QueueFilters:
    """What to show.

    ``status`` is ``open`` (everything not closed), ``all``, a state kind written ``@active``
    (tasks: open counts as ``@new``, in progress as ``@active``, done and cancelled as
    ``@final``) or one status name (matched against requests' and tasks' statuses alike).
    ``due`` is one of :data:`DUE_FILTERS` or empty; ``text`` matches number or title.
    """

    status: str = "open"
    category: str = ""
    priority: str = ""
    due: str = ""
    text: str = ""


@dataclass
class QueueItem:
    """One row of the queue: a request, or a task with the request it belongs to."""

    kind: str
    request: ServiceRequest
    task: Task | None
    state_kind: str
    due_at: datetime | None
    #: Which clock ``due_at`` is: ``response`` (first answer), ``resolve`` or ``task``.
    due_kind: str | None
    overdue: bool

    @property
    def title(self) -> str:
        """The task's title, or the request's."""
        return self.task.title if self.task is not None else self.request.title

    @property
    def status(self) -> str:
        """The task's status, or the request's."""
        return self.task.status if self.task is not None else self.request.status

    @property
    def assignee(self) -> User | None:
        """Who the row is assigned to."""
        return self.task.assignee if self.task is not None else self.request.assignee

    @property
    def group(self) -> Any:
        """The IT group the row is assigned to."""
        return self.task.group if self.task is not None else self.request.group

    @property
    def blocked(self) -> bool:
        """A task that waits for other open tasks."""
        return self.task is not None and self.task.is_open and bool(self.task.blocked_by)


@dataclass
class QueuePage:
    """One page of the queue, with the number of rows on every page."""

    items: list[QueueItem]
    page: int
    pages: int
    total: int
    size: int = 25
    counts: dict[str, int] = field(default_factory=dict)


def scopes_for(user: User) -> tuple[str, ...]:
    """The scopes ``user`` may look at: supervisors also see all open work."""
    return SCOPES if user.role in SUPERVISORS else SCOPES[:2]


def day_end(user: User, now: datetime) -> datetime:
    """The end of ``user``'s calendar day containing ``now`` (midnight in their zone), in UTC."""
    try:
        zone = ZoneInfo(user.timezone or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    local = now.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone) + timedelta(days=1)
    return midnight.astimezone(UTC)


@lru_cache(maxsize=64)
def _state_kind_case(host: Any) -> ColumnElement[str]:
    # once per plugin host: the workflows are fixed at start-up
    r = ServiceRequest
    whens: list[tuple[ColumnElement[bool], str]] = []
    for cat in host.categories():
        wf = host.workflow(cat.name)
        for kind in StateKind:
            names = wf.states_of_kind(kind)
            if names:
                whens.append((and_(r.category == cat.name, r.status.in_(names)), kind.value))
    if not whens:
        return cast(literal(StateKind.ACTIVE.value), String)
    return case(*whens, else_=StateKind.ACTIVE.value)


def _request_due() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The deadline that matters now and which one it is.

    Before IT's first answer the response deadline counts when it comes first; after it,
    the resolution deadline.
    """
    r = ServiceRequest
    response_first = and_(
        r.first_response_at.is_(None), r.response_due_at.is_not(None),
        or_(r.resolve_due_at.is_(None), r.response_due_at < r.resolve_due_at),
    )
    due = case((response_first, r.response_due_at), else_=r.resolve_due_at)
    due_kind = case((response_first, "response"), (r.resolve_due_at.is_not(None), "resolve"),
                    else_=None)
    return due, due_kind


# The statements are built once per shape (scope, filters given, sort) and plugin host, with
# bind parameters for the values (who asks, their groups, the filters' values, the time):
# building one and computing its cache key costs more than running it on the indexes.
_USER, _GROUPS, _STATUS = "q_user", "q_groups", "q_status"
_CATEGORY, _PRIORITY, _LIKE, _NOW, _END = "q_category", "q_priority", "q_like", "q_now", "q_end"
_LIMIT, _OFFSET = "q_limit", "q_offset"


@dataclass(frozen=True)
class _Shape:
    """What decides a queue statement's form (not its values)."""

    scope: str
    supervisor: bool
    has_groups: bool
    kinds: frozenset[str] | None
    one_status: bool
    category: bool
    priority: bool
    text: bool
    due: str


def _shape(user: User, scope: str, filters: QueueFilters) -> tuple[_Shape, dict[str, Any]]:
    """The statement's shape and the values of its parameters, for ``user`` and ``filters``."""
    gids = sorted(group_ids(user))
    status = filters.status or "open"
    kinds: frozenset[str] | None = None
    values: dict[str, Any] = {_USER: user.id, _GROUPS: gids}
    if status == "open":
        kinds = frozenset(k.value for k in StateKind if k is not StateKind.FINAL)
    elif status.startswith("@"):
        kinds = frozenset({status[1:]}) & {k.value for k in StateKind}
    elif status != "all":
        values[_STATUS] = status
    text = filters.text.strip()
    if filters.category:
        values[_CATEGORY] = filters.category
    if filters.priority:
        values[_PRIORITY] = filters.priority
    if text:
        values[_LIKE] = f"%{text.lower()}%"
    due = filters.due if filters.due in DUE_FILTERS else ""
    shape = _Shape(scope, user.role in SUPERVISORS, bool(gids), kinds, _STATUS in values,
                   bool(filters.category), bool(filters.priority), bool(text), due)
    return shape, values


def _rows(host: Any, shape: _Shape, *, lean: bool = False, kinds_column: bool = True) -> Any:
    """The queue's uniform rows for the shape's scope (a subquery), only of state ``kinds`` and
    of one status when the shape says so.

    Both conditions go inside each branch of the union, in forms the indexes on
    ``(assignee_id, status)`` and ``(group_id, status)`` serve: a technician's open work is
    found without reading the years of closed requests they also hold. ``lean`` rows carry
    only the columns the shape's filters read (for counting: computing every row's state
    kind and deadline cost more than finding the rows when a group holds thousands).
    Without ``kinds_column`` the state kind (a long ``CASE`` over every workflow) is left out
    unless a filter needs it: a page sorted otherwise works it out in Python for its rows.
    """
    r, t = ServiceRequest, Task
    due, due_kind = _request_due()
    task_kind = case(*[(t.status == s, k) for s, k in _TASK_KIND.items()],
                     else_=StateKind.ACTIVE.value)
    # (name, request column, task column, needed when lean)
    columns = [
        ("kind", cast(literal("request"), String), cast(literal("task"), String), False),
        ("item_id", r.id, t.id, True),
        ("request_id", r.id, t.request_id, False),
        ("number", r.number, r.number, shape.text),
        ("title", r.title, t.title, shape.text),
        ("category", r.category, r.category, shape.category),
        ("priority", r.priority, r.priority, shape.priority),
        ("status", r.status, t.status, False),
        ("state_kind", _state_kind_case(host), task_kind, shape.due == "overdue"),
        ("due_at", due, t.due_at, bool(shape.due)),
        ("due_kind", cast(due_kind, String),
         cast(case((t.due_at.is_not(None), "task"), else_=None), String), False),
        # A task keeps no update time of its own; its last change is one of these, in order.
        ("updated_at", r.updated_at,
         func.coalesce(t.completed_at, t.started_at, t.created_at), False),
    ]
    wanted = [c for c in columns if c[3] or not lean]
    if not kinds_column and shape.due != "overdue":
        wanted = [c for c in wanted if c[0] != "state_kind"]
    requests = select(*[col.label(name) for name, col, _t, _l in wanted])
    tasks = select(*[col.label(name) for name, _r, col, _l in wanted])
    if not lean or shape.text or shape.category or shape.priority:
        # the request's columns; a task always has its request, so a count needs no join
        tasks = tasks.join(r, t.request_id == r.id)
    kinds = shape.kinds
    if kinds is not None:
        requests = requests.where(kinds_condition(host, frozenset(StateKind(k) for k in kinds)))
        tasks = tasks.where(t.status.in_(sorted(s for s, k in _TASK_KIND.items()
                                                 if k in kinds)))
    if shape.one_status:
        requests = requests.where(r.status == bindparam(_STATUS))
        tasks = tasks.where(t.status == bindparam(_STATUS))
    if shape.scope == "mine":
        requests = requests.where(r.assignee_id == bindparam(_USER))
        tasks = tasks.where(t.assignee_id == bindparam(_USER))
    elif shape.scope == "groups":
        groups = bindparam(_GROUPS, expanding=True)
        requests = requests.where(r.group_id.in_(groups) if shape.has_groups else false())
        tasks = tasks.where(t.group_id.in_(groups) if shape.has_groups else false())
    elif shape.scope != "all" or not shape.supervisor:
        requests = requests.where(false())
        tasks = tasks.where(false())
    return union_all(requests, tasks).subquery("queue")


def _filtered_shape(host: Any, shape: _Shape, *, lean: bool = False,
                    kinds_column: bool = True) -> tuple[Any, Select[Any]]:
    q = _rows(host, shape, lean=lean, kinds_column=kinds_column)
    sel = select(q)
    if shape.category:
        sel = sel.where(q.c.category == bindparam(_CATEGORY))
    if shape.priority:
        sel = sel.where(q.c.priority == bindparam(_PRIORITY))
    if shape.text:
        like = bindparam(_LIKE, type_=String)
        sel = sel.where(or_(func.lower(q.c.number).like(like), func.lower(q.c.title).like(like)))
    now, end = bindparam(_NOW), bindparam(_END)
    if shape.due == "overdue":
        sel = sel.where(and_(q.c.state_kind.in_(CLOCK_KINDS), q.c.due_at < now))
    elif shape.due == "today":
        sel = sel.where(q.c.due_at >= now, q.c.due_at < end)
    elif shape.due == "later":
        sel = sel.where(q.c.due_at >= end)
    elif shape.due == "none":
        sel = sel.where(q.c.due_at.is_(None))
    return q, sel


# A few dozen shapes cover what people use (tabs, a filter or two, a sort); the engine keeps
# their compiled SQL as well.
@lru_cache(maxsize=64)
def _count_statement(host: Any, shapes: tuple[_Shape, ...]) -> Select[Any]:
    """One statement counting the rows of each shape (a column per shape, in order)."""
    counts = []
    for i, shape in enumerate(shapes):
        _, sel = _filtered_shape(host, shape, lean=True)
        counts.append(select(func.count()).select_from(sel.subquery())
                      .scalar_subquery().label(f"n{i}"))
    return select(*counts)


@lru_cache(maxsize=64)
def _page_statement(host: Any, shape: _Shape, sort: str, descending: bool) -> Select[Any]:
    """One page of the shape's rows in order (``q_limit``/``q_offset`` say which)."""
    q, sel = _filtered_shape(host, shape, kinds_column=sort == "status")
    return (sel.order_by(*_order(q, sort, descending))
            .limit(bindparam(_LIMIT, type_=Integer)).offset(bindparam(_OFFSET, type_=Integer)))


def _with_time(values: dict[str, Any], user: User, now: datetime) -> dict[str, Any]:
    return {**values, _NOW: now, _END: day_end(user, now)}


def _order(q: Any, sort: str, descending: bool) -> list[Any]:
    def direction(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    priority_rank = case(*[(q.c.priority == p, n) for p, n in _PRIORITY_RANK.items()], else_=0)
    # Tie-breakers keep a page stable: a request before its tasks, then by id.
    tail = [q.c.number.desc(), q.c.kind.asc(), q.c.item_id.asc()]
    if sort == "number":
        return [direction(q.c.number), q.c.kind.asc(), q.c.item_id.asc()]
    if sort == "priority":
        return [direction(priority_rank), q.c.due_at.is_(None), q.c.due_at.asc(), *tail]
    if sort == "status":
        kind_rank = case(*[(q.c.state_kind == k, n) for k, n in _KIND_RANK.items()], else_=0)
        return [direction(kind_rank), direction(q.c.status), priority_rank.desc(), *tail]
    if sort == "updated":
        return [direction(q.c.updated_at), *tail]
    # due: items without a due time go last in either direction
    return [q.c.due_at.is_(None), direction(q.c.due_at), priority_rank.desc(), *tail]


def queue_counts(session: Session, user: User, filters: QueueFilters | None = None, *,
                 now: datetime | None = None) -> dict[str, int]:
    """How many rows each of ``user``'s scopes holds under ``filters``.

    One statement counts every tab (a scalar subquery per scope, each served by its own
    indexes), so the page makes one round trip for its tab counts, not one per tab.
    """
    now = now or utcnow()
    scopes = scopes_for(user)
    shapes = []
    values: dict[str, Any] = {}
    for scope in scopes:
        shape, values = _shape(user, scope, filters or QueueFilters())
        shapes.append(shape)
    stmt = _count_statement(host_of(session), tuple(shapes))
    row = session.execute(stmt, _with_time(values, user, now)).one()
    return {scope: int(row[i] or 0) for i, scope in enumerate(scopes)}


def work_queue(
    session: Session,
    user: User,
    *,
    scope: str = "mine",
    filters: QueueFilters | None = None,
    sort: str = "due",
    descending: bool | None = None,
    page: int = 1,
    size: int = 25,
    now: datetime | None = None,
    total: int | None = None,
) -> QueuePage:
    """One page of ``user``'s work queue in ``scope``, filtered and sorted.

    ``scope`` is ``mine`` (assigned to the user), ``groups`` (assigned to one of the user's
    groups, whoever in it has it) or ``all`` (supervisors only; others get an empty list).
    ``descending`` defaults to the usual direction of ``sort`` (see :data:`SORTS`).
    ``total`` is the scope's row count when the caller has it already (from
    :func:`queue_counts` with the same filters and ``now``); otherwise it is counted.
    """
    now = now or utcnow()
    sort = sort if sort in SORTS else "due"
    if descending is None:
        descending = SORTS[sort] == "desc"
    host = host_of(session)
    shape, values = _shape(user, scope, filters or QueueFilters())
    values = _with_time(values, user, now)
    if total is None:
        total = session.execute(_count_statement(host, (shape,)), values).scalar() or 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = session.execute(_page_statement(host, shape, sort, bool(descending)),
                           {**values, _LIMIT: size, _OFFSET: (page - 1) * size}).all()
    return QueuePage(_items(session, rows, now), page, pages, total, size)


def _kind_of(host: Any, row: Any) -> str:
    """A row's state kind worked out in Python, as :func:`_state_kind_case` would in SQL."""
    if row.kind == "task":
        return _TASK_KIND.get(row.status, StateKind.ACTIVE.value)
    try:
        return str(host.workflow(row.category).kind(row.status).value)
    except (NotFound, KeyError):  # a category no plugin provides any more, or a lost state
        return StateKind.ACTIVE.value


def _items(session: Session, rows: Iterable[Any], now: datetime) -> list[QueueItem]:
    """Turn rows into items, loading their requests and tasks in two queries."""
    rows = list(rows)
    request_ids = {row.request_id for row in rows}
    task_ids = {row.item_id for row in rows if row.kind == "task"}
    requests = {req.id: req for req in session.scalars(
        _request_loader(), {"ids": sorted(request_ids)})} if request_ids else {}
    tasks = {task.id: task for task in session.scalars(
        _task_loader(), {"ids": sorted(task_ids)})} if task_ids else {}
    host = host_of(session)
    items = []
    for row in rows:
        due = row.due_at
        if due is not None and due.tzinfo is None:  # SQLite hands union columns back naive
            due = due.replace(tzinfo=UTC)
        kind = row.state_kind if "state_kind" in row._fields else _kind_of(host, row)
        items.append(QueueItem(
            kind=row.kind, request=requests[row.request_id],
            task=tasks[row.item_id] if row.kind == "task" else None,
            state_kind=kind, due_at=due, due_kind=row.due_kind,
            overdue=due is not None and kind in CLOCK_KINDS and due < now,
        ))
    return items


@lru_cache(maxsize=1)
def _request_loader() -> Select[Any]:
    """The requests of a page by id (``ids``): only the columns a queue row shows (texts and
    details load if ever asked for), with whom and which group each is assigned to."""
    r = ServiceRequest
    return select(r).where(r.id.in_(bindparam("ids", expanding=True))).options(
        load_only(r.number, r.category, r.title, r.priority, r.status, r.requester_id,
                  r.assignee_id, r.group_id, r.escalation_level, r.created_at, r.updated_at,
                  r.version),
        joinedload(r.assignee), joinedload(r.group))


@lru_cache(maxsize=1)
def _task_loader() -> Select[Any]:
    """The tasks of a page by id (``ids``), with their assignees, groups and the tasks they
    wait for."""
    t = Task
    return select(t).where(t.id.in_(bindparam("ids", expanding=True))).options(
        joinedload(t.assignee), joinedload(t.group), selectinload(t.depends_on))
