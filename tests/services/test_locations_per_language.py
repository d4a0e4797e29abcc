"""Event and volunteer locations per language, like titles: read from the files (a plain string is the
default language's text, a machine draft waits for review), shown to each parent in their language with
the default language as fallback, reported when a language lacks one, and given in all ten by the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.app import Bot
from bot.domain import Inbound
from bot.services.event_file import EventFileError, parse_events
from bot.services.school_review import fill_drafts
from bot.services.school_texts import coverage, draft, is_draft, refusals, report_lines, slots
from bot.services.volunteer_file import VolunteerFileError, parse_volunteer_file
from tests.fixtures.events import add_parent, event_spec
from tests.fixtures.volunteering import outbox_to, parent
from tests.services.test_school_texts import BracketTranslator

LA = ZoneInfo("America/Los_Angeles")
SHIPPED = ("en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar")
SHARES = {"en": 0.55, "es": 0.40, "ko": 0.05}
VOLUNTEERS = """spec_version: 1
opportunities:
  - key: reading
    title: {en: Reading with children, es: Lectura con niños}
    location: {en: Library, es: Biblioteca, ko: {machine: deepl, text: 도서관}}
    capacity: 3
    shifts:
      - {in_days: 3, time: "08:30", end: "10:00"}
"""


def _event(**fields: Any) -> dict[str, Any]:
    return {
        "events": [{"key": "night", "title": {"en": "Family night"}, "starts": "2099-12-10 18:00", **fields}]
    }


def _parse(data: dict[str, Any], default_locale: str = "en") -> Any:
    (spec,) = parse_events(data, Path("e.yaml"), zone=LA, default_locale=default_locale)
    return spec


def test_an_events_file_gives_locations_per_language_and_drafts_wait_for_review() -> None:
    location = {"en": " Library ", "es": "Biblioteca", "ko": draft("도서관", "deepl")}
    assert _parse(_event(location=location)).locations == {"en": "Library", "es": "Biblioteca"}
    # A file written before locations were per language: its one string is the default language's.
    assert _parse(_event(title={"es": "Noche familiar"}, location="Biblioteca"), "es").locations == {
        "es": "Biblioteca"
    }
    assert _parse(_event(location="  ")).locations == {}
    assert _parse(_event()).locations == {}
    with pytest.raises(EventFileError) as refused:
        _parse(_event(location={"en": "Library", "es": " "}))
    assert refused.value.errors == ["events.0.location: empty text for es"]
    with pytest.raises(EventFileError) as too_long:
        _parse(_event(location={"en": "x" * 201}))
    assert too_long.value.errors == ["events.0.location: longer than 200 characters for en"]


def test_a_volunteer_file_gives_locations_per_language_too() -> None:
    parsed = parse_volunteer_file(yaml.safe_load(VOLUNTEERS), Path("v.yaml"))
    assert parsed.opportunities[0].location == {"en": "Library", "es": "Biblioteca"}  # the ko draft waits
    plain = yaml.safe_load(
        VOLUNTEERS.replace("{en: Library, es: Biblioteca, ko: {machine: deepl, text: 도서관}}", "Aula 8")
    )
    assert parse_volunteer_file(plain, Path("v.yaml"), "es").opportunities[0].location == {"es": "Aula 8"}
    with pytest.raises(VolunteerFileError) as refused:
        parse_volunteer_file(yaml.safe_load(VOLUNTEERS.replace("es: Biblioteca", "es: ''")), Path("v.yaml"))
    assert refused.value.errors == ["opportunities.0.location: empty text for es"]


def test_a_missing_location_language_is_reported_like_a_missing_title() -> None:
    data = _event(title={"en": "Family night", "es": "Noche familiar"}, location={"en": "Library"})
    found = {text.path: text for text in coverage(data, SHARES, "en")}
    assert found["events.0.location"].missing == ("es", "ko")
    assert found["events.0.title"].missing == ("ko",)
    assert refusals(list(found.values()), SHARES) == [
        "events.0.location: no text for es (40%), spoken by 15% or more of the families "
        "(Education Code 48985)"
    ]
    assert "  events.0.location: missing es, ko (45% of families)" in report_lines(
        list(found.values()), SHARES, "en"
    )
    # A plain string is the default language's text only: the others are missing.
    plain = {text.path: text for text in coverage(_event(location="Library"), SHARES, "en")}
    assert plain["events.0.location"].missing == ("es", "ko")
    volunteers = yaml.safe_load(VOLUNTEERS)
    drafted = {text.path: text for text in coverage(volunteers, SHARES, "en")}
    assert drafted["opportunities.0.location"].drafts == ("ko",)
    assert drafted["opportunities.0.location"].missing == ("ko",)


def test_machine_translation_drafts_the_missing_locations_for_review() -> None:
    data = _event(location="Library")
    made = fill_drafts(data, ["es", "ko"], BracketTranslator(), "en")
    assert made == ["events.0.title.es", "events.0.title.ko", "events.0.location.es", "events.0.location.ko"]
    assert data["events"][0]["location"] == {
        "en": "Library",
        "es": draft("[es] Library", "bracket"),
        "ko": draft("[ko] Library", "bracket"),
    }


def _text(bot: Bot, phone: str, body: str) -> str:
    return "\n".join(bot.conversation.handle(Inbound("sms", phone, body)).replies)


def test_a_parent_reads_the_event_location_in_their_language_else_the_default(bot: Bot) -> None:
    view, _ = bot.events.save(event_spec(locations={"en": "Library", "ko": "도서관"}))
    add_parent(bot, "+12135550811", "ko")
    add_parent(bot, "+12135550812", "hy")
    _text(bot, "+12135550811", "EVENTS")
    korean = _text(bot, "+12135550811", "1")
    assert "도서관" in korean and "Library" not in korean
    _text(bot, "+12135550812", "EVENTS")
    assert "Library" in _text(bot, "+12135550812", "1")  # no Armenian text: the school's default
    reminder = next(r for r in bot.reminders.pending() if r.kind == "event" and r.ref_id == view.id)
    assert bot.reminders.send(reminder.id, reminder.due_at) == "sent"
    [korean_reminder] = outbox_to(bot, "+12135550811")
    assert "도서관" in korean_reminder and "Library" not in korean_reminder
    [armenian_reminder] = outbox_to(bot, "+12135550812")
    assert "Library" in armenian_reminder


def test_a_new_place_given_by_staff_replaces_every_language(bot: Bot) -> None:
    view, _ = bot.events.save(event_spec())
    assert view.locations == {"en": "Library", "es": "Biblioteca"}
    moved = bot.events.edit(view.id, {"locations": {"en": "Gym"}})
    assert moved.locations == {"en": "Gym"} and moved.location("es") == "Gym"


def test_a_volunteer_reads_the_shift_location_in_their_language_else_the_default(
    bot: Bot, tmp_path: Path
) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(VOLUNTEERS.replace("in_days: 3", "date: 2099-11-02"), encoding="utf-8")
    bot.volunteers.load(path)
    [shift] = bot.volunteers.upcoming()
    assert shift.location == "Library"  # staff read the default language's
    phones = {"es": "+12135557901", "ko": "+12135557902"}
    for locale, phone in phones.items():
        bot.volunteers.sign_up(shift.id, parent(bot, phone, locale))
    reminder = next(r for r in bot.reminders.pending() if r.kind == "shift")
    assert bot.reminders.send(reminder.id, reminder.due_at) == "sent"
    [spanish] = outbox_to(bot, phones["es"])
    assert "Biblioteca" in spanish and "Library" not in spanish
    [korean] = outbox_to(bot, phones["ko"])
    assert "Library" in korean and "도서관" not in korean  # only a machine draft: not shown until reviewed
    bot.volunteers.edit_shift(shift.id, location="Room 8")
    assert bot.volunteers.roster(shift.id).shift.location == "Room 8"
    with bot.store.transaction() as tx:
        opportunity = tx.opportunity(shift.opportunity_id) or {}
    assert opportunity["locations"] == {"en": "Room 8"}


@pytest.mark.parametrize("name", ["demo.events.yaml", "demo.volunteers.yaml"])
def test_the_demo_gives_every_location_in_all_ten_languages(name: str) -> None:
    data = yaml.safe_load((PROJECT_ROOT / "schools" / name).read_text(encoding="utf-8"))
    locations = [slot for slot in slots(data) if slot.path.endswith(".location")]
    items = data["events"] if "events" in data else data["opportunities"]
    assert len(locations) == len(items) >= 4
    for slot in locations:
        assert tuple(slot.texts) == SHIPPED, slot.path
        assert not any(is_draft(text) for text in slot.texts.values()), slot.path
        assert len(set(slot.texts.values())) == len(SHIPPED), slot.path  # each one written, none copied
