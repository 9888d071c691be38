"""Domain events ("this happened"), sent with blinker **after the transaction commits**.

Services queue a signal with :func:`emit`; it is sent when the session commits and dropped if
it rolls back, so receivers never hear of a change that did not happen. Receivers get the
sender (the service name) and keyword arguments of plain ids and values, not ORM objects, so
they can open their own session. Never read a return value from a signal: use a hook for that.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

_signals = Namespace()

#: A request was filed. kwargs: ``request_id``, ``number``, ``category``, ``requester_id``,
#: ``channel``.
request_created = _signals.signal("request-created")
#: A request changed state. kwargs: ``request_id``, ``category``, ``transition``,
#: ``old_status``, ``new_status``, ``actor_id``.
request_status_changed = _signals.signal("request-status-changed")
#: A request was assigned. kwargs: ``request_id``, ``assignee_id``, ``group_id``, ``actor_id``.
request_assigned = _signals.signal("request-assigned")
#: A comment was added. kwargs: ``request_id``, ``comment_id``, ``internal``, ``author_id``.
comment_added = _signals.signal("comment-added")
#: A request was escalated. kwargs: ``request_id``, ``level``, ``reason``, ``actor_id``.
request_escalated = _signals.signal("request-escalated")
#: A request was rated. kwargs: ``request_id``, ``score``, ``actor_id``.
request_rated = _signals.signal("request-rated")
#: A task was created. kwargs: ``task_id``, ``request_id``, ``assignee_id``, ``group_id``.
task_created = _signals.signal("task-created")
#: A task changed state. kwargs: ``task_id``, ``request_id``, ``old_status``, ``new_status``.
task_status_changed = _signals.signal("task-status-changed")
#: A plugin was enabled or disabled. kwargs: ``plugin``, ``enabled``, ``actor_id``.
plugin_toggled = _signals.signal("plugin-toggled")

_PENDING = "hd_pending_signals"


def emit(session: Session, signal: Any, sender: str, **kwargs: Any) -> None:
    """Queue ``signal`` to be sent once ``session`` commits (dropped on rollback)."""
    session.info.setdefault(_PENDING, []).append((signal, sender, kwargs))


def install(factory: sessionmaker[Session]) -> None:
    """Send queued signals after commit, drop them after rollback, for sessions of ``factory``."""

    @event.listens_for(factory, "after_commit")
    def _send(session: Session) -> None:
        pending = session.info.pop(_PENDING, [])
        for signal, sender, kwargs in pending:
            signal.send(sender, **kwargs)

    @event.listens_for(factory, "after_soft_rollback")
    def _drop(session: Session, previous_transaction: Any) -> None:
        if previous_transaction.parent is not None:
            return  # a savepoint rolled back; the outer transaction may still commit
        session.info.pop(_PENDING, None)
