"""Property: whatever a parent types at a waiting step, the bot answers, and flow replies are never
stored as unanswered questions for staff."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text as sql

from bot.app import Bot
from bot.domain import Inbound

PHONES = itertools.count(5550000)
IDS = itertools.count()
# (how to get there from a new English-speaking number, replies that step accepts in words)
STEPS = {
    "concern.category": (["hi", "1", "1"], ["4", "the second one", "school bus", "bullying", "cuatro", "二"]),
    "concern.share": (
        ["hi", "1", "1", "2", "The boy next to my son hits him every day."],
        ["yes", "no", "yes please", "sí", "네", "是的", "có", "да", "بله", "نعم", "oo", "այո", "2"],
    ),
    "concern.contact_how": (
        ["hi", "1", "1", "2", "He is hit every day.", "2"],
        ["text is fine", "phone call", "3", "the first one", "meeting"],
    ),
    "main.menu": (["hi", "1"], ["5", "Volunteer", "language", "the third one"]),
}
ANY_TEXT = st.text(min_size=0, max_size=80) | st.sampled_from(
    ["Maria, 3rd grade", "the bus comes 30 minutes late every day", "？", "为什么？", "چرا؟", "menu", "MORE"]
)


def unanswered(bot: Bot) -> int:
    with bot.store.engine.begin() as connection:
        return int(connection.execute(sql("SELECT count(*) FROM unanswered_questions")).scalar_one())


def send(bot: Bot, phone: str, text: str) -> list[str]:
    return bot.conversation.handle(Inbound("sms", phone, text, f"SMp{next(IDS)}")).replies


def at_step(bot: Bot, step: str) -> str:
    phone = f"+1213{next(PHONES):07d}"
    for text in STEPS[step][0]:
        send(bot, phone, text)
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(phone)
        assert contact is not None
        saved = tx.load_session(contact.id)
    assert saved is not None and f"{saved[0]['flow']}.{saved[0]['step']}" == step
    return phone


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(step=st.sampled_from(sorted(STEPS)), data=st.data())
def test_flow_replies_are_answered_and_never_stored_as_questions(
    bot: Bot, step: str, data: st.DataObject
) -> None:
    reply = data.draw(st.sampled_from(STEPS[step][1]))
    phone = at_step(bot, step)
    before = unanswered(bot)
    replies = send(bot, phone, reply)
    assert replies and all(r.strip() for r in replies)
    assert unanswered(bot) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(step=st.sampled_from(sorted(STEPS)), text=ANY_TEXT)
def test_any_text_at_a_waiting_step_gets_an_answer(bot: Bot, step: str, text: str) -> None:
    phone = at_step(bot, step)
    replies = send(bot, phone, text)
    assert replies and all(r.strip() for r in replies)
