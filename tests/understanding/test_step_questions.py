"""A question at a choice step: a choice only by number, yes or no, or label; otherwise asked aside."""

from __future__ import annotations

import pytest

from bot.services.school_data import SchoolData
from bot.understanding.intent import Intent
from bot.understanding.replies import ReplyOption
from bot.understanding.step import Waiting
from tests.understanding.test_step_replies import EVENT, MENU, SKILLS, step

CATEGORY = Waiting(
    "concern.category",
    tuple(
        ReplyOption(n, str(n), (label,), (f"concern:{topic}",))
        for n, (topic, label) in enumerate(
            [("academic", "Learning or grades"), ("transportation", "Bus or transportation")], 1
        )
    ),
)
TIMES = Waiting(
    "volunteer.times",
    tuple(ReplyOption(n, str(n), (label,)) for n, label in enumerate(["Weekday mornings", "Evenings"], 1)),
    several=True,
    free_text=True,
)


@pytest.mark.parametrize(
    ("text", "locale", "waiting", "intent"),
    [
        ("can I bring my kids to the meeting?", "en", EVENT, Intent("events", 0.9)),
        ("how do I talk to the principal?", "en", MENU, Intent("staff", 0.8)),
        ("what's the school's phone number?", "en", MENU, Intent("contact", 0.9)),
        ("¿cuál es el teléfono de la escuela?", "es", MENU, Intent("contact", 0.9)),
        ("is the office open in the evenings?", "en", TIMES, Intent("hours", 0.9)),
        ("how do I reach the math teacher", "en", SKILLS, Intent("staff", 0.9)),  # a question word, no mark
    ],
)
def test_a_question_sharing_an_option_word_is_answered_aside(
    school: SchoolData, text: str, locale: str, waiting: Waiting, intent: Intent
) -> None:
    understanding, _ = step(**{text.rstrip("?"): intent})
    meaning = understanding.interpret(text, locale, school, waiting)
    assert (meaning.kind, meaning.label) == ("intent", intent.label)


@pytest.mark.parametrize(
    ("text", "waiting"),
    [
        ("is there a bus to the field trip?", CATEGORY),  # a synonym of "Bus or transportation"
        ("is the parent center open on saturdays?", MENU),  # the label inside a longer question
        ("what are the evenings like there?", TIMES),
    ],
)
def test_a_question_the_model_is_unsure_of_chooses_nothing(
    school: SchoolData, text: str, waiting: Waiting
) -> None:
    understanding, _ = step(**{text.rstrip("?"): Intent("events", 0.3)})
    assert understanding.interpret(text, "en", school, waiting).kind != "reply"


def test_a_question_on_the_steps_own_flow_asks_again(school: SchoolData) -> None:
    understanding, _ = step(**{"is the bus late again today": Intent("concern:transportation", 0.9)})
    meaning = understanding.interpret("is the bus late again today?", "en", school, CATEGORY)
    assert meaning.kind == "none"  # not a new concern started from inside this one


@pytest.mark.parametrize(
    ("text", "waiting", "numbers"),
    [
        ("2?", MENU, (2,)),
        ("number 2?", MENU, (2,)),
        ("Bus or transportation?", CATEGORY, (2,)),  # the exact label with a mark
        ("yes, is there food?", EVENT, (1,)),  # an explicit yes
        ("evenings?", TIMES, (2,)),
    ],
)
def test_a_question_still_chooses_by_number_yes_no_or_label(
    school: SchoolData, text: str, waiting: Waiting, numbers: tuple[int, ...]
) -> None:
    understanding, _ = step(**{text.rstrip("?"): Intent("events", 0.9)})
    meaning = understanding.interpret(text, "en", school, waiting)
    assert (meaning.kind, meaning.numbers) == ("reply", numbers)


def test_a_reply_in_option_words_without_a_question_stays_a_choice(school: SchoolData) -> None:
    understanding, _ = step()
    assert understanding.interpret("the transportation one", "en", school, CATEGORY).numbers == (2,)


CONTACT_HOW_ES = Waiting(
    "concern.contact_how",
    tuple(ReplyOption(n, str(n), (label,)) for n, label in enumerate(["Mensaje", "Llamada", "Reunión"], 1)),
)


@pytest.mark.parametrize(
    ("text", "locale", "number"),
    [("could you text me?", "en", 1), ("can we meet at school?", "en", 3), ("¿me pueden llamar?", "es", 2)],
)
def test_a_request_naming_an_option_is_that_option(
    school: SchoolData, text: str, locale: str, number: int
) -> None:
    understanding, _ = step(**{text.strip("¿?"): Intent("language", 0.8)})  # the model reads it wrong
    meaning = understanding.interpret(text, locale, school, CONTACT_HOW_ES)
    assert (meaning.kind, meaning.numbers) == ("reply", (number,))


def test_a_request_whose_next_word_names_no_option_is_answered_aside(school: SchoolData) -> None:
    text = "can you tell me the school phone number?"
    understanding, _ = step(**{text.rstrip("?"): Intent("contact", 0.9)})
    meaning = understanding.interpret(text, "en", school, CONTACT_HOW_ES)
    assert (meaning.kind, meaning.label) == ("intent", "contact")
