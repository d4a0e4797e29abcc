"""The understanding step at a waiting step: an option the model names, a question aside, or ask again."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.app import LOCALES_DIR, load_content
from bot.services.school_data import SchoolData
from bot.understanding.intent import Intent
from bot.understanding.replies import ReplyOption, load_reply_book
from bot.understanding.step import Understanding, Waiting

KEYWORDS = load_content()[2]
BOOK = load_reply_book(LOCALES_DIR)
MENU = Waiting(
    "main.menu",
    tuple(
        ReplyOption(n, str(n), (label,), intents)
        for n, (label, intents) in enumerate(
            [
                ("Raise a concern", ("concern",)),
                ("Check my concern", ("concern_status",)),
                ("Your rights", ("rights",)),
                ("Contact the school", ("contact",)),
                ("School events", ("events",)),
                ("Parent center", ("parent_center",)),
                ("Reach a teacher or the principal", ("staff",)),
            ],
            1,
        )
    ),
)
CONTACT_HOW = Waiting(
    "concern.contact_how",
    (
        ReplyOption(1, "1", ("Text message",)),
        ReplyOption(2, "2", ("Phone call",)),
        ReplyOption(3, "3", ("Meeting at school",)),
    ),
)
EVENT = Waiting(
    "events.ask",
    (ReplyOption(1, "1", ("Yes, I will come",)), ReplyOption(2, "2", ("No, I cannot come",))),
)
TOPICS = Waiting(
    "rights.topics",
    tuple(
        ReplyOption(n, topic, (label,), (f"rights:{topic}",))
        for n, (topic, label) in enumerate([("visit", "Visitar la clase"), ("language", "Su idioma")], 1)
    ),
)


@dataclass
class FakeModel:
    """An intent model that answers what it is told, and counts how often it is asked."""

    answers: dict[str, Intent] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The intent set for this text (its end punctuation aside), else none."""
        self.asked.append(text)
        return self.answers.get(text.rstrip("?!"), Intent("none", 0.0))


def step(**answers: Intent) -> tuple[Understanding, FakeModel]:
    model = FakeModel({text.replace("_", " "): intent for text, intent in answers.items()})
    return Understanding(KEYWORDS, model, BOOK, threshold=0.7), model


def test_an_answer_the_model_names_on_the_menu_is_that_option(school: SchoolData) -> None:
    understanding, _ = step(hablar_con_la_maestra_o_el_director=Intent("staff", 0.75))
    meaning = understanding.interpret("hablar con la maestra o el director", "es", school, MENU)
    assert (meaning.kind, meaning.numbers) == ("reply", (7,))


def test_a_question_naming_an_options_word_is_answered_aside(school: SchoolData) -> None:
    understanding, model = step(whats_the_office_phone_number=Intent("contact", 0.9))
    meaning = understanding.interpret("whats the office phone number?", "en", school, CONTACT_HOW)
    assert (meaning.kind, meaning.label) == ("intent", "contact")
    assert model.asked == ["whats the office phone number?"]  # asked once, though two checks need it


def test_a_plain_word_of_an_option_stays_the_option(school: SchoolData) -> None:
    understanding, _ = step()
    assert understanding.interpret("phone", "en", school, CONTACT_HOW).numbers == (2,)


def test_an_rsvp_sentence_without_yes_or_no_asks_again(school: SchoolData) -> None:
    understanding, _ = step(about_family_night=Intent("rsvp", 0.95))
    meaning = understanding.interpret("about family night", "en", school, EVENT)
    assert meaning.kind == "none"  # not a new RSVP flow started from inside this one


@pytest.mark.parametrize(
    ("text", "locale", "number"), [("we'll be there!", "en", 1), ("no voy a poder ir", "es", 2)]
)
def test_yes_or_no_in_a_sentence_answers_the_event(
    school: SchoolData, text: str, locale: str, number: int
) -> None:
    understanding, _ = step()
    assert understanding.interpret(text, locale, school, EVENT).numbers == (number,)


def test_an_options_own_label_beats_the_command_of_the_same_word(school: SchoolData) -> None:
    understanding, _ = step()
    assert KEYWORDS.command("idioma") == "language"
    meaning = understanding.interpret("idioma", "es", school, TOPICS)
    assert (meaning.kind, meaning.numbers) == ("reply", (2,))


def test_a_reply_sharing_a_labels_words_is_that_option(school: SchoolData) -> None:
    understanding, _ = step(i_want_to_check_on_my_complaint=Intent("faq:lunch", 0.65))
    meaning = understanding.interpret("i want to check on my complaint", "en", school, MENU)
    assert (meaning.kind, meaning.numbers) == ("reply", (2,))  # "Check my concern"; the model names no option


def test_a_sentence_sharing_a_word_with_one_option_but_read_as_another_asks(school: SchoolData) -> None:
    understanding, _ = step(the_teacher_is_unfair_to_my_son=Intent("concern:staff_conduct", 0.5))
    meaning = understanding.interpret("the teacher is unfair to my son", "en", school, MENU)
    assert (meaning.kind, meaning.alternatives) == ("clarify", ("staff", "concern"))


def test_a_question_sharing_one_word_with_a_label_chooses_nothing(school: SchoolData) -> None:
    understanding, _ = step()
    meaning = understanding.interpret("ano po ang number ng school?", "fil", school, CONTACT_HOW)
    assert meaning.kind != "reply"  # "school" is in "Meeting at school", but the parent asks


def test_an_aside_that_is_an_option_of_the_step_is_answered_aside(school: SchoolData) -> None:
    # A question is a choice only by number, yes/no or label (round 6): the model's answer is given aside.
    understanding, _ = step(talk_to_the_teacher_or_the_principal_please=Intent("staff", 0.95))
    meaning = understanding.interpret("talk to the teacher or the principal please?", "en", school, MENU)
    assert (meaning.kind, meaning.label) == ("intent", "staff")


def test_a_sentence_the_model_reads_as_an_option_is_that_option(school: SchoolData) -> None:
    understanding, _ = step(i_would_like_to_reach_the_teacher_or_principal=Intent("staff", 0.95))
    meaning = understanding.interpret("i would like to reach the teacher or principal", "en", school, MENU)
    assert (meaning.kind, meaning.numbers) == ("reply", (7,))


SKILLS = Waiting(
    "volunteer.skills",
    tuple(ReplyOption(n, str(n), (label,)) for n, label in enumerate(["Reading", "Math", "Art"], 1)),
    several=True,
    free_text=True,
)


def test_something_else_surely_asked_at_a_several_choice_step_is_answered_aside(school: SchoolData) -> None:
    understanding, _ = step(i_want_to_talk_to_the_principal=Intent("staff", 0.8))
    meaning = understanding.interpret("i want to talk to the principal", "en", school, SKILLS)
    assert (meaning.kind, meaning.label) == ("intent", "staff")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i want to talk to the principal", Intent("staff", 0.5)),  # not sure: the step asks again
        ("i can help with the garden", Intent("volunteer", 0.9)),  # the step's own flow, not a restart
        ("blue elephant", Intent("none", 0.0)),
    ],
)
def test_what_a_several_choice_step_cannot_read_asks_again(
    school: SchoolData, text: str, intent: Intent
) -> None:
    understanding, _ = step(**{text.replace(" ", "_"): intent})
    assert understanding.interpret(text, "en", school, SKILLS).kind == "none"


def test_the_options_of_a_several_choice_step_still_win(school: SchoolData) -> None:
    understanding, _ = step(reading_and_art=Intent("staff", 0.9))
    meaning = understanding.interpret("reading and art", "en", school, SKILLS)
    assert (meaning.kind, meaning.numbers) == ("reply", (1, 3))


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("what time does the DMV office open", "en"),
        ("how do I complain to the cable company", "en"),
        ("a qué hora cierra la oficina de migración", "es"),
        ("移民局几点开门", "zh_Hans"),
    ],
)
def test_a_place_other_than_the_school_is_none_of_its_answers(
    school: SchoolData, text: str, locale: str
) -> None:
    understanding, model = step(**{text.replace(" ", "_"): Intent("hours", 0.9)})
    assert understanding.interpret(text, locale, school).kind == "none"
    assert model.asked == []  # the place decides before any topic word is weighed


@pytest.mark.parametrize(
    ("text", "locale"),
    [("what is the school email", "en"), ("la escuela pregunta por el estatus migratorio?", "es")],
)
def test_the_schools_own_offices_and_rights_are_no_other_place(text: str, locale: str) -> None:
    assert BOOK.phrase_intent(text, locale) != "none"
