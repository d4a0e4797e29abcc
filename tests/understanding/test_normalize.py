"""Normalization per script: one spelling per letter, punctuation of every script as spaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.understanding.normalize import normalize


def test_latin_keeps_an_accented_form_and_a_bare_one() -> None:
    n = normalize("¿A Qué HORA salen?")
    assert (n.full, n.bare, n.question) == ("a qué hora salen", "a que hora salen", True)


def test_vietnamese_tones_and_d_fold_in_the_bare_form() -> None:
    n = normalize("Đăng ký tình nguyện")
    assert n.bare == "dang ky tinh nguyen"
    assert n.full == "dăng ký tình nguyện"


def test_full_width_and_cjk_punctuation_are_spaces_and_questions() -> None:
    n = normalize("放学时间是几点？孩子，谢谢。")
    assert n.bare == "放学时间是几点 孩子 谢谢"
    assert n.question


def test_arabic_and_persian_letter_variants_compare_equal() -> None:
    assert normalize("كيف المدرسة").bare == normalize("کیف المدرسه").bare
    assert normalize("أين إلى آخر").bare == normalize("اين الى اخر").bare
    assert normalize("مـــدرسة").bare == normalize("مدرسه").bare  # tatweel


def test_arabic_question_mark_and_comma() -> None:
    n = normalize("متى يبدأ الدوام؟،")
    assert n.question
    assert n.bare == "متی یبدا الدوام"


def test_arabic_indic_and_persian_digits_become_ascii() -> None:
    assert normalize("٣ ۴ ١٢").bare == "3 4 12"


def test_persian_zero_width_non_joiner_splits_like_a_space() -> None:
    assert normalize("می‌خواهم").bare == "می خواهم"


def test_armenian_question_and_stress_marks_stay_inside_the_word() -> None:
    n = normalize("Ինչպե՞ս եք")
    assert n.bare == "ինչպես եք"
    assert n.question


def test_cyrillic_yo_folds_to_ye() -> None:
    assert normalize("Ещё").bare == "еще"


def test_apostrophes_join_a_word() -> None:
    assert normalize("don't won’t").bare == "dont wont"


@given(st.text())
def test_any_text_normalizes_to_single_spaced_words(text: str) -> None:
    n = normalize(text)
    assert n.bare == " ".join(n.bare.split())
    assert normalize(n.bare).bare == n.bare
