"""Staff act on the active school's events, shifts, sign-ups and announcements only: another school's id
is refused like an unknown one, naming the school, and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import Bot
from bot.services.actions import ActionContext
from bot.services.announcement_preview import AnnouncementDraft, AnnouncementError
from bot.services.event_types import EventNotFound, EventSpec
from bot.services.schools import load_school
from bot.services.volunteer_types import VolunteerError
from tests.fixtures.volunteering import load_test_shifts, parent

LINCOLN = PROJECT_ROOT / "tests" / "fixtures" / "schools" / "lincoln.yaml"
DEMO = PROJECT_ROOT / "schools" / "demo.yaml"
STARTS = datetime(2099, 12, 3, 2, 0, tzinfo=UTC)


def _use(bot: Bot, school_file: Path) -> None:
    load_school(bot.store, school_file, activate=True)
    bot.schools.forget()


def _night(key: str = "family-night") -> EventSpec:
    return EventSpec(key=key, kind="family", titles={"en": "Family night"}, starts_at=STARTS, rsvp=True)


def test_another_schools_event_is_refused_by_every_staff_command(bot: Bot) -> None:
    demo_event, _ = bot.events.save(_night())
    _use(bot, LINCOLN)
    lincoln_event, _ = bot.events.save(_night("open-house"))
    refused = f"no event #{demo_event.id} at Lincoln Middle School"
    for act in (
        lambda: bot.events.view(demo_event.id),
        lambda: bot.events.edit(demo_event.id, {"locations": {"en": "Gym"}}),
        lambda: bot.events.cancel(demo_event.id),
        lambda: bot.events.record_attendance(demo_event.id, count=12),
    ):
        with pytest.raises(EventNotFound) as error:
            act()
        assert str(error.value) == refused
    assert bot.events.view(lincoln_event.id).id == lincoln_event.id  # its own still works
    _use(bot, DEMO)
    untouched = bot.events.view(demo_event.id)
    assert (untouched.status, untouched.locations, untouched.attended, untouched.version) == (
        "scheduled",
        {},
        None,
        1,
    )
    with pytest.raises(EventNotFound, match=f"no event #{lincoln_event.id} at Rosewood Elementary"):
        bot.events.view(lincoln_event.id)


def test_a_parent_cannot_rsvp_to_another_schools_event_by_its_number(bot: Bot) -> None:
    demo_event, _ = bot.events.save(_night())
    _use(bot, LINCOLN)
    with bot.store.transaction() as tx:
        school = bot.schools.current(tx)
        contact = tx.create_contact("+13125557311", school.id)
        # As if the parent's session still held the demo event's number from a list shown before.
        for action in ("events.rsvp", "events.open", "events.pick"):
            ctx = ActionContext(
                tx=tx,
                contact=contact,
                school=school.data,
                school_id=school.id,
                locale="en",
                values={"event_id": str(demo_event.id), "choice": str(demo_event.id), "rsvp": "yes"},
                zone=school.zone,
            )
            result = bot.events.actions()[action](ctx)
            assert "gone" in (result.outcome, result.goto), action
    _use(bot, DEMO)
    assert bot.events.view(demo_event.id).yes == 0


def test_another_schools_shift_and_sign_up_are_refused_to_staff(bot: Bot) -> None:
    demo_shifts = load_test_shifts(bot)
    reading = demo_shifts["reading"]
    signup = bot.volunteers.sign_up(reading, parent(bot, "+12135557331", name="Ana Ruiz")).signup_id
    assert signup is not None
    _use(bot, LINCOLN)
    refused = f"no shift {reading} at Lincoln Middle School"
    for act in (
        lambda: bot.volunteers.roster(reading),
        lambda: bot.volunteers.edit_shift(reading, capacity=9),
        lambda: bot.volunteers.edit_shift(reading, location="Gym", supervisor="Mr. Lee"),
        lambda: bot.volunteers.edit_shift(reading, cancel=True),
    ):
        with pytest.raises(VolunteerError) as error:
            act()
        assert str(error.value) == refused
    for act in (
        lambda: bot.volunteers.mark_attendance(signup, True, "U1"),
        lambda: bot.volunteers.mark_requirement(signup, "tb_test", "U1"),
    ):
        with pytest.raises(VolunteerError) as error:
            act()
        assert str(error.value) == f"no sign-up {signup} at Lincoln Middle School"
    _use(bot, DEMO)
    roster = bot.volunteers.roster(reading)
    assert roster.shift.status == "scheduled" and roster.shift.capacity != 9
    assert roster.shift.location != "Gym" and roster.shift.supervisor != "Mr. Lee"
    assert [(e.status, e.requirements_met) for e in roster.entries] == [("confirmed", ())]


def test_a_lincoln_parent_cannot_sign_up_for_a_demo_shift_by_its_id(bot: Bot) -> None:
    reading = load_test_shifts(bot)["reading"]
    _use(bot, LINCOLN)
    with bot.store.transaction() as tx:
        lincoln = bot.schools.current(tx).id
        contact = tx.create_contact("+13125557332", lincoln)
    assert bot.volunteers.sign_up(reading, contact.id).outcome == "gone"
    _use(bot, DEMO)
    assert bot.volunteers.roster(reading).entries == ()


def test_another_schools_announcement_cannot_be_cancelled(bot: Bot) -> None:
    draft = AnnouncementDraft(
        title="Picture day",
        texts={"en": "Picture day is Friday."},
        send_at=STARTS - timedelta(days=1),
        created_by="test",
    )
    demo_id = bot.announcements.save_draft(draft)
    _use(bot, LINCOLN)
    with pytest.raises(AnnouncementError, match=f"no announcement {demo_id} at Lincoln Middle School"):
        bot.announcements.cancel(demo_id)
    _use(bot, DEMO)
    assert [a.status for a in bot.announcements.recent() if a.id == demo_id] != ["cancelled"]
