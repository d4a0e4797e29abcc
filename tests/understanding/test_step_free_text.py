"""The understanding step at a free-text step: a question asked in words is answered aside (or, not
surely read, a "did you mean"); anything else is the answer the step asked for."""

from __future__ import annotations

import pytest

from bot.services.school_data import SchoolData
from bot.understanding.intent import Intent
from bot.understanding.step import Waiting
from tests.understanding.test_step_replies import BOOK, step

STUDENT = Waiting("concern.student", free_text=True)
DESCRIBE = Waiting("concern.describe", free_text=True)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("how do I contact the principal", "en"),
        ("perdon, cual es el numero de la oficina", "es"),
        ("교장선생님한테 어떻게 연락해요", "ko"),
        ("怎么联系校长", "zh_Hans"),
        ("làm sao liên lạc với hiệu trưởng", "vi"),
        ("как связаться с директором", "ru"),
    ],
)
def test_question_words_make_a_question_without_its_mark(text: str, locale: str) -> None:
    assert BOOK.asks(text, locale)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Maria Lopez 3rd grade", "en"),
        ("the bus is late every day and the driver yells", "en"),  # "is the" only past the first words
        ("que me llamen por teléfono", "es"),
        ("김민수, 3학년", "ko"),
        ("王小明，三年级", "zh_Hans"),
        ("Иван Петров, 2 класс", "ru"),
    ],
)
def test_answers_are_not_questions(text: str, locale: str) -> None:
    assert not BOOK.asks(text, locale)


def test_a_question_word_is_read_in_the_parents_language_and_english_only() -> None:
    assert BOOK.asks("how do I contact the principal", "es")  # English always counts
    assert not BOOK.asks("как связаться с директором", "es")


def test_a_sure_question_without_its_mark_is_answered_aside(school: SchoolData) -> None:
    understanding, _ = step(how_do_I_reach_the_principal=Intent("staff", 0.8))
    meaning = understanding.interpret("how do I reach the principal", "en", school, STUDENT)
    assert (meaning.kind, meaning.label) == ("intent", "staff")


def test_an_unsure_short_question_is_a_did_you_mean(school: SchoolData) -> None:
    understanding, _ = step(
        how_do_I_reach_the_principal=Intent("contact", 0.4, alternatives=(("staff", 0.35),))
    )
    meaning = understanding.interpret("how do I reach the principal", "en", school, STUDENT)
    assert (meaning.kind, meaning.alternatives) == ("clarify", ("contact", "staff"))


def test_a_long_text_opening_with_a_question_word_stays_the_description(school: SchoolData) -> None:
    text = "when I picked him up yesterday he was crying because the older kids took his lunch again"
    understanding, _ = step(**{text.replace(" ", "_"): Intent("faq:lunch", 0.5)})
    assert understanding.interpret(text, "en", school, DESCRIBE).label == "input"


def test_a_question_about_something_else_is_kept_as_the_answer(school: SchoolData) -> None:
    # the model reads a new concern, not a quick answer: the text is what happened
    understanding, _ = step(why_does_the_bus_driver_yell_at_the_kids=Intent("concern:transportation", 0.9))
    meaning = understanding.interpret("why does the bus driver yell at the kids", "en", school, DESCRIBE)
    assert meaning.label == "input"


def test_a_name_is_the_answer_whatever_the_model_reads(school: SchoolData) -> None:
    understanding, model = step(Maria_Lopez_3rd_grade=Intent("rights:progress", 0.9))
    assert understanding.interpret("Maria Lopez 3rd grade", "en", school, STUDENT).label == "input"
    assert model.asked == []  # not a question: the model is not even asked


def test_a_question_phrase_at_the_end_counts() -> None:
    assert BOOK.asks("phòng phụ huynh của trường ở đâu", "vi")
    assert not BOOK.asks("Lê Minh, lớp 5", "vi")


def test_a_long_question_with_its_mark_is_a_did_you_mean_when_unsure(school: SchoolData) -> None:
    text = "sorry to bother you but could you tell me what the phone number of the office is?"
    understanding, _ = step(**{text.rstrip("?").replace(" ", "_"): Intent("contact", 0.6)})
    assert understanding.interpret(text, "en", school, DESCRIBE).kind == "clarify"
