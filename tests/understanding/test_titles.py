from __future__ import annotations

import pytest

from bot.app import LOCALES_DIR
from bot.understanding.replies import load_reply_book
from bot.understanding.titles import match_titles

BOOK = load_reply_book(LOCALES_DIR)
TITLES = {
    "reading": ["Reading at home workshop", "Taller: leer en casa"],
    "elac": ["ELAC meeting", "Reunión del ELAC"],
    "council": ["School Site Council meeting", "Reunión del consejo escolar"],
    "family": ["Family game night", "Noche de juegos en familia"],
    "pta": ["PTA coffee", "Café de la PTA"],
    "family_zh": ["家庭游戏之夜"],
}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("RSVP yes for family night", ["family"]),
        ("rsvp yes for family nigth", ["family"]),  # a typo
        ("sí voy a la noche de juegos", ["family"]),
        ("yes to the ELAC meeting", ["elac"]),
        ("count me in for the workshop", ["reading"]),
        ("rsvp for the council", ["council"]),
        ("yes pta", ["pta"]),  # an acronym of three letters
        ("我会参加家庭游戏之夜", ["family_zh"]),
    ],
)
def test_a_title_named_in_the_text_is_found_alone(text: str, found: list[str]) -> None:
    assert match_titles(text, TITLES) == found


@pytest.mark.parametrize("text", ["I will come to the meeting", "no puedo ir a la reunión"])
def test_a_word_several_titles_share_finds_them_all_to_ask_which(text: str) -> None:
    assert sorted(match_titles(text, TITLES)) == ["council", "elac"]


@pytest.mark.parametrize("text", ["rsvp yes", "ok for the thing", "rsvp for the bake sale", ""])
def test_a_text_that_names_no_title_finds_none(text: str) -> None:
    assert match_titles(text, TITLES) == []


def test_short_words_shared_by_chance_name_nothing() -> None:
    titles = {"for": ["Coffee for dads"], "family": ["Family game night"]}
    assert match_titles("RSVP yes for family night", titles) == ["family"]


@pytest.mark.parametrize(
    ("text", "locale", "answer"),
    [
        ("RSVP yes for family night", "en", True),
        ("RSVP no for family night", "en", False),
        ("I cannot come to the math workshop", "en", False),
        ("I will come to the meeting", "en", True),
        ("count me in for the workshop", "en", True),
        ("sí voy a la noche de juegos", "es", True),
        ("no puedo ir a la reunión", "es", False),
        ("no voy a ir a la noche de juegos", "es", False),  # "voy a ir" is a yes, the "no" wins
        ("가족 게임의 밤에 참석할게요", "ko", True),
        ("我会参加家庭游戏之夜", "zh_Hans", True),
        ("я приду на вечер игр", "ru", True),
        ("не смогу прийти на собрание", "ru", False),
        ("rsvp for family night", "en", None),
        ("what is family night", "en", None),
    ],
)
def test_answer_in_reads_a_yes_or_no_inside_a_sentence(text: str, locale: str, answer: bool | None) -> None:
    assert BOOK.answer_in(text, locale) is answer


def test_answer_in_ignores_one_letter_words_and_other_languages() -> None:
    assert BOOK.answer_in("y a la noche", "es") is None  # English "y" (yes) is not read in Spanish text
    assert BOOK.answer_in("da igual, family night", "en") is None  # Russian "да" only for Russian
