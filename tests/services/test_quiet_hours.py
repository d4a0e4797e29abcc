"""Quiet hours: bulk sends wait for 08:00 school time, across midnight and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.services.quiet_hours import QuietHours

LA = ZoneInfo("America/Los_Angeles")
QUIET = QuietHours(time(21, 0), time(8, 0), LA)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)  # type: ignore[misc]


def test_daytime_is_open() -> None:
    at = local(2026, 11, 23, 12, 0)
    assert not QUIET.contains(at)
    assert QUIET.next_open(at) == at


def test_evening_waits_for_next_morning() -> None:
    opens = QUIET.next_open(local(2026, 11, 23, 22, 30))
    assert opens.astimezone(LA) == local(2026, 11, 24, 8, 0)
    assert opens.tzinfo == UTC


def test_small_hours_wait_for_same_morning() -> None:
    assert QUIET.next_open(local(2026, 11, 24, 3, 0)).astimezone(LA) == local(2026, 11, 24, 8, 0)


def test_edges() -> None:
    assert QUIET.contains(local(2026, 11, 23, 21, 0))
    assert not QUIET.contains(local(2026, 11, 23, 8, 0))
    assert QUIET.contains(local(2026, 11, 23, 7, 59))


def test_window_across_fall_back_opens_at_eight_local() -> None:
    # 2026-11-01 02:00 PDT -> 01:00 PST: the night is 25 hours long.
    opens = QUIET.next_open(local(2026, 10, 31, 23, 0))
    assert opens == datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 08:00 PST


def test_daytime_window() -> None:
    lunch = QuietHours(time(12, 0), time(13, 0), LA)
    assert lunch.next_open(local(2026, 11, 23, 12, 30)).astimezone(LA) == local(2026, 11, 23, 13, 0)
    assert not lunch.contains(local(2026, 11, 23, 13, 30))


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)))
def test_next_open_is_never_quiet_and_never_earlier(at: datetime) -> None:
    opens = QUIET.next_open(at)
    assert opens >= at
    assert not QUIET.contains(opens)
    assert (opens - at).total_seconds() <= 12 * 3600
