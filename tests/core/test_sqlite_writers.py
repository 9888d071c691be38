"""The queue SQLite's writers wait in: one writer at a time across threads and processes, the
turn handed over at COMMIT, and nothing lost or refused when many write at once."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select, text

from hdcore.db import make_engine
from hdcore.sqlite_writers import WriterQueue, queue_for


def test_one_thread_at_a_time_and_reentrant_within_a_thread(tmp_path: Path) -> None:
    queue = WriterQueue(tmp_path / "x.sqlite")
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        assert queue.acquire() and queue.acquire()  # a second connection of the same thread
        first_in.set()
        time.sleep(0.2)
        order.append("first done")
        queue.release()
        queue.release()

    def second() -> None:
        first_in.wait()
        assert queue.acquire()
        order.append("second in")
        queue.release()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order == ["first done", "second in"]


@contextlib.contextmanager
def _another_process_holding(db: Path, then: str) -> Iterator[subprocess.Popen[str]]:
    """A second process that takes the turn, runs the Python lines ``then`` and lets go;
    entered once it holds the turn. Its standard input is a pipe the test may write to."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from hdcore.sqlite_writers import WriterQueue\n"
        f"q = WriterQueue(Path({str(db)!r}))\n"
        "assert q.acquire()\n"
        "print('held', flush=True)\n"
        f"{then}\n"
        "q.release()\n")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()
        holder.wait(timeout=10)


def test_another_process_holding_the_turn_makes_us_wait(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    letting_go = tmp_path / "letting-go"
    with _another_process_holding(
            db, f"time.sleep(0.5)\nPath({str(letting_go)!r}).touch()") as holder:
        queue = WriterQueue(db)
        assert queue.acquire()
        # we only got in once the other process was letting go
        assert letting_go.exists()
        queue.release()
        assert holder.wait(timeout=10) == 0


def test_concurrent_writers_all_commit_and_the_turn_is_free_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)"))
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        for i in range(25):
            try:
                with (engine.connect().execution_options(sqlite_write=True) as conn,
                      conn.begin()):
                    conn.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": f"{n}-{i}"})
                    if i % 5 == 0:  # some transactions fail and roll back
                        raise RuntimeError("roll back")
            except RuntimeError:
                pass
            except BaseException as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(text("t"))) == 6 * 20
    queue = queue_for(str(tmp_path / "w.sqlite"))
    assert queue is not None and queue.acquire()  # nobody kept the turn
    queue.release()
    engine.dispose()


def test_a_wait_that_times_out_gives_up_and_the_next_turn_still_comes(
        tmp_path: Path, monkeypatch) -> None:
    from hdcore import sqlite_writers
    db = tmp_path / "x.sqlite"
    with _another_process_holding(db, "sys.stdin.readline()") as holder:
        monkeypatch.setattr(sqlite_writers, "MAX_WAIT", 0.3)
        queue = WriterQueue(db)
        began = time.monotonic()
        assert queue.acquire() is False
        assert 0.25 < time.monotonic() - began < 5
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.wait(timeout=10) == 0
        # the abandoned wait hands its late turn back: this one gets in
        monkeypatch.setattr(sqlite_writers, "MAX_WAIT", 10.0)
        assert queue.acquire()
        queue.release()
