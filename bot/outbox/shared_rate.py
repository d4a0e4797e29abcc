"""A rate limit shared by several dispatcher processes: send slots are reserved in the database.

A process reserves a slot when it is ready to send (one short UPDATE) and sends at the slot's
time; slots are `1/rate` apart across all processes. Reserving just in time, rather than a run of
slots ahead, wastes no slots when one process is slower than the rate. A slot that has already
passed by more than `grace` seconds when it comes up (the process was descheduled) is given up
rather than used, so no process catches up in a burst. `chunk_seconds` > 0 reserves that many
seconds of slots at once, for rates high enough that one UPDATE per message matters.

Slots are kept on `clock` (time.monotonic by default) and waited for with `sleep` (time.sleep);
tests give both a fake that moves only when asked.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# (how many slots, seconds between them) -> (first slot, the database's now), both in seconds
Reserve = Callable[[int, float], tuple[float, float]]


class SharedRateLimiter:
    """Waits for the next send slot of a sender whose budget several processes share."""

    def __init__(
        self,
        reserve: Reserve,
        rate: float,
        chunk_seconds: float = 0.0,
        grace: float = 0.02,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.reserve = reserve
        self.clock, self.sleep = clock, sleep
        self.interval = 1.0 / rate
        self.chunk = max(1, math.floor(rate * chunk_seconds))
        self.grace = grace
        self._slots: deque[float] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for this process's next slot (the send then runs inside the block)."""
        self.wait()
        yield

    def wait(self) -> None:
        """Block until this process holds a slot that is due now."""
        with self._lock:
            while True:
                if not self._slots:
                    self._refill()
                slot = self._slots.popleft()
                now = self.clock()
                if now - slot <= self.grace:
                    break
                self._slots.clear()  # fell behind: give the late slots up instead of bursting
            delay = slot - now
            if delay > 0:
                self.sleep(delay)

    def _refill(self) -> None:
        first, database_now = self.reserve(self.chunk, self.interval)
        start = self.clock() + (first - database_now)
        self._slots.extend(start + n * self.interval for n in range(self.chunk))
