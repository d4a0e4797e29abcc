"""Free-text questions through the real conversation: one answer, 'did you mean', or kept for staff."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Bot
from bot.channels.slack_blocks import unanswered_questions
from bot.domain import Inbound
from bot.services.answers import QuestionLog, UnansweredQuestion

PHONE = "+12135550901"


def say(bot: Bot, body: str) -> list[str]:
    return bot.conversation.handle(Inbound("sms", PHONE, body)).replies


def start_in_english(bot: Bot) -> None:
    say(bot, "hi")
    say(bot, "1")


def test_a_clear_question_goes_straight_to_its_answer(bot: Bot) -> None:
    start_in_english(bot)
    assert say(bot, "what time does the office close?")[0].startswith("The office is open Mon-Fri")
    with bot.store.transaction() as tx:
        assert ("1D", "question_answered", "hours", "en") in tx.evidence("1D")


def test_two_close_answers_get_a_numbered_did_you_mean(bot: Bot) -> None:
    start_in_english(bot)
    [reply] = say(bot, "the teacher is unfair to my son")
    lines = reply.splitlines()
    assert lines[0] == "Did you mean:"
    offered = {line.split(" ", 1)[1]: line.split(" ", 1)[0] for line in lines[1:]}
    assert {"Raising a concern", "Reaching a teacher or the principal"} <= set(offered)
    pick = offered["Raising a concern"]
    assert say(bot, pick)[0].startswith("We are sorry something is wrong.")


def test_an_unanswerable_question_is_kept_for_staff_and_the_menu_offered(bot: Bot) -> None:
    start_in_english(bot)
    say(bot, "4")  # office hours: the flow ends, the next text is free
    replies = say(bot, "do you sell used books at the book fair")
    assert replies[0].startswith("Sorry, I do not have an answer to that yet.")
    assert "How can we help?" in replies[0] or "How can we help?" in replies[-1]
    questions = QuestionLog(bot.store).recent()
    assert [(q.text, q.locale) for q in questions] == [("do you sell used books at the book fair", "en")]
    with bot.store.transaction() as tx:
        assert ("1D", "question_unanswered", None, "en") in tx.evidence("1D")


def test_a_question_typed_at_a_menu_is_kept_too(bot: Bot) -> None:
    start_in_english(bot)  # the main menu is waiting for a number
    replies = say(bot, "do you have a soccer team for girls")
    assert replies[0].startswith("Sorry, I do not have an answer to that yet.")
    assert len(QuestionLog(bot.store).recent()) == 1


def test_noise_is_not_kept_as_a_question(bot: Bot) -> None:
    start_in_english(bot)
    say(bot, "ok")
    say(bot, "99")
    assert QuestionLog(bot.store).recent() == []


def test_staff_list_of_unanswered_questions_escapes_and_ages() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    text, blocks = unanswered_questions(
        [
            UnansweredQuestion(
                "<!channel> is there school on Veterans Day?", "es", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
            )
        ],
        now,
    )
    rendered = str(blocks)
    assert text == "1 unanswered question(s)"
    assert "<!channel>" not in rendered and "Veterans Day" in rendered and "Spanish" in rendered
    assert unanswered_questions([], now)[0] == "No unanswered questions."
