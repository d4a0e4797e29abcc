"""The one place the bot reads the current time, so demo data can be made as of a past moment.

Production code calls `utcnow()`, never `datetime.now()`, `date.today()` or `time.time()`
(tests/test_clock_seam.py fails on a module that does). `running_at(clock)` makes every call in the
current thread (and context) read `clock` instead, until the block ends; other threads keep the real
time, because the override lives in a ContextVar. Only the demo data generator and tests use it.

A component that works in threads of its own (the outbox dispatcher, the scheduler) takes a `clock`
argument instead, defaulting to `utcnow`, and runs its work under `running_at(self.clock)`, so a
test's `ManualClock` reaches those threads too. Durations and pacing (`time.monotonic()`) are not the
school's clock and stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


def system_now() -> datetime:
    """The real current time, timezone-aware in UTC."""
    return datetime.now(UTC)


_source: ContextVar[Callable[[], datetime]] = ContextVar("bot_clock", default=system_now)


def utcnow() -> datetime:
    """The current time (timezone-aware, UTC) as this context sees it."""
    return _source.get()()


class ManualClock:
    """A clock that stands still until it is moved: `at` is what `utcnow()` returns under it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a ManualClock needs a timezone-aware time")
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        """Move to a moment (forwards or backwards)."""
        self.at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forwards by `delta`."""
        self.at += delta


@contextmanager
def running_at(clock: Callable[[], datetime]) -> Iterator[None]:
    """Read the time from `clock` inside the block (this thread and context only).

    `running_at(utcnow)` changes nothing: the block reads what this context already reads.
    """
    if clock is utcnow:
        yield
        return
    token = _source.set(clock)
    try:
        yield
    finally:
        _source.reset(token)
