"""Long lists in every shipped language: a page at a time within three segments, nothing dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.app import LOCALES_DIR, Bot
from bot.clock import ManualClock, running_at
from bot.domain import Inbound
from bot.i18n.catalogs import Catalogs
from bot.i18n.segments import segment_count
from tests.fixtures.golden import GOLDEN_INSTANT

SHIPPED = Catalogs(LOCALES_DIR).available()
NUMBERED = re.compile(r"^(\d{1,2}) (.+)$", re.MULTILINE)
EVENTS = PROJECT_ROOT / "tests" / "fixtures" / "events_many.yaml"
SHIFT_DAYS = 10


def _parent(bot: Bot, phone: str, locale: str) -> int:
    with bot.store.transaction() as tx:
        contact = tx.create_contact(phone, bot.schools.current(tx).id)
        tx.set_locale(contact.id, locale, "test")
        return contact.id


def _say(bot: Bot, phone: str, text: str) -> list[str]:
    return bot.conversation.handle(Inbound("sms", phone, text)).replies


def _walk(bot: Bot, phone: str, command: str, locale: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Open a list with its command and page through it with MORE; every numbered line and reply."""
    keywords = bot.conversation.keywords
    replies = _say(bot, phone, keywords.keyword(locale, command))
    lines: list[tuple[int, str]] = []
    seen: list[str] = []
    for _ in range(15):
        seen += replies
        page = [(int(n), label) for reply in replies for n, label in NUMBERED.findall(reply)]
        if not page or (lines and page[0][0] <= lines[-1][0]):
            break  # the list came round again (or ended)
        lines += page
        replies = _say(bot, phone, keywords.keyword(locale, "more"))
    return lines, seen


@pytest.mark.parametrize("locale", SHIPPED)
def test_the_events_list_pages_through_every_event_within_three_segments(
    bot: Bot, locale: str, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough for paging")
    phone = "+12135550460"
    with running_at(ManualClock(GOLDEN_INSTANT)):
        bot.events.load_file(EVENTS, actor="test")
        _parent(bot, phone, locale)
        lines, replies = _walk(bot, phone, "events", locale)
        assert all(segment_count(reply) <= 3 for reply in replies), replies
        assert [n for n, _ in lines] == list(range(1, 12)), lines
        assert len(replies) >= 2  # eleven events never fit one text
        chosen = _say(bot, phone, "2")  # a number from the first page, read from a later one
    titles = yaml.safe_load(EVENTS.read_text(encoding="utf-8"))["events"][1]["title"]
    assert any(title in chosen[0] for title in titles.values()), chosen


@pytest.mark.parametrize("locale", SHIPPED)
def test_volunteer_shifts_page_through_every_shift_within_three_segments(
    bot: Bot, locale: str, db_url: str, tmp_path: Path
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough for paging")
    fixture = yaml.safe_load((PROJECT_ROOT / "tests" / "fixtures" / "volunteers.yaml").read_text("utf-8"))
    for opportunity in fixture["opportunities"]:
        opportunity["capacity"] = 3
        opportunity["shifts"] = [
            {"date": f"2099-12-{day:02d}", "time": "08:30", "end": "10:00"}
            for day in range(1, SHIFT_DAYS + 1)
        ]
    path = tmp_path / "volunteers.yaml"
    path.write_text(yaml.safe_dump(fixture, allow_unicode=True), encoding="utf-8")
    phone = "+12135550461"
    with running_at(ManualClock(GOLDEN_INSTANT)):
        bot.volunteers.load(path)
        contact_id = _parent(bot, phone, locale)
        with bot.store.transaction() as tx:
            tx.save_volunteer_profile(contact_id, skills=[], times=[])
        lines, replies = _walk(bot, phone, "volunteer", locale)
    assert all(segment_count(reply) <= 3 for reply in replies), replies
    # Every shift of both opportunities, then MY SHIFTS and the profile: none dropped.
    assert [n for n, _ in lines] == list(range(1, 2 * SHIFT_DAYS + 3)), lines


@pytest.mark.parametrize("locale", SHIPPED)
def test_rights_topics_all_reachable_within_three_segments(bot: Bot, locale: str, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough for paging")
    phone = "+12135550462"
    _parent(bot, phone, locale)
    lines, replies = _walk(bot, phone, "rights", locale)
    assert all(segment_count(reply) <= 3 for reply in replies), replies
    assert [n for n, _ in lines] == list(range(1, len(lines) + 1)) and len(lines) >= 9, lines


@pytest.mark.parametrize(
    ("locale", "text", "answer"),
    [
        ("en", "RSVP yes for family night", "yes"),
        ("en", "I cannot come to the math workshop", "no"),
        ("es", "sí voy a la noche de juegos", "yes"),
        ("es", "no puedo ir a la noche de juegos", "no"),
    ],
)
def test_an_rsvp_in_words_is_saved_with_its_evidence_as_the_rsvp_step_saves_it(
    bot: Bot, locale: str, text: str, answer: str, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the RSVP path's own tests cover both databases")
    phone = "+12135550463"
    with running_at(ManualClock(GOLDEN_INSTANT)):
        bot.events.load_file(EVENTS, actor="test")
        contact_id = _parent(bot, phone, locale)
        _say(bot, phone, text)
    key = "many-family-night" if "noche" in text or "family" in text else "many-math"
    with bot.store.transaction() as tx:
        event = tx.event_by_key(bot.schools.current(tx).id, key)
        assert event is not None
        assert tx.rsvp_of(event["id"], contact_id) == answer
        assert [(d, loc) for _i, k, d, loc in tx.evidence("1E") if k == "rsvp"] == [(answer, locale)]
