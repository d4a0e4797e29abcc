"""Events files and school-time parsing: wall clocks in the school's zone become the right UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.event_file import (
    EventFileError,
    parse_end,
    parse_events,
    parse_moment,
    parse_offsets,
    school_moment,
)

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Sunday Nov 22, 19:00 in Los Angeles


def test_a_school_time_becomes_utc() -> None:
    assert parse_moment("2026-12-03 18:00", LA) == datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    assert parse_moment("2026-07-03T18:00", LA) == datetime(2026, 7, 4, 1, 0, tzinfo=UTC)
    for bad in ("2026-13-03 18:00", "2026-12-03", "18:00", "next friday"):
        with pytest.raises(ValueError):
            parse_moment(bad, LA)


def test_an_hour_skipped_by_daylight_saving_is_refused_and_a_repeated_one_is_the_first() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        school_moment(date(2027, 3, 14), time(2, 30), LA)
    # 01:30 happens twice on 2026-11-01; the first (PDT) is meant.
    assert school_moment(date(2026, 11, 1), time(1, 30), LA) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_an_end_is_the_same_day_or_a_full_moment_and_follows_the_start() -> None:
    start = parse_moment("2026-12-03 18:00", LA)
    assert parse_end("19:30", start, LA) - start == timedelta(minutes=90)
    assert parse_end("2026-12-04 09:00", start, LA) - start == timedelta(hours=15)
    with pytest.raises(ValueError, match="after the start"):
        parse_end("17:00", start, LA)


def test_offsets_are_minutes_largest_first_each_once() -> None:
    assert parse_offsets(["2h", "7d", "1d", "2h", 30]) == (10080, 1440, 120, 30)


def test_relative_days_count_from_today_in_the_school_zone() -> None:
    data = {"events": [{"key": "a", "title": {"en": "A"}, "starts_in_days": 1, "time": "09:00"}]}
    [spec] = parse_events(data, Path("x.yaml"), zone=LA, default_locale="en", now=NOW)
    # It is still Sunday in Los Angeles, though Monday in UTC: "in 1 day" is Monday 09:00 there.
    assert spec.starts_at == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert spec.reminder_minutes == (1440,)  # the default reminder: a day before


def test_a_file_that_is_not_a_list_of_events() -> None:
    with pytest.raises(EventFileError) as caught:
        parse_events(["nope"], Path("x.yaml"), zone=LA, default_locale="en")
    assert "mapping" in caught.value.errors[0]
    with pytest.raises(EventFileError) as caught:
        parse_events(
            {"events": [{"key": "a", "title": {"en": "A"}}]}, Path("x.yaml"), zone=LA, default_locale="en"
        )
    assert caught.value.errors == [
        "events.0.starts: give starts (2026-12-03 18:00), or starts_in_days with time"
    ]
    duplicate = {"key": "a", "title": {"en": "A"}, "starts": "2030-01-01 10:00"}
    with pytest.raises(EventFileError) as caught:
        parse_events({"events": [duplicate, duplicate]}, Path("x.yaml"), zone=LA, default_locale="en")
    assert caught.value.errors == ["events.1.key: 'a' is also used by events.0"]


@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_any_school_time_keeps_its_wall_clock_or_is_refused(day: date, at: time) -> None:
    try:
        instant = school_moment(day, at, LA)
    except ValueError:
        return  # the spring-forward hour
    assert instant.tzinfo is UTC
    local = instant.astimezone(LA)
    assert (local.date(), local.time()) == (day, at)
