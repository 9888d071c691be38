"""What every service shares: one transaction per use case, the host, validation, history."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from marshmallow import Schema
from marshmallow import ValidationError as MarshmallowError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hdcore import fresh
from hdcore.db import begin_for_writing
from hdcore.errors import Conflict, NotFound, ValidationFailed
from hdcore.i18n import _, gettext
from hdcore.models import Event, ServiceRequest, Task, User, utcnow

if TYPE_CHECKING:
    from hdcore.host import PluginHost

P = ParamSpec("P")
R = TypeVar("R")
_DEPTH = "hd_service_depth"


def service(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a use case as one transaction: commit on success, roll back everything on error.

    A service called from inside another joins the outer transaction (only the outermost
    commits), so a plugin's hook can use services and still be all-or-nothing with the step.
    The first positional argument must be the session.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0]
        assert isinstance(session, Session), f"{fn.__name__}: first argument must be a Session"
        depth = session.info.get(_DEPTH, 0)
        session.info[_DEPTH] = depth + 1
        try:
            if depth == 0:
                begin_for_writing(session)
            result = fn(*args, **kwargs)
            if depth == 0:
                session.commit()
            return result
        except StaleDataError as exc:
            if depth == 0:
                session.rollback()
            raise Conflict(str(_("Someone else changed this in the meantime; reload and retry.")
                               )) from exc
        except IntegrityError as exc:
            if depth == 0:
                session.rollback()
            raise Conflict(str(_("The change clashes with existing data; reload and retry."))
                           ) from exc
        except OperationalError as exc:
            if depth == 0:
                session.rollback()
            if _stale_snapshot(exc):
                # SQLite refuses to upgrade a read snapshot that another writer has since
                # made stale: the same situation as a stale version, so the same answer.
                raise Conflict(str(_("The data changed while you were working; reload and retry."))
                               ) from exc
            raise
        except BaseException:
            if depth == 0:
                session.rollback()
            raise
        finally:
            session.info[_DEPTH] = depth

    return wrapper


def _stale_snapshot(exc: OperationalError) -> bool:
    """Whether SQLite refused a write because the transaction's snapshot is out of date.

    A lock held by another writer beyond the busy timeout is not that (plain SQLITE_BUSY):
    the database is unavailable, and the error goes on for the interface to say so.
    """
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return bool(code == sqlite3.SQLITE_BUSY_SNAPSHOT)
    return "locked" in str(exc.orig)


def host_of(session: Session) -> PluginHost:
    """The plugin host the session's factory was made with."""
    try:
        return session.info["host"]
    except KeyError:
        raise RuntimeError("session was not made by HelpDesk.session()") from None


def company_timezone(session: Session) -> ZoneInfo:
    """The help desk's time zone (``HELPDESK_TIMEZONE``, default Asia/Shanghai).

    Use it to read dates and times people type without a zone.
    """
    settings = session.info.get("settings")
    return ZoneInfo(getattr(settings, "timezone", None) or "Asia/Shanghai")


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error messages into ``{"a.0.b": [reasons]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_errors(value, path))
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        # marshmallow's own messages are plain English; the core catalog translates them.
        out[prefix or "_schema"] = [gettext(str(m)) for m in messages]
    elif isinstance(messages, list | tuple):
        for value in messages:
            out.update(flatten_errors(value, prefix))
    else:
        out[prefix or "_schema"] = [gettext(str(messages))]
    return out


def load(schema_cls: type[Schema], data: Mapping[str, Any] | None,
         prefix: str = "") -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate ``data`` with ``schema_cls``: the loaded values and the errors (prefixed)."""
    try:
        return schema_cls().load(dict(data or {})), {}
    except MarshmallowError as exc:
        return {}, flatten_errors(exc.messages, prefix)


def to_json(schema_cls: type[Schema], loaded: Mapping[str, Any]) -> dict[str, Any]:
    """Loaded values dumped back to JSON-ready form (dates as ISO strings)."""
    return schema_cls().dump(loaded)


def get_request(session: Session, request_id: int | str) -> ServiceRequest:
    """The request by id or number (``SR-2026-000123``); NotFound otherwise."""
    if isinstance(request_id, str) and not request_id.isdigit():
        from sqlalchemy import select

        req = session.scalar(select(ServiceRequest).where(ServiceRequest.number == request_id))
    else:
        req = session.get(ServiceRequest, int(request_id))
    if req is None:
        raise NotFound(f"no request {request_id}")
    return req


def get_task(session: Session, task_id: int) -> Task:
    """The task by id; NotFound otherwise."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def get_user(session: Session, user: int | str | User | None, field: str) -> User | None:
    """A user by id, username or object; a ValidationFailed naming ``field`` if unknown."""
    if user is None or isinstance(user, User):
        return user
    from sqlalchemy import select

    found = (session.get(User, user) if isinstance(user, int)
             else session.scalar(select(User).where(User.username == user)))
    if found is None or not found.is_active:
        raise ValidationFailed({field: [str(_("Unknown or inactive user."))]})
    return found


def check_version(obj: ServiceRequest | Task, expected: int | None) -> None:
    """Refuse a write based on a version other than the current one."""
    if expected is not None and int(expected) != obj.version:
        raise Conflict(
            str(_("Someone else changed this in the meantime (you saw version %(seen)s, it is "
                  "now %(now)s); reload and retry.")) % {"seen": expected, "now": obj.version}
        )


def record(
    session: Session,
    request: ServiceRequest,
    actor: User | None,
    kind: str,
    changes: Mapping[str, list[Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    public: bool = True,
    task: Task | None = None,
) -> Event:
    """Append an event to the request's history (in the current transaction)."""
    ev = Event(
        request_id=request.id,
        task_id=task.id if task is not None else None,
        actor_id=actor.id if actor is not None else None,
        at=utcnow(),
        kind=kind,
        changes=dict(changes or {}),
        data=dict(data or {}),
        public=public,
    )
    session.add(ev)
    fresh.note_event(session, ev)
    host = session.info.get("host")
    if host is not None:
        host.call_runtime(session, "hd_on_event", session=session, request=request, event=ev)
    return ev
