"""The time as the help desk sees it: the real clock, or a controlled one in tests and sweeps.

Everything that stamps or compares times asks :func:`now`, so tests can move time forward
(business hours, reminders, escalations) without sleeping.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _source()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Use ``source`` for the current time from now on (None: the real clock)."""
    global _source
    _source = source or (lambda: datetime.now(UTC))


class FrozenClock:
    """A clock that stands still until moved (for tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("give the start with its time zone")
        self.current = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the clock forward by ``delta`` (or ``timedelta(**kwargs)``); the new time."""
        self.current += delta if delta is not None else timedelta(**kwargs)
        return self.current

    def set(self, when: datetime) -> None:
        """Jump to ``when``."""
        self.current = when.astimezone(UTC)


@contextlib.contextmanager
def frozen(start: datetime) -> Iterator[FrozenClock]:
    """Freeze time at ``start`` inside the block; the yielded clock can be advanced."""
    clock = FrozenClock(start)
    set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(None)
