"""The school is chosen, and its time zone is the one every part uses (Chicago, and Honolulu without DST)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot, build_bot
from bot.clock import ManualClock, running_at
from bot.domain import Inbound
from bot.outbox.transport import DryRunTransport
from bot.report.service import ReportOptions, make_report
from bot.services.announcement_file import parse_announcement
from bot.services.schools import load_school
from tests.fixtures.bots import DEMO_SCHOOL, make_settings
from tests.fixtures.volunteering import VOLUNTEERS

SCHOOLS = DEMO_SCHOOL.parents[1] / "tests" / "fixtures" / "schools"
LINCOLN = SCHOOLS / "lincoln.yaml"  # America/Chicago
KALANI = SCHOOLS / "kalani.yaml"  # Pacific/Honolulu
PARENT = "+13125550199"
# Friday 2026-12-04 18:41 UTC: 12:41 in Chicago, 08:41 in Honolulu, 10:41 in Los Angeles.
FRIDAY = datetime(2026, 12, 4, 18, 41, tzinfo=UTC)


def wired(db_url: str, school: object) -> Bot:
    """A bot on an empty database that is given only this school (quiet hours 21:00-08:00)."""
    bot = build_bot(
        make_settings(db_url, quiet_hours_start="21:00", quiet_hours_end="08:00"), transport=DryRunTransport()
    )
    load_school(bot.store, school, activate=True)  # type: ignore[arg-type]
    return bot


@pytest.fixture
def chicago(db_url: str) -> Iterator[Bot]:
    bot = wired(db_url, LINCOLN)
    yield bot
    bot.close()


@pytest.fixture
def honolulu(db_url: str) -> Iterator[Bot]:
    bot = wired(db_url, KALANI)
    yield bot
    bot.close()


def say(bot: Bot, body: str) -> list[str]:
    return bot.conversation.handle(Inbound("sms", PARENT, body)).replies


def raise_concern(bot: Bot) -> list[str]:
    for body in ("hi", "1", "menu", "1", "2", "A boy pushes my son on the bus.", "2", "1"):
        say(bot, body)
    return say(bot, "after 3 pm")


def test_school_use_switches_who_answers(db_url: str) -> None:
    bot = wired(db_url, DEMO_SCHOOL)
    try:
        assert "Rosewood Elementary" in say(bot, "hi")[0]
        load_school(bot.store, LINCOLN)  # loaded, not chosen: the demo still answers
        bot.schools.forget()
        assert "Rosewood Elementary" in say(bot, "help")[0]
        load_school(bot.store, LINCOLN, activate=True)
        bot.schools.forget()  # another process sees it when its 30-second cache runs out
        with bot.store.transaction() as tx:
            assert [(s.slug, s.active) for s in tx.schools()] == [
                ("rosewood-elementary", False),
                ("lincoln-middle", True),
            ]
        help_text = say(bot, "help")[0]
        assert "Lincoln Family Texts" in help_text
        assert "(312) 555-0142" in help_text
        assert bot.schools.zone() == ZoneInfo("America/Chicago")
    finally:
        bot.close()


def test_a_chicago_parent_hears_the_school_its_hours_and_chicago_times(chicago: Bot) -> None:
    replies = say(chicago, "hi")
    assert "Lincoln Middle School" in replies[0]
    say(chicago, "1")  # English
    assert "8:15 AM - 3:45 PM" in " ".join(say(chicago, "office hours"))
    with running_at(ManualClock(FRIDAY)):
        confirmation = raise_concern(chicago)[0]
        # One school day after Friday 12:41 in Chicago is Monday 12:41 there (18:41 UTC).
        assert "Mon, Dec 7, 12:41 PM" in confirmation, confirmation
        status = " ".join(say(chicago, "status"))
    assert "Fri, Dec 4, 12:41 PM" in status, status
    with chicago.store.transaction() as tx:
        [concern] = tx.concerns_of_contact(tx.contact_by_phone(PARENT).id)  # type: ignore[union-attr]
    assert concern["ack_due_at"] == datetime(2026, 12, 7, 18, 41, tzinfo=UTC)


# 04:30 UTC is 22:30 in Chicago (quiet) and 18:30 in Honolulu (not yet).
LATE = datetime(2026, 12, 5, 4, 30, tzinfo=UTC)


def test_quiet_hours_are_chicagos(chicago: Bot) -> None:
    assert chicago.quiet_hours.contains(LATE)
    assert chicago.quiet_hours.next_open(LATE) == datetime(2026, 12, 5, 14, 0, tzinfo=UTC)  # 08:00 CST


def test_quiet_hours_are_honolulus(honolulu: Bot) -> None:
    assert not honolulu.quiet_hours.contains(LATE)
    at_night = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)  # 22:00 in Honolulu
    assert honolulu.quiet_hours.next_open(at_night) == datetime(2026, 12, 5, 18, 0, tzinfo=UTC)  # 08:00 HST


def test_reminders_count_days_on_chicagos_wall_clock(chicago: Bot) -> None:
    # Daylight saving ends on 2026-11-01: "7 days before" 18:00 CST is 18:00 CDT, 23:00 UTC.
    starts = datetime(2026, 11, 5, 18, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert chicago.reminders.due_at(starts, 7 * 1440) == datetime(2026, 10, 29, 23, 0, tzinfo=UTC)
    assert chicago.reminders.due_at(starts, 120) == datetime(2026, 11, 5, 22, 0, tzinfo=UTC)


def test_reminders_in_honolulu_have_no_daylight_saving(honolulu: Bot) -> None:
    starts = datetime(2026, 11, 5, 18, 0, tzinfo=ZoneInfo("Pacific/Honolulu"))
    assert honolulu.reminders.due_at(starts, 7 * 1440) == datetime(2026, 10, 30, 4, 0, tzinfo=UTC)


def test_event_and_announcement_times_are_written_in_school_time(honolulu: Bot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    events = tmp_path / "kalani.events.yaml"
    events.write_text(
        "events:\n  - key: open-house\n    kind: family\n    title: {en: Open house}\n"
        '    starts: "2099-12-03 18:00"\n    ends: "19:30"\n'
    )
    [(saved, _)] = honolulu.events.load_file(events, actor="test")
    assert saved.starts_at == datetime(2099, 12, 4, 4, 0, tzinfo=UTC)
    draft = parse_announcement(
        {"texts": {"en": "Picture day"}, "send_at": "2099-12-03 09:00"}, honolulu.schools.zone()
    )
    assert draft.send_at == datetime(2099, 12, 3, 19, 0, tzinfo=UTC)


def test_volunteer_shifts_are_in_school_time(chicago: Bot) -> None:
    chicago.volunteers.load(VOLUNTEERS)
    first = chicago.volunteers.upcoming()[0]
    # 2099-12-03 08:30-10:00 in Chicago (CST, UTC-6).
    assert (first.starts_at, first.ends_at) == (
        datetime(2099, 12, 3, 14, 30, tzinfo=UTC),
        datetime(2099, 12, 3, 16, 0, tzinfo=UTC),
    )


def test_report_days_are_the_schools(honolulu: Bot) -> None:
    report = make_report(honolulu.store, ReportOptions(), date(2026, 12, 1), date(2026, 12, 31))
    assert report.timezone == "Pacific/Honolulu"


def test_school_days_skip_the_weekend_in_honolulu(honolulu: Bot) -> None:
    with running_at(ManualClock(FRIDAY + timedelta(hours=8))):  # Friday 16:41 in Honolulu
        confirmation = raise_concern(honolulu)[0]
    assert "Mon, Dec 7, 4:41 PM" in confirmation, confirmation
