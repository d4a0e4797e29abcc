"""One-question pulses (1A, 4B, 4C): after a staff reply or an event a parent came to, in the family's
language, at most one per family per PULSE_MIN_DAYS, never interrupting, and dropped by any other text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.clock import ManualClock, running_at, utcnow
from bot.domain import Inbound
from tests.fixtures.bots import make_bot
from tests.fixtures.events import add_parent, event_spec

PARENT = "+12135550601"
STAFF = "U0STAFF1"


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    wired = make_bot(db_url, slack_concerns_channel="C0CONCERNS", slack_staff_user_ids=STAFF)
    yield wired
    wired.close()


def say(bot: Bot, body: str, phone: str = PARENT) -> list[str]:
    return bot.conversation.handle(Inbound("sms", phone, body)).replies


def raise_concern(bot: Bot, phone: str = PARENT) -> str:
    for body in ("hola", "2", "menu", "1", "2", "Un niño empuja a mi hijo.", "2", "1"):
        say(bot, body, phone)
    reply = say(bot, "por la tarde", phone)[0]
    return "C-" + reply.split("C-", 1)[1][:9]


def pulses(bot: Bot) -> list[tuple[str, str, str]]:
    """(to, body, locale) of every pulse queued, oldest first."""
    query = "SELECT to_address, body, locale FROM outbox WHERE campaign LIKE 'pulse:%' ORDER BY id"
    with bot.store.engine.connect() as connection:
        return [(str(a), str(b), str(c)) for a, b, c in connection.execute(text(query))]


def facts(bot: Bot, kind: str) -> list[tuple[str, str | None, float | None]]:
    query = "SELECT indicator, detail, value FROM evidence WHERE kind = :k ORDER BY id"
    with bot.store.engine.connect() as connection:
        return [(str(i), d, v) for i, d, v in connection.execute(text(query), {"k": kind})]


def test_a_staff_reply_brings_a_respect_pulse_in_the_parents_language(bot: Bot) -> None:
    reference = raise_concern(bot)
    bot.concerns.reply(reference, STAFF, "call_soon", None)
    [(to, body, locale)] = pulses(bot)
    assert (to, locale) == (PARENT, "es")
    assert body.startswith(f"Sobre {reference}: ¿le trataron con respeto")
    assert "1 Sí" in body and "2 Más o menos" in body and "3 No" in body
    assert facts(bot, "pulse_sent") == [("4C", "respect", None)]
    assert say(bot, "1") == ["Gracias por decírnoslo."]
    assert facts(bot, "pulse_answer") == [("4C", "yes", 1.0)]


def test_one_pulse_per_family_per_period(bot: Bot) -> None:
    reference = raise_concern(bot)
    bot.concerns.reply(reference, STAFF, "call_soon", None)
    say(bot, "2")
    bot.concerns.reply(reference, STAFF, None, "We spoke with the driver.")
    assert len(pulses(bot)) == 1 and facts(bot, "pulse_answer") == [("4C", "somewhat", 0.5)]


def test_a_reply_to_a_request_from_a_right_asks_about_rights(bot: Bot) -> None:
    for body in ("hi", "1", "RIGHTS", "1", "MORE"):
        say(bot, body)
    reference = "C-" + say(bot, "1")[0].split("C-", 1)[1][:9]
    bot.concerns.reply(reference, STAFF, "call_soon", None)
    [(_, body, _)] = pulses(bot)
    assert body.startswith(f"About your request {reference}: do you feel the school respects your rights")
    say(bot, "3")
    assert facts(bot, "pulse_answer") == [("4B", "no", 0.0)]


def test_any_other_text_drops_the_pulse_and_is_answered(bot: Bot) -> None:
    reference = raise_concern(bot)
    bot.concerns.reply(reference, STAFF, "call_soon", None)
    replies = say(bot, "¿A qué hora abre la oficina?")
    assert replies and not any("responda con uno de estos números" in r for r in replies)
    assert "¿le trataron con respeto" not in " ".join(replies)  # not asked again either
    assert facts(bot, "pulse_answer") == []
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PARENT)
        assert contact is not None
        saved = tx.load_session(contact.id)
    assert saved is not None and saved[0].get("flow") != "pulse"


def test_a_parent_in_the_middle_of_something_is_not_interrupted(bot: Bot) -> None:
    reference = raise_concern(bot)
    say(bot, "menu")  # waiting at the main menu
    bot.concerns.reply(reference, STAFF, "call_soon", None)
    assert pulses(bot) == [] and facts(bot, "pulse_sent") == []


def test_parents_named_at_an_event_are_asked_if_they_felt_welcome(bot: Bot) -> None:
    came = add_parent(bot, "+12135550611", "ko")
    gone = add_parent(bot, "+12135550612", "es", opted_out=True)
    # Events are saved while still ahead (a past one is refused), then the clock moves past the first.
    starts = utcnow().replace(microsecond=0) + timedelta(hours=1)
    view, _ = bot.events.save(
        event_spec(starts_at=starts, ends_at=starts + timedelta(hours=1), reminder_minutes=())
    )
    ahead, _ = bot.events.save(event_spec(key="later"))
    with running_at(ManualClock(starts + timedelta(hours=2))):
        bot.events.record_attendance(ahead.id, phones=[came.phone])  # not held yet: no pulse
        assert pulses(bot) == []
        bot.events.record_attendance(view.id, phones=[came.phone, gone.phone])
        [(to, body, locale)] = pulses(bot)
        assert (to, locale) == (came.phone, "ko")
        assert body.startswith("학교 행사에 와 주셔서 감사합니다.")
        assert facts(bot, "pulse_sent") == [("1A", "welcome", None)]
        assert say(bot, "1", came.phone) == ["알려 주셔서 감사합니다."]
        assert facts(bot, "pulse_answer") == [("1A", "yes", 1.0)]


def test_pulses_can_be_turned_off(db_url: str) -> None:
    wired = make_bot(db_url, slack_staff_user_ids=STAFF, pulse_min_days=0)
    try:
        reference = raise_concern(wired)
        wired.concerns.reply(reference, STAFF, "call_soon", None)
        assert pulses(wired) == []
    finally:
        wired.close()


def test_no_pulse_is_asked_during_quiet_hours(db_url: str) -> None:
    wired = make_bot(db_url, slack_staff_user_ids=STAFF, quiet_hours_start="21:00", quiet_hours_end="08:00")
    night = datetime.combine(utcnow().date(), time(23, 0), ZoneInfo("America/Los_Angeles"))
    morning = night + timedelta(hours=10)  # 09:00 the next day
    try:
        with running_at(ManualClock(night)):
            reference = raise_concern(wired)
            wired.concerns.reply(reference, STAFF, "call_soon", None)
        assert pulses(wired) == [] and facts(wired, "pulse_sent") == []
        with running_at(ManualClock(morning)):
            wired.concerns.reply(reference, STAFF, None, "We spoke with the driver.")
        assert len(pulses(wired)) == 1
    finally:
        wired.close()
