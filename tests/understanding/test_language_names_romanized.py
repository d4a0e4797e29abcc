"""Languages named in romanized Armenian, with Armenian endings (bot/understanding/languages.py)."""

from __future__ import annotations

import pytest

from bot.app import LOCALES_DIR
from bot.understanding.examples import load_examples
from bot.understanding.languages import LanguageNames

NAMES = LanguageNames(load_examples(LOCALES_DIR).language_names)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("anglerenov greq", "en"),
        ("xndrum em rusereniov", "ru"),
        ("chinarenov grek", "zh_Hans"),
        ("ispanerenov", "es"),
        ("parskerenov greq", "fa"),
    ],
)
def test_a_language_named_in_romanized_armenian_is_found(text: str, code: str) -> None:
    assert NAMES.find(text, "hy") == code


@pytest.mark.parametrize("text", ["barev", "hay em", "erexas hivand e"])
def test_romanized_armenian_without_a_language_name_names_none(text: str) -> None:
    assert NAMES.find(text, "hy") is None


def test_romanized_names_count_only_for_an_armenian_parent() -> None:
    assert NAMES.find("chinarenov", "en") is None
