"""Conversation rules beyond the goldens: consent history, evidence, failures, any text."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.app import Bot
from bot.domain import Inbound
from bot.engine.engine import ActionResult
from bot.i18n.segments import pack_messages, segment_count
from bot.services.actions import ActionContext, ActionRegistry
from bot.services.phones import InvalidPhone

PHONE = "+12135550300"


def say(bot: Bot, body: str, phone: str = PHONE, sid: str | None = None) -> list[str]:
    return bot.conversation.handle(Inbound("sms", phone, body, sid)).replies


def test_consent_history_keeps_every_change(bot: Bot) -> None:
    for body in ("hello there, good morning", "STOP", "START", "no more texts please", "UNSTOP"):
        say(bot, body)
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None and not contact.opted_out
        history = [(kind, source) for kind, source, _at in tx.consent_history(contact.id)]
    assert history == [
        ("opt_in", "first_text"),
        ("opt_out", "keyword"),
        ("opt_in", "keyword"),
        ("opt_out", "phrase"),
        ("opt_in", "keyword"),
    ]


def test_opted_out_parent_gets_nothing_but_the_text_is_kept(bot: Bot) -> None:
    say(bot, "hi")
    assert say(bot, "stop") != []
    assert say(bot, "hola, ¿a qué hora abre la oficina?") == []
    assert say(bot, "1") == []
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None
        inbound = [body for direction, body, _ in tx.messages_of(contact.id) if direction == "in"]
    assert inbound == ["hi", "stop", "hola, ¿a qué hora abre la oficina?", "1"]


def test_phone_numbers_are_normalized_to_one_contact(bot: Bot) -> None:
    say(bot, "hi", phone="(213) 555-0301")
    say(bot, "1", phone="+1 213 555 0301")
    with bot.store.transaction() as tx:
        assert tx.contact_by_phone("+12135550301") is not None
    with bot.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM contacts")).scalar() == 1


def test_a_non_phone_sender_is_refused(bot: Bot) -> None:
    with pytest.raises(InvalidPhone):
        say(bot, "hi", phone="SCHOOL")


def test_quick_answers_and_language_choice_are_evidence(bot: Bot) -> None:
    say(bot, "hi")
    say(bot, "2")  # Español
    say(bot, "a que hora abre la oficina")
    with bot.store.transaction() as tx:
        facts = tx.evidence()
    assert ("1B", "language_chosen", "es", "es") in facts
    assert ("1D", "quick_answer", "hours", "es") in facts


def test_a_failing_action_keeps_the_text_and_apologizes(bot: Bot) -> None:
    def broken(_ctx: ActionContext) -> ActionResult:
        raise RuntimeError("school data unavailable")

    registry = ActionRegistry()
    for name in bot.actions.names():
        registry.register(name, broken if name == "school.office_hours" else bot.actions._actions[name])
    bot.conversation.actions = registry
    say(bot, "hi")
    say(bot, "1")  # English
    replies = say(bot, "office hours", sid="SMfail1")
    assert replies == ["Sorry, something went wrong on our side. Please try again, or call (213) 555-0100."]
    with bot.store.engine.connect() as connection:
        statuses = [
            r[0] for r in connection.execute(text("SELECT status FROM messages WHERE direction='in'"))
        ]
    assert statuses == ["received", "received", "error"]
    assert say(bot, "office hours", sid="SMfail1") == replies  # a retried webhook: same answer, stored once
    with bot.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM messages WHERE direction='in'")).scalar() == 3


def test_pack_messages_joins_short_texts_and_splits_long_ones() -> None:
    assert pack_messages(["a", "", "b"]) == ["a\n\nb"]
    long_lines = "\n".join(f"Line {n}: " + "word " * 20 for n in range(12))
    packed = pack_messages([long_lines])
    assert len(packed) > 1
    assert all(segment_count(message) <= 3 for message in packed)
    assert "".join(packed).replace("\n", "").replace(" ", "") == long_lines.replace("\n", "").replace(" ", "")


TEXTS = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["1", "2", "6", "99", "menu", "STOP", "start", "help", "idioma", "language", " ", ""]),
    st.text(alphabet=string.digits + " .#)", max_size=5),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXTS, min_size=1, max_size=6))
def test_any_text_gets_a_clean_answer(bot: Bot, texts: list[str]) -> None:
    phone = "+12135550399"
    with bot.store.engine.begin() as connection:  # each example starts as a new parent
        for table in ("sessions", "consent_events", "evidence", "message_statuses", "messages"):
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("DELETE FROM contacts"))
    opted_out = False
    for body in texts:
        replies = say(bot, body, phone=phone)
        command = bot.keywords.command(body)
        if command == "stop" or bot.keywords.asks_to_stop(body):
            opted_out = True
        elif opted_out and command == "start":
            opted_out = False
        if not opted_out or command in ("help", "start"):
            assert replies, f"no reply to {body!r}"
        for reply in replies:
            assert reply.strip()
            assert segment_count(reply) <= 3
            assert "{" not in reply or "{" in body, f"raw placeholder in {reply!r}"


def test_a_bare_number_from_a_parent_who_never_saw_a_list_starts_nothing(bot: Bot) -> None:
    """A first question answered, then "1": the parent gets the menu, not its first item (a concern)."""
    phone = "+12135550166"
    assert any("office" in reply.lower() for reply in say(bot, "what time does the office open?", phone))
    replies = say(bot, "1", phone)
    assert replies[0].startswith("That number does not go with a list right now. Here are the options:")
    assert "1 Raise a concern" in replies[0]
    # Once the menu was seen, 1 is its first choice.
    assert say(bot, "1", phone)[0].startswith("We are sorry something is wrong. What is it about?")


def test_a_question_without_its_mark_at_the_name_step_is_answered_and_the_concern_goes_on(bot: Bot) -> None:
    """'how do I reach the principal' typed where the child's name is asked is not stored as the name."""
    phone = "+12135550177"
    for body in ["hi", "1", "1", "2", "The boy next to my son hits him every day.", "yes"]:
        replies = say(bot, body, phone)
    assert "name" in replies[-1].lower()  # the bot waits for the child's name
    replies = say(bot, "how do I reach the principal", phone)
    joined = "\n".join(replies)
    assert "Principal" in joined and "Back to your concern" in joined
    assert "name" in replies[-1].lower()  # and asks for the name again


def test_something_else_at_the_skills_step_is_answered_and_the_step_goes_on(bot: Bot) -> None:
    """'I want to talk to the principal' where the skills are asked: answered aside, then the skills again."""
    phone = "+12135550178"
    say(bot, "hi", phone)
    say(bot, "1", phone)
    skills = say(bot, "I want to volunteer", phone)[-1]
    assert "1 Reading with children" in skills
    replies = "\n".join(say(bot, "I want to talk to the principal", phone))
    assert "Principal" in replies and replies.endswith(skills)  # answered, then the skills asked again
    assert say(bot, "1 and 3", phone)[-1].startswith("When are you usually free?")  # the sign-up goes on


def test_a_question_sharing_an_option_word_is_answered_and_the_step_asked_again(bot: Bot) -> None:
    """Questions at the concern's category naming an option's word ("bus", "special education") are not
    that option chosen for the parent: answered aside (or passed on), then the category asked again; an
    unsure reading asks "did you mean" and keeps the draft."""
    phone = "+12135550179"
    say(bot, "hi", phone)
    say(bot, "1", phone)  # English
    category = say(bot, "1", phone)[-1]  # raise a concern
    assert "4 Bus or transportation" in category
    questions = ("what time does the school bus come in the morning?", "is there a bus to the field trip?")
    for question in questions:
        joined = "\n".join(say(bot, question, phone))
        # Answered (or passed on) with the category asked again, or, when the model is unsure, a
        # "did you mean" that keeps the draft; never "Bus or transportation" chosen for the parent.
        answered = "Back to your concern" in joined and joined.endswith(category)
        unsure = joined.startswith("Did you mean") and "Reply CONTINUE" in joined
        assert answered or unsure, joined
        if unsure:
            assert say(bot, "CONTINUE", phone)[-1].endswith(category)
    assert say(bot, "4", phone)[-1] != category  # the step still takes its choice


def test_words_the_language_menu_cannot_place_get_a_number_asked_for_then_a_way_out(bot: Bot) -> None:
    """'no', 'nope' at the language question: never the welcome again, never one text three times; the
    first text is still answered once a language is picked."""
    phone = "+12135550193"
    first = say(bot, "is lunch free?", phone)
    assert "Reply with the number of your language" in "\n".join(first)
    again = "\n".join(say(bot, "no", phone))
    assert again.startswith("Please reply with one of these numbers.") and "Hi! This is" not in again
    assert "1 English" in again
    stuck = "\n".join(say(bot, "nope", phone))
    assert stuck.startswith("Let's leave this for now.") and "(213) 555-0100" in stuck
    assert "1 English" not in stuck
    assert "Reply with the number of your language" in "\n".join(say(bot, "hello", phone))
    answered = "\n".join(say(bot, "2", phone))
    assert "almuerzo son gratis" in answered  # the first text, answered in the chosen language
