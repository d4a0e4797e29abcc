"""A bare yes or no with nothing waiting answers nothing: no question's answer is guessed from its letters
("không phải" shares "phải" with "có phải đóng tiền ăn không", a lunch question)."""

from __future__ import annotations

import pytest

from bot import PROJECT_ROOT
from bot.app import build_understanding, load_content
from bot.services.school_data import load_school_file
from bot.understanding.step import Understanding
from tests.understanding.test_examples import LOCALES

SCHOOL = load_school_file(PROJECT_ROOT / "schools" / "demo.yaml")


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return build_understanding(load_content()[2], tuple(LOCALES))


@pytest.mark.parametrize(
    ("locale", "text"),
    [("vi", "không phải"), ("vi", "ko phai"), ("en", "no"), ("en", "nope"), ("es", "no"), ("ru", "нет")],
)
def test_a_bare_no_is_no_question(understanding: Understanding, locale: str, text: str) -> None:
    meaning = understanding.interpret(text, locale, SCHOOL, None)
    assert meaning.kind == "none", meaning


def test_a_question_holding_a_no_word_is_still_a_question(understanding: Understanding) -> None:
    meaning = understanding.interpret("có phải đóng tiền ăn không", "vi", SCHOOL, None)
    assert (meaning.kind, meaning.label) == ("intent", "faq:lunch")
