"""Features per script: words, stems, word pairs, character n-grams, CJK bigrams."""

from __future__ import annotations

from bot.understanding.tokens import features, script


def test_chinese_without_spaces_gets_characters_and_bigrams() -> None:
    found = features("几点放学？", "zh_Hans")
    assert {"c:几点", "c:放学", "c:学"} <= set(found)


def test_spanish_words_are_stemmed_and_accents_kept_apart() -> None:
    found = set(features("¿Cuándo salen los niños?", "es"))
    assert {"w:ninos", "v:niños", "s:nin", "w:cuando"} <= found


def test_typos_share_character_trigrams() -> None:
    right, typo = set(features("dismissal", "en")), set(features("dismisal", "en"))
    assert len({f for f in right & typo if f.startswith("c:")}) >= 5


def test_armenian_and_russian_are_stemmed_by_script() -> None:
    assert any(f.startswith("s:") for f in features("ավարտվում", "hy"))
    assert "s:урок" in features("уроки", None)


def test_korean_uses_syllable_pairs() -> None:
    assert "c:학교" in features("학교에", "ko")


def test_scripts() -> None:
    assert [script(c) for c in "aж한中ա\u0627"] == [
        "latin",
        "cyrillic",
        "hangul",
        "cjk",
        "armenian",
        "arabic",
    ]
