"""The clock seam: a pinned clock in one context, the real time everywhere else."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot import clock
from bot.store.models import utcnow as store_utcnow

PAST = datetime(2026, 2, 3, 16, 30, tzinfo=UTC)


def test_running_at_pins_the_time_for_the_store_and_services_then_lets_go() -> None:
    manual = clock.ManualClock(PAST)
    with clock.running_at(manual):
        assert clock.utcnow() == PAST and store_utcnow() == PAST
        manual.advance(timedelta(minutes=5))
        assert store_utcnow() == PAST + timedelta(minutes=5)
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_other_threads_keep_the_real_time() -> None:
    seen: list[datetime] = []
    with clock.running_at(clock.ManualClock(PAST)):
        worker = threading.Thread(target=lambda: seen.append(clock.utcnow()))
        worker.start()
        worker.join()
    assert seen[0].year >= 2026 and seen[0] != PAST


def test_a_manual_clock_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        clock.ManualClock(datetime(2026, 1, 1))


def test_running_at_utcnow_keeps_what_the_context_reads() -> None:
    # A component's default clock is utcnow itself: running at it changes nothing (and cannot recurse).
    with clock.running_at(clock.ManualClock(PAST)), clock.running_at(clock.utcnow):
        assert clock.utcnow() == PAST
    with clock.running_at(clock.utcnow):
        assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)
