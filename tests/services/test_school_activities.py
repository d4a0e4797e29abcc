"""Events and volunteer shifts belong to their school; a new event, or a new time, in the past is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import Bot
from bot.domain import Inbound
from bot.services.event_file import EventFileError
from bot.services.event_types import EventPassed, EventSpec
from bot.services.schools import load_school
from tests.fixtures.volunteering import VOLUNTEERS, load_test_shifts

LINCOLN = PROJECT_ROOT / "tests" / "fixtures" / "schools" / "lincoln.yaml"
DEMO = PROJECT_ROOT / "schools" / "demo.yaml"
# Thu 2026-12-03 18:00 in Chicago (CST, UTC-6), and a moment the next day.
THURSDAY_EVENING = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _use(bot: Bot, school_file: Path) -> None:
    load_school(bot.store, school_file, activate=True)
    bot.schools.forget()


def _night(starts_at: datetime, key: str = "family-night") -> EventSpec:
    return EventSpec(key=key, kind="family", titles={"en": "Family night"}, starts_at=starts_at)


def _volunteer_listing(bot: Bot, phone: str) -> str:
    replies: list[str] = []
    for body in ("hi", "1", "VOLUNTEER", "1", "0"):  # English; reading, no free times given
        replies = bot.conversation.handle(Inbound("sms", phone, body)).replies
    return "\n".join(replies)


def test_a_second_schools_families_see_only_its_own_shifts(bot: Bot) -> None:
    demo_shifts = load_test_shifts(bot)
    _use(bot, LINCOLN)
    assert bot.volunteers.upcoming() == []
    listing = _volunteer_listing(bot, "+13125557301")
    assert "No shifts are open right now." in listing
    assert "Reading with children" not in listing

    # The same file loaded for Lincoln makes Lincoln's own opportunities, at Chicago's wall-clock times.
    assert bot.volunteers.load(VOLUNTEERS).opportunities_created == 2
    lincoln = bot.volunteers.upcoming()
    assert [s.starts_at for s in lincoln] == [
        datetime(2099, 12, 3, 14, 30, tzinfo=UTC),  # 08:30 CST
        datetime(2099, 12, 8, 19, 0, tzinfo=UTC),  # 13:00 CST
    ]
    assert not {s.id for s in lincoln} & set(demo_shifts.values())
    assert "Reading with children" in _volunteer_listing(bot, "+13125557302")

    _use(bot, DEMO)
    assert sorted(s.id for s in bot.volunteers.upcoming()) == sorted(demo_shifts.values())


def test_a_lincoln_family_cannot_take_a_place_on_another_schools_shift(bot: Bot) -> None:
    demo_shifts = load_test_shifts(bot)
    _use(bot, LINCOLN)
    bot.volunteers.load(VOLUNTEERS)
    phone = "+13125557303"
    assert "Reading with children" in _volunteer_listing(bot, phone)
    _use(bot, DEMO)  # the list the parent has was Lincoln's; the demo's shifts are another school's
    reply = "\n".join(bot.conversation.handle(Inbound("sms", phone, "1")).replies)
    assert "You're signed up" not in reply
    assert all(not bot.volunteers.roster(shift).entries for shift in demo_shifts.values())


def test_the_same_event_key_in_two_schools_makes_two_events(bot: Bot) -> None:
    starts = datetime(2099, 12, 3, 2, 0, tzinfo=UTC)
    demo_view, status = bot.events.save(_night(starts))
    assert status == "created"
    _use(bot, LINCOLN)
    lincoln_view, status = bot.events.save(_night(starts))
    assert status == "created" and lincoln_view.id != demo_view.id
    assert [v.id for v in bot.events.upcoming()] == [lincoln_view.id]
    _use(bot, DEMO)
    assert [v.id for v in bot.events.upcoming()] == [demo_view.id]


def test_a_new_event_in_the_past_is_refused_with_its_name_and_school_time(bot: Bot) -> None:
    _use(bot, LINCOLN)
    with pytest.raises(EventPassed) as refused:
        bot.events.save(_night(THURSDAY_EVENING), now=FRIDAY)
    assert str(refused.value) == (
        "'Family night' (family-night) starts Thu 2026-12-03 18:00 CST (America/Chicago), "
        "which has passed: give it a date in the future"
    )
    assert bot.events.upcoming(THURSDAY_EVENING.replace(year=2025), include_cancelled=True) == []


def test_an_events_file_with_past_events_lists_each_and_saves_none(bot: Bot, tmp_path: Path) -> None:
    _use(bot, LINCOLN)
    events = tmp_path / "lincoln.events.yaml"
    events.write_text(
        "events:\n"
        "  - {key: open-house, title: {en: Open house}, starts: '2026-12-01 17:30'}\n"
        "  - {key: winter-concert, title: {en: Winter concert}, starts: '2026-12-10 18:00'}\n"
        "  - {key: pta, title: {en: PTA meeting}, starts: '2026-12-03 18:00'}\n"
    )
    with pytest.raises(EventFileError) as refused:
        bot.events.load_file(events, now=FRIDAY)
    assert refused.value.errors == [
        "events.0.starts: 'Open house' (open-house) starts Tue 2026-12-01 17:30 CST (America/Chicago), "
        "which has passed: give it a date in the future",
        "events.2.starts: 'PTA meeting' (pta) starts Thu 2026-12-03 18:00 CST (America/Chicago), "
        "which has passed: give it a date in the future",
    ]
    assert bot.events.upcoming(FRIDAY) == []


def test_an_event_that_passed_since_it_was_loaded_stays_but_cannot_be_moved_into_the_past(
    bot: Bot, tmp_path: Path
) -> None:
    _use(bot, LINCOLN)
    events = tmp_path / "lincoln.events.yaml"
    events.write_text("events:\n  - {key: pta, title: {en: PTA meeting}, starts: '2026-12-03 18:00'}\n")
    [(view, status)] = bot.events.load_file(events, now=THURSDAY_EVENING.replace(day=1))
    assert status == "created"
    # A week later the same file loads again: the past event is left as it was.
    assert [s for _v, s in bot.events.load_file(events, now=FRIDAY)] == ["unchanged"]
    assert bot.events.edit(view.id, {"locations": {"en": "Library"}}).location() == "Library"
    with pytest.raises(EventPassed, match=r"'PTA meeting' \(pta\) starts Wed 2026-12-02 18:00 CST"):
        bot.events.edit(view.id, {"starts_at": datetime(2026, 12, 3, 0, 0, tzinfo=UTC)})
