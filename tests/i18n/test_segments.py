from __future__ import annotations

import pytest

from bot.i18n.segments import encoding_of, is_gsm7, segment_count


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_boundaries(length: int, segments: int) -> None:
    assert segment_count("a" * length) == segments


def test_empty_text_is_one_segment() -> None:
    assert segment_count("") == 1


@pytest.mark.parametrize("char", ["€", "{", "}", "[", "]", "~", "|", "^", "\\"])
def test_extension_chars_count_double(char: str) -> None:
    assert is_gsm7(char)
    assert segment_count(char * 80) == 1
    assert segment_count(char * 81) == 2
    assert segment_count("a" * 159 + char) == 2
    assert segment_count("a" * 158 + char) == 1


def test_e_acute_stays_gsm7() -> None:
    text = "é" * 160
    assert encoding_of(text) == "GSM-7"
    assert segment_count(text) == 1
    assert segment_count("é" * 161) == 2


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_a_acute_forces_ucs2(length: int, segments: int) -> None:
    text = "á" + "a" * (length - 1)
    assert encoding_of(text) == "UCS-2"
    assert segment_count(text) == segments


def test_spanish_accents_other_than_gsm_ones_force_ucs2() -> None:
    assert not is_gsm7("teléfono número")
    assert is_gsm7("teléfono")
    assert is_gsm7("¿Qué?")
    assert not is_gsm7("¿Cuándo?")


def test_emoji_counts_as_two_utf16_units() -> None:
    assert encoding_of("👍") == "UCS-2"
    assert segment_count("👍" * 35) == 1
    assert segment_count("👍" * 36) == 2
    assert segment_count("a" * 69 + "👍") == 2
    assert segment_count("a" * 68 + "👍") == 1


def test_non_latin_scripts_use_ucs2() -> None:
    assert segment_count("안" * 70) == 1
    assert segment_count("안" * 71) == 2
    assert segment_count("ع" * 134) == 2


def test_an_escape_pair_is_never_split_across_segments() -> None:
    text = "a" * 152 + "€" + "a" * 152  # 306 units, but "€" cannot straddle the 153-unit boundary
    assert segment_count(text) == 3


def test_a_surrogate_pair_is_never_split_across_segments() -> None:
    text = "á" * 66 + "😀" + "á" * 66  # 134 UTF-16 units, but the emoji cannot straddle 67
    assert segment_count(text) == 3
