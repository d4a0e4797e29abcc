"""One form for words parents type in Latin letters for Armenian, Persian and Arabic, and for Persian
words written with a half-space, a space or nothing (bot/understanding/normalize.py, tokens.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.understanding.normalize import chat_form, letters_for_digits, normalize, romanize_armenian
from bot.understanding.tokens import features


def test_armenian_script_is_spelt_out_as_parents_type_it() -> None:
    assert romanize_armenian("ավտոբուսը") == "avtobusy"
    assert romanize_armenian("ուսուցիչ") == "usucich"
    assert romanize_armenian("և") == "ev"


@pytest.mark.parametrize(
    ("armenian", "romanized"),
    [
        ("ավտոբուսը", "avtobusy"),
        ("ավտոբուսը", "avtobus"),
        ("խնդիր", "khndir"),
        ("խնդիր", "xndir"),
        ("չեմ", "4em"),
        ("որտեղ", "vortex"),
        ("երկրորդը", "yerkrordy"),
        ("ուսուցիչ", "usutsich"),
        ("ժամը", "zhamy"),
        ("ժամը", "jamy"),
        ("եղավ", "exav"),
        ("ք", "q"),
    ],
)
def test_armenian_script_and_its_romanized_spellings_meet(armenian: str, romanized: str) -> None:
    assert chat_form(armenian, None) == chat_form(romanized, "hy")


@pytest.mark.parametrize(
    ("digits", "letters"),
    [("7u2u2", "huquq"), ("sob7", "sobh"), ("3arabi", "arabi"), ("5alas", "khalas"), ("na3am", "naam")],
)
def test_arabizi_digits_stand_for_letters(digits: str, letters: str) -> None:
    assert chat_form(digits, "ar") == chat_form(letters, "ar")


def test_numbers_with_an_ending_are_not_arabizi() -> None:
    for word in ("3rd", "2pm", "10am", "4th", "12", "2026"):
        assert letters_for_digits(word, "ar") == word


def test_armenian_chat_reads_4_as_ch_and_arabizi_does_not() -> None:
    assert letters_for_digits("4em", "hy") == "chem"
    assert letters_for_digits("4em", "ar") == "4em"


@pytest.mark.parametrize(
    ("one", "other"),
    [("nemitoonam", "nemitunam"), ("madreseh", "madrese"), ("sajjelni", "sajelni"), ("madrasah", "madrasa")],
)
def test_finglish_and_arabizi_vowel_spellings_meet(one: str, other: str) -> None:
    assert chat_form(one, "fa") == chat_form(other, "fa")


def test_words_of_other_languages_get_no_chat_form() -> None:
    assert chat_form("bus", "en") is None
    assert chat_form("autobus", "es") is None
    assert chat_form("مدرسه", "fa") is None  # Persian script is compared as written


def test_a_romanized_armenian_text_shares_features_with_the_armenian_one() -> None:
    script = {f for f in features("ավտոբուսը չեկավ", "hy") if f.startswith(("c:=", "c:~"))}
    latin = {f for f in features("avtobusy chekav", "hy") if f.startswith(("c:=", "c:~"))}
    assert {"c:=avtobus", "c:=chekav"} <= script & latin


def test_english_text_gets_no_chat_features() -> None:
    assert not [f for f in features("the school bus was late", "en") if f.startswith(("c:=", "c:~"))]


@pytest.mark.parametrize("written", ["می‌خوام", "می خوام", "میخوام"])
def test_persian_verb_prefix_counts_joined_however_it_is_written(written: str) -> None:
    assert "w:میخوام" in features(written, "fa")


@pytest.mark.parametrize("written", ["کلاس‌ها", "کلاس ها", "کلاسها"])
def test_persian_plural_ending_counts_joined_however_it_is_written(written: str) -> None:
    assert "w:کلاسها" in features(written, "fa")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("مدرسة", "مدرسه"),  # ta marbuta written as ha
        ("المعلمين", "المعلمین"),  # Arabic and Persian yeh
        ("كتاب", "کتاب"),  # Arabic and Persian kaf
        ("على", "علی"),  # alif maqsura
        ("نعــــم", "نعم"),  # tatweel stretches a word
        ("نَعَم", "نعم"),  # harakat
        ("أحمد إلى آخر", "احمد الی اخر"),  # hamza forms
        ("١ و ٣", "1 و 3"),  # Eastern Arabic digits
        ("۱ و ۳", "1 و 3"),  # Persian digits
    ],
)
def test_arabic_script_variants_normalize_alike(one: str, other: str) -> None:
    assert normalize(one).bare == normalize(other).bare


@given(st.text(alphabet=st.characters(min_codepoint=0x530, max_codepoint=0x58F), min_size=1))
def test_any_armenian_word_has_an_ascii_chat_form_or_none(word: str) -> None:
    form = chat_form(word, "hy")
    assert form is None or form.isascii()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12))
def test_chat_forms_of_latin_words_are_ascii_and_stable(word: str) -> None:
    form = chat_form(word, "ar")
    assert form is None or (form.isascii() and " " not in form)


def test_the_persian_ezafe_is_read_off_a_finglish_word() -> None:
    assert chat_form("nahare", "fa") == chat_form("nahar", "fa")
    assert chat_form("daftare", "fa") == chat_form("daftar", "fa")
