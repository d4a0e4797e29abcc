"""A number flooding the bot is stored, not answered, and staff hear about it once per flood."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.app import Bot
from bot.clock import utcnow
from bot.domain import Inbound
from bot.store.models import MessageRow, OutboxRow
from tests.fixtures.bots import make_bot

PHONE = "+12135550777"


@pytest.fixture
def throttled_bot(db_url: str) -> Iterator[Bot]:
    wired = make_bot(db_url, inbound_max_per_minute=5, slack_escalation_channel="CESCALATE")
    yield wired
    wired.close()


def text(bot: Bot, body: str, n: int) -> list[str]:
    return bot.conversation.handle(Inbound("sms", PHONE, body, f"SMflood{n}")).replies


def notices(bot: Bot) -> list[dict[str, str]]:
    with bot.store.transaction() as tx:
        rows = tx.session.execute(
            select(OutboxRow.to_address, OutboxRow.body).where(OutboxRow.channel == "slack")
        )
        return [{"to": to, **json.loads(body)} for to, body in rows]


def inbound_statuses(bot: Bot) -> list[str]:
    with bot.store.transaction() as tx:
        query = select(MessageRow.status).where(MessageRow.direction == "in").order_by(MessageRow.id)
        return list(tx.session.scalars(query))


def test_a_flood_is_stored_unanswered_and_staff_are_told_once(throttled_bot: Bot) -> None:
    answered = [bool(text(throttled_bot, "when is the office open", n)) for n in range(12)]
    assert answered == [True] * 5 + [False] * 7
    assert inbound_statuses(throttled_bot) == ["received"] * 5 + ["throttled"] * 7
    [notice] = notices(throttled_bot)
    assert notice["kind"] == "notice" and notice["to"] == "CESCALATE"
    assert "***0777" in notice["text"] and PHONE not in notice["text"]


def test_stop_and_help_are_answered_during_a_flood(throttled_bot: Bot) -> None:
    for n in range(8):
        text(throttled_bot, "hello", n)
    assert text(throttled_bot, "HELP", 100)
    assert text(throttled_bot, "STOP", 101)
    with throttled_bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
    assert contact is not None and contact.opted_out


def _age_messages(bot: Bot, minutes: float) -> None:
    with bot.store.transaction() as tx:
        earlier = utcnow() - timedelta(minutes=minutes)
        tx.session.execute(update(MessageRow).values(created_at=earlier))


def test_a_new_flood_after_a_quiet_spell_is_reported_again(throttled_bot: Bot) -> None:
    for n in range(8):
        text(throttled_bot, "hello", n)
    _age_messages(throttled_bot, 2)
    assert text(throttled_bot, "MENU", 50)  # slowed down: answered again
    for n in range(51, 60):
        text(throttled_bot, "hello", n)
    assert len(notices(throttled_bot)) == 1  # two minutes apart: the same flood
    _age_messages(throttled_bot, 11)
    for n in range(60, 70):
        text(throttled_bot, "hello", n)
    assert len(notices(throttled_bot)) == 2


def test_help_and_stop_mixed_into_a_flood_make_one_notice(throttled_bot: Bot) -> None:
    bodies = ["hello", "HELP", "when is lunch", "STOP", "START", "hi"] * 17  # about 100 texts
    for n, body in enumerate(bodies):
        text(throttled_bot, body, n)
    assert len(notices(throttled_bot)) == 1


def test_during_a_flood_help_is_answered_once_per_ten_minutes(throttled_bot: Bot) -> None:
    assert text(throttled_bot, "HELP", 1) and text(throttled_bot, "HELP", 2)  # no flood: always
    for n in range(3, 10):
        text(throttled_bot, "hello", n)
    assert not text(throttled_bot, "HELP", 10)  # answered twice in these ten minutes already
    _age_messages(throttled_bot, 11)
    for n in range(11, 18):
        text(throttled_bot, "hello", n)
    assert text(throttled_bot, "HELP", 18)
    assert not text(throttled_bot, "HELP", 19)
    assert inbound_statuses(throttled_bot)[-2:] == ["help", "throttled"]


def test_start_is_honoured_during_a_flood(throttled_bot: Bot) -> None:
    text(throttled_bot, "STOP", 0)
    for n in range(1, 10):
        text(throttled_bot, "hello", n)
    assert text(throttled_bot, "START", 10)
    with throttled_bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
    assert contact is not None and not contact.opted_out


def test_a_burst_of_new_numbers_is_stored_but_only_the_first_answered(db_url: str) -> None:
    wired = make_bot(db_url, new_numbers_per_minute=3)
    answered = [
        bool(wired.conversation.handle(Inbound("sms", f"+1213555{n:04d}", "hi", f"SMnew{n}")).replies)
        for n in range(1, 6)
    ]
    stop = wired.conversation.handle(Inbound("sms", "+12135550099", "STOP", "SMnewstop")).replies
    assert answered == [True, True, True, False, False] and stop
    assert inbound_statuses(wired) == ["received"] * 3 + ["throttled"] * 2 + ["received"]
    wired.close()
