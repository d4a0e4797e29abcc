"""Question words of Armenian, Persian, Arabic and Filipino (native script and romanized): at the real
free-text step "the child's name and grade", a question without its mark is answered aside, and a name
and grade is the answer."""

from __future__ import annotations

import pytest

from bot.app import build_understanding, load_content
from bot.services.school_data import SchoolData
from bot.understanding.step import Understanding, Waiting
from tests.understanding.test_examples import LOCALES
from tests.understanding.test_step_replies import BOOK

STUDENT = Waiting("concern.student", free_text=True)
DESCRIBE = Waiting("concern.describe", free_text=True)

# "How do I contact the principal", written for this test (none is an example of the model).
CONTACT_THE_PRINCIPAL = [
    ("hy", "ինչպես կարող եմ կապվել տնօրենի հետ"),
    ("hy", "inchpes karox em kapvel tnoreni het"),
    ("fa", "چجوری میتونم با مدیر حرف بزنم"),
    ("fa", "chetori mitunam ba modir sohbat konam"),
    ("ar", "كيف بقدر احكي مع مدير المدرسة"),
    ("ar", "kif fini e7ki ma3 el mudir"),
    ("fil", "paano ko po makakausap ang principal"),
    ("fil", "pano po makausap si principal"),
]
NAME_AND_GRADE = [
    ("hy", "Արամ Պետրոսյան, 3-րդ դասարան"),
    ("hy", "Aram Petrosyan, 3rd grade"),
    ("fa", "سارا احمدی، کلاس سوم"),
    ("fa", "Sara Ahmadi kelase sevom"),
    ("ar", "ليلى أحمد، الصف الثالث"),
    ("ar", "Layla Ahmad saf talet"),
    ("fil", "Juan dela Cruz, grade 3"),
    ("fil", "Maria Santos ikatlong baitang"),
]
# What happened, told at concern.describe: statements, though some open with a word that also asks.
DESCRIPTIONS = [
    ("ar", "ما اجا الباص اليوم والولاد استنوا ساعة"),  # ما: "not", not "what"
    ("fa", "چند روز پیش یه پسر تو حیاط دخترم رو زد"),  # چند: "a few", not "how many"
    ("fil", "may sakit po ang anak ko kaya hindi nakapasok"),  # may: "there is", not a question
    ("hy", "որդուս դասարանում մի տղա ծեծում է"),
]


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return build_understanding(load_content()[2], tuple(LOCALES))


@pytest.mark.parametrize(("locale", "text"), CONTACT_THE_PRINCIPAL)
def test_a_question_word_makes_a_question_without_its_mark(locale: str, text: str) -> None:
    assert "?" not in text and BOOK.asks(text, locale)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("fa", "با مدیر مدرسه چطوری تماس بگیرم"),  # "how" fourth, bound to its verb
        ("hy", "տնօրենի հետ ինչպես կապվեմ"),  # "how" third
        ("hy", "երբ է ծնողական ժողովը"),
        ("ar", "شو رقم مكتب المدرسة"),
        ("ar", "emta byebda2 el ejtima3"),
        ("fa", "koja mitunam modir ro bebinam"),
        ("fil", "libre ba ang lunch"),  # the particle "ba" asks
        ("fil", "kailan ang pulong ng mga magulang"),
    ],
)
def test_question_words_in_each_language(locale: str, text: str) -> None:
    assert BOOK.asks(text, locale)


@pytest.mark.parametrize(("locale", "text"), NAME_AND_GRADE + DESCRIPTIONS)
def test_a_name_or_what_happened_is_not_a_question(locale: str, text: str) -> None:
    assert not BOOK.asks(text, locale)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("fa", "شماره تلفن دفتر مدرسه چیه"),  # "what is it", last
        ("fa", "ساعت کاری دفتر مدرسه چنده"),
        ("hy", "դպրոցի տնօրենի հետ կապվեմ ինչպես"),  # "how", last
        ("hy", "tnoreni het kapvem inchpes"),
    ],
)
def test_verb_final_languages_ask_with_the_last_word_too(locale: str, text: str) -> None:
    assert BOOK.asks(text, locale)


def test_a_question_word_last_asks_only_in_verb_final_languages() -> None:
    # "who" and "sino" are question words of en and fil, but there a sentence ending in one is told.
    assert not BOOK.asks("my son told the teacher who", "en")
    assert not BOOK.asks("hindi niya sinabi kung sino", "fil")


def test_question_words_of_one_language_do_not_ask_in_another() -> None:
    assert not BOOK.asks("kif fini e7ki ma3 el mudir", "fil")
    assert not BOOK.asks("ano ang gagawin ko", "ar")


@pytest.mark.parametrize(("locale", "text"), CONTACT_THE_PRINCIPAL)
def test_contact_the_principal_at_the_child_step_is_answered_aside(
    understanding: Understanding, school: SchoolData, locale: str, text: str
) -> None:
    meaning = understanding.interpret(text, locale, school, STUDENT)
    assert (meaning.kind, meaning.label) == ("intent", "staff")


@pytest.mark.parametrize(("locale", "text"), NAME_AND_GRADE)
def test_a_name_and_grade_at_the_child_step_is_the_answer(
    understanding: Understanding, school: SchoolData, locale: str, text: str
) -> None:
    meaning = understanding.interpret(text, locale, school, STUDENT)
    assert (meaning.kind, meaning.label) == ("reply", "input")


@pytest.mark.parametrize(("locale", "text"), DESCRIPTIONS)
def test_what_happened_is_the_description(
    understanding: Understanding, school: SchoolData, locale: str, text: str
) -> None:
    meaning = understanding.interpret(text, locale, school, DESCRIBE)
    assert (meaning.kind, meaning.label) == ("reply", "input")


def test_the_armenian_question_mark_inside_a_word_asks(
    understanding: Understanding, school: SchoolData
) -> None:
    meaning = understanding.interpret("տնօրենի հետ ո՞նց խոսեմ", "hy", school, STUDENT)
    assert (meaning.kind, meaning.label) == ("intent", "staff")
