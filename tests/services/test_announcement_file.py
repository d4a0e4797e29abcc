"""Announcement files: relative send times stay in the future; a passed send time is told apart from now."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.clock import ManualClock, running_at
from bot.services.announcement_file import AnnouncementFileError, has_passed, parse_announcement

CHICAGO = ZoneInfo("America/Chicago")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "announcement.yaml"
# Friday 2026-12-04 23:30 in Chicago is already Saturday in UTC.
LATE_FRIDAY = datetime(2026, 12, 5, 5, 30, tzinfo=UTC)


def test_send_in_days_counts_from_today_in_school_time() -> None:
    with running_at(ManualClock(LATE_FRIDAY)):
        draft = parse_announcement({"texts": {"en": "Hi"}, "send_in_days": 2, "time": "07:30"}, CHICAGO)
        assert draft.send_at == datetime(2026, 12, 6, 7, 30, tzinfo=CHICAGO)  # Sunday, not Monday
        assert not has_passed(draft)


def test_the_shipped_example_is_always_in_the_future() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for now in (datetime(2026, 12, 4, 18, 0, tzinfo=UTC), datetime(2031, 6, 30, 23, 59, tzinfo=UTC)):
        with running_at(ManualClock(now)):
            draft = parse_announcement(data, CHICAGO)
            assert draft.send_at is not None and draft.send_at > now
            assert not has_passed(draft)


def test_a_passed_send_at_has_passed_and_now_never_has() -> None:
    with running_at(ManualClock(LATE_FRIDAY)):
        past = parse_announcement({"texts": {"en": "Hi"}, "send_at": "2026-12-04 07:30"}, CHICAGO)
        now = parse_announcement({"texts": {"en": "Hi"}, "send_at": "now"}, CHICAGO)
        assert has_passed(past)
        assert not has_passed(now)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"send_in_days": "two", "time": "07:30"}, "send_in_days:"),
        ({"send_in_days": 2, "time": "7.30am"}, "time:"),
        ({"send_in_days": 2, "time": "07:30", "send_at": "now"}, "send_at: give either"),
    ],
)
def test_bad_relative_times_are_named(fields: dict[str, object], says: str) -> None:
    with pytest.raises(AnnouncementFileError) as raised:
        parse_announcement({"texts": {"en": "Hi"}, **fields}, CHICAGO)
    assert any(error.startswith(says) for error in raised.value.errors), raised.value.errors
