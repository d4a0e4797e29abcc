"""The translation port: nothing is lost when machine translation is off or fails."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.services.translation import (
    UNDETERMINED,
    MachineTranslation,
    NoTranslator,
    TranslationUnavailable,
    Translator,
    same_language,
    translate_or_none,
)

PRIVATE = "Mi hijo está enfermo hoy y no irá a la escuela"


class ScriptedTranslator:
    """Answers with a fixed detected source, or raises; records every call."""

    name = "scripted"

    def __init__(self, detected: str = "es", error: TranslationUnavailable | None = None) -> None:
        self.detected = detected
        self.error = error
        self.calls: list[tuple[str, str, str | None]] = []

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        self.calls.append((text, target, source))
        if self.error is not None:
            raise self.error
        return MachineTranslation(f"<{target}> {text}", source or self.detected, target, self.name)


def test_no_translator_says_translation_is_off() -> None:
    translator: Translator = NoTranslator()
    with pytest.raises(TranslationUnavailable, match="machine translation is off") as raised:
        translator.translate("hola", target="en")
    assert raised.value.reason == "off"
    assert translator.name == "none"


def test_off_gives_none_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert translate_or_none(NoTranslator(), PRIVATE, target="en", source="es") is None
    assert caplog.records == []


def test_a_translation_comes_back_with_the_given_source() -> None:
    translator = ScriptedTranslator()
    result = translate_or_none(translator, PRIVATE, target="en", source="es")
    assert result == MachineTranslation(f"<en> {PRIVATE}", "es", "en", "scripted")
    assert translator.calls == [(PRIVATE, "en", "es")]


def test_the_source_is_detected_when_not_given() -> None:
    result = translate_or_none(ScriptedTranslator(detected="ko"), "아이가 아파요", target="en")
    assert result is not None
    assert result.source == "ko"


@pytest.mark.parametrize(
    ("source", "target"), [("en", "en"), ("en_US", "en"), ("zh", "zh_Hans"), ("es", "es")]
)
def test_same_language_is_not_sent_to_the_provider(source: str, target: str) -> None:
    translator = ScriptedTranslator()
    assert translate_or_none(translator, "Hello there", target=target, source=source) is None
    assert translator.calls == []


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_not_sent_to_the_provider(text: str) -> None:
    translator = ScriptedTranslator()
    assert translate_or_none(translator, text, target="en") is None
    assert translator.calls == []


def test_a_text_detected_in_the_target_language_gives_none() -> None:
    translator = ScriptedTranslator(detected="en")
    assert translate_or_none(translator, "My son is sick", target="en") is None
    assert len(translator.calls) == 1


def test_an_undetermined_source_still_gives_the_translation() -> None:
    result = translate_or_none(ScriptedTranslator(detected=UNDETERMINED), PRIVATE, target="en")
    assert result is not None
    assert result.source == UNDETERMINED


@pytest.mark.parametrize("reason", ["unsupported", "timeout", "unreachable", "rejected", "quota", "error"])
def test_a_failure_gives_none_and_a_warning_without_the_text(
    caplog: pytest.LogCaptureFixture, reason: str
) -> None:
    failing = ScriptedTranslator(error=TranslationUnavailable(f"scripted {reason}", reason=reason))
    with caplog.at_level(logging.WARNING, logger="bot.services.translation"):
        assert translate_or_none(failing, PRIVATE, target="en", source="es") is None
    [record] = caplog.records
    message = record.getMessage()
    assert f"scripted {reason}" in message
    assert "es to en" in message
    assert "enfermo" not in message and PRIVATE not in message


def test_machine_translations_are_frozen() -> None:
    translation = MachineTranslation("My son is sick", "es", "en", "deepl")
    with pytest.raises(dataclasses.FrozenInstanceError):
        translation.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("en", "en", True),
        ("en", "en_US", True),
        ("en-GB", "en_US", True),
        ("zh", "zh_Hans", True),
        ("zh_Hans", "zh-Hans", True),
        ("zh_Hans", "zh_Hant", False),
        ("fil", "tl", False),
        ("es", "en", False),
        ("und", "en", False),
    ],
)
def test_same_language(a: str, b: str, same: bool) -> None:
    assert same_language(a, b) is same
    assert same_language(b, a) is same
