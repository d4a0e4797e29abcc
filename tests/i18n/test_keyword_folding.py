"""Arabic, Persian and Armenian letter variants, tatweel, digits and in-word marks fold in keywords."""

from __future__ import annotations

import unicodedata

import pytest

from bot.app import LOCALES_DIR
from bot.i18n.keywords import KeywordTable, load_keywords, normalize
from bot.understanding.replies import ReplyOption, load_reply_book

BOOK = load_reply_book(LOCALES_DIR)
YES_NO = (ReplyOption(1, "1", ("نعم", "Yes")), ReplyOption(2, "2", ("لا", "No")))


@pytest.fixture(scope="module")
def table() -> KeywordTable:
    return load_keywords(LOCALES_DIR / "keywords.yaml")


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("نعــــم", "نعم"),  # tatweel only stretches a word
        ("مدرسـة", "مدرسه"),
        ("مدرسة", "مدرسه"),  # taa marbuta typed as heh
        ("مدرسۀ", "مدرسه"),  # Persian heh with hamza
        ("على", "علی"),  # alef maksura is yeh
        ("علي", "علی"),  # Arabic yeh is Persian yeh
        ("كتاب", "کتاب"),  # Arabic kaf is Persian keh
        ("مسئول", "مسیول"),  # yeh with hamza folds like yeh
        ("الحالة", "الحاله"),
    ],
)
def test_arabic_and_persian_variants_fold_to_one_spelling(typed: str, same_as: str) -> None:
    assert normalize(typed) == normalize(same_as)


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [("٣", "3"), ("۳", "3"), ("C-2026-٠٠١٢", "c 2026 0012"), ("۱۰", "10"), ("١ و ٣", "1 و 3")],
)
def test_arabic_and_persian_digits_are_ascii_digits(typed: str, ascii: str) -> None:
    assert normalize(typed) == ascii


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("ինչպե՞ս", "ինչպես"),  # question mark on the stressed vowel
        ("Ե՞րբ", "երբ"),
        ("Ինչու՛", "ինչու"),  # emphasis mark
        ("Այո՜", "այո"),  # exclamation mark
        ("կարո՞ղ եմ", "կարող եմ"),
        ("Հայ՚երեն", "հայերեն"),  # apostrophe-like mark
    ],
)
def test_armenian_marks_inside_a_word_keep_it_whole(typed: str, word: str) -> None:
    assert normalize(typed) == word


def test_other_scripts_fold_as_before() -> None:
    assert normalize("¿Dónde está?") == "donde esta"
    assert normalize("can't") == "can t"
    assert normalize("đăng ký") == "dang ky"
    assert normalize("教室在哪里？") == "教室在哪里"
    assert normalize("Где школа?") == "где школа"
    assert normalize("몇 시에 끝나요?") == unicodedata.normalize("NFKD", "몇 시에 끝나요")  # jamo, as before


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("القائمة", "menu"),
        ("القائمـــة", "menu"),  # tatweel
        ("الحالة", "status"),
        ("الحاله", "status"),  # taa marbuta as heh
        ("حقوقي", "rights"),
        ("حقوقى", "rights"),  # final yeh as alef maksura
        ("ﺗﻮﻗﻒ", "stop"),  # presentation forms
        ("توقـف", "stop"),
        ("وضعيت", "status"),  # Persian word with the Arabic yeh
        ("ԴԱԴԱ՛Ր", "stop"),
    ],
)
def test_keyword_matches_whatever_variant_is_typed(table: KeywordTable, typed: str, command: str) -> None:
    assert table.command(typed) == command


def test_status_with_a_reference_in_arabic_digits(table: KeywordTable) -> None:
    assert table.command_with_argument("الحالــة C-2026-٠٠١٢", frozenset({"status"})) == (
        "status",
        "C-2026-٠٠١٢",
    )


@pytest.mark.parametrize("typed", ["نعــــم", "نعـم", "نعم"])
def test_stretched_yes_is_yes(typed: str) -> None:
    placed = BOOK.place(typed, YES_NO, "ar", context="concern.share")
    assert placed is not None and placed.numbers == (1,)


def test_stretched_no_is_no() -> None:
    placed = BOOK.place("لـا", YES_NO, "ar", context="concern.share")
    assert placed is not None and placed.numbers == (2,)


def test_opt_out_phrase_typed_with_variants(table: KeywordTable) -> None:
    assert table.asks_to_stop("لا ترسلـوا لي رسائل")
    assert table.asks_to_stop("لا ترسلوا لى رسائل")  # alef maksura for yeh
