"""The shared limiter: slots from a reservation function, sent on time, late slots given up."""

from __future__ import annotations

import time

from bot.outbox.shared_rate import SharedRateLimiter


class Slots:
    """A stand-in for the database row: hands out slots 1/rate apart from a moving cursor."""

    def __init__(self) -> None:
        self.next_at = 0.0
        self.calls = 0

    def reserve(self, count: int, interval: float) -> tuple[float, float]:
        self.calls += 1
        now = time.time()
        first = max(self.next_at, now)
        self.next_at = first + count * interval
        return first, now


def test_two_limiters_on_one_row_share_the_rate() -> None:
    row = Slots()
    a, b = SharedRateLimiter(row.reserve, 50.0), SharedRateLimiter(row.reserve, 50.0)
    started = time.monotonic()
    for _ in range(10):
        a.wait()
        b.wait()
    elapsed = time.monotonic() - started
    assert elapsed >= 19 / 50 - 0.01  # 20 sends at 50/s between them, not 50/s each


def test_a_slot_that_passed_while_the_process_was_busy_is_given_up() -> None:
    row = Slots()
    limiter = SharedRateLimiter(row.reserve, 10.0, chunk_seconds=0.5)  # 5 slots a reservation
    limiter.wait()
    time.sleep(0.25)  # slots 2 and 3 of the chunk are now late by more than the grace
    before = row.calls
    started = time.monotonic()
    limiter.wait()
    assert row.calls == before + 1  # reserved afresh instead of bursting through the late slots
    assert time.monotonic() - started >= 0.2  # and waited for a slot after the ones it gave up
