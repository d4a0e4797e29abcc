from __future__ import annotations

import pytest

from bot.services.language import LINGUA_NAMES, LanguageDetector, letter_count, native_name


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(("en", "es"), 12, 0.8)


@pytest.mark.parametrize(
    "text",
    [
        "When does the school office open in the morning?",
        "My daughter will be absent tomorrow because she has a doctor appointment.",
    ],
)
def test_detects_clear_english(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "¿A qué hora abre la oficina de la escuela mañana?",
        "Mi hija no va a ir a la escuela mañana porque está enferma.",
    ],
)
def test_detects_clear_spanish(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) == "es"


@pytest.mark.parametrize("text", ["ok", "hola", "", "1234567890123", "hola hola!"])
def test_short_texts_are_not_guessed(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_single_shipped_locale_is_never_guessed() -> None:
    only_english = LanguageDetector(("en",), 12, 0.8)
    assert only_english.detect("When does the school office open in the morning?") is None


def test_unknown_locales_are_dropped() -> None:
    detector = LanguageDetector(("en", "xx", "es", "tlh"), 12, 0.8)
    assert detector.locales == ("en", "es")
    assert LanguageDetector(("en", "xx"), 12, 0.8).detect("When does the school office open today?") is None


def test_detection_only_returns_shipped_locales() -> None:
    detector = LanguageDetector(("en", "ko"), 12, 0.5)
    assert detector.detect("¿A qué hora abre la oficina de la escuela mañana?") in {None, "en"}
    assert detector.detect("학교 사무실은 아침 몇 시에 문을 여나요?") == "ko"


def test_every_lingua_name_exists() -> None:
    from lingua import Language

    assert all(hasattr(Language, name) for name in LINGUA_NAMES.values())


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("es", "Español"),
        ("ko", "한국어"),
        ("ru", "Русский"),
        ("ar", "العربية"),
        ("en", "English"),
        ("fa", "فارسی"),
    ],
)
def test_native_name(code: str, name: str) -> None:
    assert native_name(code) == name


def test_native_name_of_script_variant_names_the_script() -> None:
    assert native_name("zh_Hans").startswith("中文")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("hello", 5),
        ("héllo, 123!", 5),
        ("Ñandú", 5),
        ("안녕하세요", 5),
        ("привет мир", 9),
        ("مرحبا", 5),
        ("你好", 6),  # an ideograph counts as three letters: about a word each
        ("👍 ok 42", 2),
    ],
)
def test_letter_count_counts_letters_in_any_script(text: str, count: int) -> None:
    assert letter_count(text) == count
