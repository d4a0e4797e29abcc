"""The shared limiter: slots from a reservation function, sent on time, late slots given up.

Time is a fake that moves only when the limiter sleeps or the test says so, so every figure is exact.
"""

from __future__ import annotations

from bot.outbox.shared_rate import SharedRateLimiter


class FakeTime:
    """A monotonic clock (and the database's clock) that `sleep` moves forward."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


class Slots:
    """A stand-in for the database row: hands out slots 1/rate apart from a moving cursor."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.next_at = 0.0
        self.calls = 0

    def reserve(self, count: int, interval: float) -> tuple[float, float]:
        self.calls += 1
        now = self.time()
        first = max(self.next_at, now)
        self.next_at = first + count * interval
        return first, now


def limiter(row: Slots, rate: float, **options: float) -> SharedRateLimiter:
    return SharedRateLimiter(row.reserve, rate, clock=row.time, sleep=row.time.sleep, **options)


def test_two_limiters_on_one_row_share_the_rate() -> None:
    time = FakeTime()
    row = Slots(time)
    a, b = limiter(row, 50.0), limiter(row, 50.0)
    started = time()
    sends = []
    for _ in range(10):
        a.wait()
        sends.append(time())
        b.wait()
        sends.append(time())
    # 20 sends at 50/s between them, not 50/s each: exactly one slot apart.
    assert [round(t - started, 6) for t in sends] == [round(n / 50, 6) for n in range(20)]
    assert row.calls == 20


def test_a_slot_that_passed_while_the_process_was_busy_is_given_up() -> None:
    time = FakeTime()
    row = Slots(time)
    shared = limiter(row, 10.0, chunk_seconds=0.5)  # 5 slots a reservation
    shared.wait()
    assert row.calls == 1
    time.sleep(0.25)  # busy elsewhere: slots 2 and 3 of the chunk are now late by more than the grace
    before, busy_until = row.calls, time()
    shared.wait()
    assert row.calls == before + 1  # reserved afresh instead of bursting through the late slots
    assert round(time() - busy_until, 6) == 0.25  # and waited for a slot after the ones it gave up
