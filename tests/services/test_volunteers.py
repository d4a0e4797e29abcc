"""The volunteer service: loading, places and the waitlist, offers that expire, staff records, evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.domain import Inbound
from bot.services.quiet_hours import QuietHours
from bot.services.volunteer_file import VolunteerFileError, load_volunteer_file
from bot.services.volunteer_types import VolunteerError
from tests.fixtures.volunteering import evidence, load_test_shifts, outbox_to, parent


def statuses(bot: Bot, shift_id: int) -> dict[str, str]:
    return {e.phone: e.status for e in bot.volunteers.roster(shift_id, full_phones=True).entries}


def test_loading_twice_updates_by_key_and_moves_only_changed_shifts(bot: Bot, tmp_path: Path) -> None:
    shifts = load_test_shifts(bot)
    assert set(shifts) == {"reading", "art"}
    again = bot.volunteers.load(Path("tests/fixtures/volunteers.yaml"))
    assert (again.opportunities_created, again.opportunities_updated) == (0, 2)
    assert load_test_shifts(bot) == shifts
    with bot.store.engine.connect() as connection:
        versions = connection.execute(text("SELECT version FROM volunteer_shifts")).scalars().all()
    assert versions == [1, 1]


def test_a_bad_file_lists_every_error_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "spec_version: 1\nopportunities:\n"
        "  - {key: ok, title: {en: A}, capacity: 0, skills: [juggling],\n"
        "     shifts: [{in_days: 1, time: '25:00'}]}\n"
        "  - {key: two, title: {es: B}, capacity: 2, shifts: [{time: '08:00'}]}\n"
    )
    with pytest.raises(VolunteerFileError) as caught:
        load_volunteer_file(bad)
    paths = [error.split(":")[0] for error in caught.value.errors]
    assert "opportunities.0.capacity" in paths
    assert "opportunities.0.skills.0" in paths
    assert "opportunities.0.shifts.0.time" in paths
    assert "opportunities.1.title" in paths
    assert "opportunities.1.shifts.0" in paths


def test_the_demo_file_is_valid_and_upcoming(bot: Bot) -> None:
    report = bot.volunteers.load(Path("schools/demo.volunteers.yaml"))
    assert report.opportunities_created == 4
    upcoming = bot.volunteers.upcoming()
    assert len(upcoming) == 7 and all(s.starts_at > datetime.now(UTC) for s in upcoming)
    titles = {s.title for s in upcoming}
    assert "Translating at parent conferences" in titles and "Family night set-up crew" in titles


def test_the_last_place_then_the_waitlist_in_order(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]  # one place
    first, second, third = (parent(bot, f"+1213555720{n}") for n in (1, 2, 3))
    assert bot.volunteers.sign_up(shift, first).outcome == "confirmed"
    waiting = [bot.volunteers.sign_up(shift, who) for who in (second, third)]
    assert [(r.outcome, r.position) for r in waiting] == [("waitlisted", 1), ("waitlisted", 2)]
    assert bot.volunteers.sign_up(shift, first).outcome == "already"
    assert [d for _i, _v, d in evidence(bot, "volunteer_signup")] == ["confirmed", "waitlisted", "waitlisted"]
    view = bot.volunteers.roster(shift).shift
    assert (view.filled, view.capacity, view.waitlisted) == (1, 1, 2)


def test_a_cancellation_offers_the_place_to_the_first_waiting_in_their_language(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]
    first = parent(bot, "+12135557211")
    second = parent(bot, "+12135557212", "es")
    bot.volunteers.sign_up(shift, first)
    bot.volunteers.sign_up(shift, second)
    _cancel_by_sms(bot, "+12135557211")
    assert statuses(bot, shift) == {"+12135557212": "offered"}
    [offer] = outbox_to(bot, "+12135557212")
    assert offer.startswith("¡Buenas noticias! Se abrió un lugar: Lectura con niños")
    replies = bot.conversation.handle(Inbound("sms", "+12135557212", "SI")).replies
    assert replies[0].startswith("¡Qué bien! Ya está inscrito en Lectura con niños")
    assert statuses(bot, shift) == {"+12135557212": "confirmed"}
    assert [d for _i, _v, d in evidence(bot, "volunteer_cancelled")] == ["confirmed"]


def test_an_offer_not_answered_in_time_goes_to_the_next_parent(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]
    first, second, third = (parent(bot, f"+1213555722{n}") for n in (1, 2, 3))
    for who in (first, second, third):
        bot.volunteers.sign_up(shift, who)
    _cancel_by_sms(bot, "+12135557221")
    assert bot.volunteers.expire_offers() == 0  # still within the window
    later = datetime.now(UTC) + timedelta(hours=bot.settings.volunteer_offer_hours, minutes=1)
    assert bot.volunteers.expire_offers(later) == 1
    assert statuses(bot, shift) == {"+12135557223": "offered"}
    assert "was not taken in time" in outbox_to(bot, "+12135557222")[-1]
    # The late answer is told the place went on.
    late = bot.conversation.handle(Inbound("sms", "+12135557222", "YES")).replies
    assert late == ["Sorry, that place is no longer held for you. Reply VOLUNTEER to see what is open."]


def test_declining_an_offer_passes_it_on(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]
    for n in (1, 2, 3):
        bot.volunteers.sign_up(shift, parent(bot, f"+1213555723{n}"))
    _cancel_by_sms(bot, "+12135557231")
    unclear = bot.conversation.handle(Inbound("sms", "+12135557232", "maybe")).replies
    assert unclear[0].startswith("Good news! A place opened")  # asked again
    declined = bot.conversation.handle(Inbound("sms", "+12135557232", "2")).replies
    assert declined == ["OK, we will offer it to the next person. Thank you for telling us."]
    assert statuses(bot, shift) == {"+12135557233": "offered"}


def test_more_places_offer_them_to_the_waitlist_and_a_cancelled_shift_tells_everyone(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]
    for n in (1, 2, 3):
        bot.volunteers.sign_up(shift, parent(bot, f"+1213555724{n}"))
    view = bot.volunteers.edit_shift(shift, capacity=3)
    assert (view.filled, view.waitlisted) == (3, 0)
    assert sorted(statuses(bot, shift).values()) == ["confirmed", "offered", "offered"]
    bot.volunteers.edit_shift(shift, cancel=True)
    assert statuses(bot, shift) == {}
    assert all("is cancelled" in outbox_to(bot, f"+1213555724{n}")[-1] for n in (1, 2, 3))
    assert bot.volunteers.upcoming() and shift not in [s.id for s in bot.volunteers.upcoming()]


def test_attendance_records_hours_and_the_fill_rate_once(bot: Bot) -> None:
    shift = load_test_shifts(bot)["art"]  # two places, 13:00-14:30
    one = parent(bot, "+12135557251", name="Ana Ruiz")
    two = parent(bot, "+12135557252")
    signups = [bot.volunteers.sign_up(shift, who).signup_id for who in (one, two)]
    assert all(signups)
    roster = bot.volunteers.mark_attendance(signups[0] or 0, True, "U0STAFF")
    bot.volunteers.mark_attendance(signups[1] or 0, False, "U0STAFF")
    assert [(i, v) for i, v, _d in evidence(bot, "volunteer_hours")] == [("3E", 1.5)]
    bot.volunteers.mark_attendance(signups[0] or 0, False, "U0STAFF")  # a correction
    bot.volunteers.mark_attendance(signups[0] or 0, True, "U0STAFF")
    assert sum(v or 0 for _i, v, _d in evidence(bot, "volunteer_hours")) == 1.5
    [(indicator, rate, detail)] = evidence(bot, "fill_rate")
    assert indicator == "3D" and rate == 1.0 and detail and detail.startswith("opportunity:")
    names = [e.name for e in roster.entries]
    assert "Ana Ruiz" in names and None in names
    assert {e.phone for e in roster.entries} == {"***7251", "***7252"}


def test_requirements_met_are_kept_for_the_parent_and_count_as_training(bot: Bot) -> None:
    shifts = load_test_shifts(bot)
    who = parent(bot, "+12135557261")
    signup = bot.volunteers.sign_up(shifts["reading"], who).signup_id or 0
    roster = bot.volunteers.mark_requirement(signup, "tb_test", "U0STAFF")
    [entry] = roster.entries
    assert entry.requirements_met == ("tb_test",) and entry.requirements_missing == ("application",)
    with pytest.raises(VolunteerError):
        bot.volunteers.mark_requirement(signup, "training", "U0STAFF")  # not one of this opportunity's
    assert [(i, d) for i, _v, d in evidence(bot, "requirement_met")] == [("3C", "tb_test")]
    # A later sign-up only asks for what is still missing.
    with bot.store.transaction() as tx:
        assert bot.volunteers.needs(tx, shifts["reading"], who, ("en",)) == "a volunteer form"


def test_training_completed_is_evidence_of_its_own(bot: Bot, tmp_path: Path) -> None:
    trained = tmp_path / "trained.yaml"
    trained.write_text(
        "spec_version: 1\nopportunities:\n"
        "  - {key: conf, title: {en: Conferences}, capacity: 2, skills: [translating],\n"
        "     requirements: [training], shifts: [{date: 2099-10-01, time: '14:00', hours: 3}]}\n"
    )
    bot.volunteers.load(trained)
    [shift] = [s.id for s in bot.volunteers.upcoming()]
    signup = bot.volunteers.sign_up(shift, parent(bot, "+12135557271")).signup_id or 0
    bot.volunteers.mark_requirement(signup, "training", "U0STAFF")
    assert [i for i, _v, _d in evidence(bot, "training_completed")] == ["3C"]


def test_skill_matches_come_first_and_are_evidence(bot: Bot) -> None:
    load_test_shifts(bot)
    phone = "+12135557281"
    for body in ("hi", "1", "VOLUNTEER", "4", "0"):  # arts, no free times given
        replies = bot.conversation.handle(Inbound("sms", phone, body)).replies
    listing = replies[-1]
    assert listing.index("Classroom art helper") < listing.index("Reading with children")
    bot.conversation.handle(Inbound("sms", phone, "1"))
    bot.conversation.handle(Inbound("sms", phone, "1"))
    assert [(i, v) for i, v, _d in evidence(bot, "skill_match")] == [("3D", 1.0)]
    assert [(i, d) for i, _v, d in evidence(bot, "skills_profile")] == [("3D", "arts")]


def test_offers_made_at_night_wait_for_the_morning(bot: Bot) -> None:
    quiet = QuietHours(time(21, 0), time(8, 0), ZoneInfo("America/Los_Angeles"))
    bot.volunteers.config = replace(bot.volunteers.config, quiet=quiet)
    night = datetime(2099, 11, 30, 6, 0, tzinfo=UTC)  # 22:00 in Los Angeles
    assert bot.volunteers._outside_quiet_hours(night) == datetime(2099, 11, 30, 16, 0, tzinfo=UTC)
    noon = datetime(2099, 11, 30, 20, 0, tzinfo=UTC)
    assert bot.volunteers._outside_quiet_hours(noon) == noon


def _cancel_by_sms(bot: Bot, phone: str) -> None:
    for body in ("MY SHIFTS", "1", "1"):
        bot.conversation.handle(Inbound("sms", phone, body))
