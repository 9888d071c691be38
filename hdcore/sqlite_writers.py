"""A queue for SQLite's writers: each write transaction waits its turn on an operating-system
lock before ``BEGIN IMMEDIATE``, and the next one starts the moment it is released.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps 1, 2,
5, 10, 15, 20, 25 ... ms between tries. Under steady writes (several web workers filing
requests) the waiting writers oversleep each release and the database sits idle between
transactions: two workers filed half as many requests a second as the lock allowed. An
``flock`` on a file beside the database hands the turn over at once, across processes (the
web workers, the worker, the command line) and, with a lock per process, across threads.

Nothing changes for readers, and a writer that does not take the queue (another program)
still meets SQLite's own lock and busy timeout, so the queue is an optimisation, never a
condition of correctness. A process that dies releases its lock with it.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not on this operating system: writers use SQLite's busy handler only
    fcntl = None  # type: ignore[assignment]

#: Longest wait for a turn before giving up (SQLite then applies its own busy timeout).
MAX_WAIT = 30.0


class WriterQueue:
    """The turn of one database file's writers, shared by this process's threads."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + "-writers")
        self._fd: int | None = None
        self._owner: int | None = None
        self._depth = 0
        self._guard = threading.Condition()

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def acquire(self) -> bool:
        """Wait for this thread's turn (re-entrant within a thread); False if it never came."""
        me = threading.get_ident()
        deadline = time.monotonic() + MAX_WAIT
        with self._guard:
            while self._owner not in (None, me):
                if not self._guard.wait(timeout=max(0.0, deadline - time.monotonic())):
                    return False
            self._owner = me
            self._depth += 1
            if self._depth > 1:
                return True
        if self._lock_file(deadline):
            return True
        self._leave()
        return False

    def _lock_file(self, deadline: float) -> bool:
        fd = self._file()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        # Busy: block in flock, which wakes the moment the holder lets go (napping and
        # retrying overslept each release by up to a millisecond, a third of a request's
        # write). flock has no timeout, so a helper thread blocks in it while this one
        # waits with the deadline.
        wait = _Wait(fd)
        threading.Thread(target=wait.take, name="sqlite-writer-turn", daemon=True).start()
        if wait.done.wait(timeout=max(0.0, deadline - time.monotonic())):
            return True
        if wait.abandon():
            return True
        # The helper still waits on this file descriptor and will unlock it when its turn
        # finally comes: later turns use a descriptor of their own.
        self._fd = None
        return False

    def release(self) -> None:
        """Give the turn back (the file lock when this thread's outermost hold ends)."""
        with self._guard:
            if self._owner != threading.get_ident() or self._depth == 0:
                return
            if self._depth == 1 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._leave()

    def _leave(self) -> None:
        with self._guard:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._guard.notify()


class _Wait:
    """One blocking wait for the file lock, run by a helper thread."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.done = threading.Event()
        self._guard = threading.Lock()
        self._got = False
        self._abandoned = False

    def take(self) -> None:
        """Block until the lock is ours; hand it back at once if nobody waits any more."""
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with self._guard:
            if not self._abandoned:
                self._got = True
                self.done.set()
                return
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)

    def abandon(self) -> bool:
        """Give up waiting; True if the lock arrived meanwhile (and is ours after all)."""
        with self._guard:
            if self._got:
                return True
            self._abandoned = True
            return False


_queues: dict[Path, WriterQueue] = {}
_queues_lock = threading.Lock()


def queue_for(database: str | None) -> WriterQueue | None:
    """The writers' queue of a database file (None in memory or where ``flock`` is missing)."""
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).resolve()
    with _queues_lock:
        if path not in _queues:
            _queues[path] = WriterQueue(path)
        return _queues[path]


#: The turn each raw DBAPI connection holds now, by identity.
_held: dict[int, WriterQueue] = {}


def _raw(connection: Any) -> int:
    # SQLAlchemy passes the pool's proxy to the dialect and the raw connection to the pool's
    # events: key by the raw one
    return id(getattr(connection, "dbapi_connection", None) or connection)


def take_turn(queue: WriterQueue | None, dbapi_connection: Any) -> None:
    """Before ``BEGIN IMMEDIATE`` on ``dbapi_connection``."""
    key = _raw(dbapi_connection)
    if queue is not None and key not in _held and queue.acquire():
        _held[key] = queue


def end_turn(dbapi_connection: Any) -> None:
    """After the connection's transaction ended: committed, rolled back, or returned."""
    queue = _held.pop(_raw(dbapi_connection), None)
    if queue is not None:
        queue.release()


def install(engine: Any, queue: WriterQueue | None) -> None:
    """Hand the turn back right after the COMMIT or ROLLBACK itself (SQLAlchemy's events
    fire before it, when the next writer would still meet SQLite's lock and nap)."""
    if queue is None:
        return
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            end_turn(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            end_turn(dbapi_connection)

    dialect.do_commit = do_commit
    dialect.do_rollback = do_rollback
