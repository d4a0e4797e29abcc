"""Choosing and detecting the language a parent reads (rubric 1B)."""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

from babel import Locale

from bot.engine.engine import ActionResult, Option
from bot.i18n.keywords import is_unspaced
from bot.services.actions import Action, ActionContext

# Lingua's names for the locales the bot may ship.
LINGUA_NAMES = {
    "en": "ENGLISH",
    "es": "SPANISH",
    "ko": "KOREAN",
    "zh_Hans": "CHINESE",
    "hy": "ARMENIAN",
    "fil": "TAGALOG",
    "vi": "VIETNAMESE",
    "ru": "RUSSIAN",
    "fa": "PERSIAN",
    "ar": "ARABIC",
}


def native_name(code: str) -> str:
    """A language named in itself, e.g. 'Español', '한국어'."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def letter_count(text: str) -> int:
    """How many letters a text has, an ideograph or kana counting as three (about a word each)."""
    return sum(3 if is_unspaced(ch) else 1 for ch in text if unicodedata.category(ch).startswith("L"))


class LanguageDetector:
    """Detects which shipped language a free text is in, or says it is not sure."""

    def __init__(self, locales: tuple[str, ...], min_letters: int, confidence: float) -> None:
        self.locales = tuple(code for code in locales if code in LINGUA_NAMES)
        self.min_letters = min_letters
        self.confidence = confidence
        self._detector: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Build the detector and load its models now rather than on the first parent's text."""
        self._get().compute_language_confidence_values("hello")

    def detect(self, text: str) -> str | None:
        """The locale of the text when confident, else None (the bot then asks)."""
        if len(self.locales) < 2 or letter_count(text) < self.min_letters:
            return None
        values = self._get().compute_language_confidence_values(text)
        if not values or values[0].value < self.confidence:
            return None
        name = values[0].language.name
        return next(
            (code for code, lingua in LINGUA_NAMES.items() if lingua == name and code in self.locales), None
        )

    def _get(self) -> Any:
        with self._lock:
            if self._detector is None:
                from lingua import Language, LanguageDetectorBuilder

                languages = [getattr(Language, LINGUA_NAMES[code]) for code in self.locales]
                self._detector = LanguageDetectorBuilder.from_languages(*languages).build()
            return self._detector


def language_options(ctx: ActionContext) -> ActionResult:
    """Every shipped language, each named in itself: the school's own first, by share of pupils."""
    shares = ctx.school.languages
    default = ctx.school.default_locale
    ordered = sorted(ctx.shipped_locales, key=lambda code: (code != default, -shares.get(code, 0.0), code))
    return ActionResult(options=tuple(Option(native_name(code), code) for code in ordered))


def set_language(ctx: ActionContext) -> ActionResult:
    """Remember the language the parent chose."""
    chosen = str(ctx.values.get("choice", ""))
    if chosen not in ctx.shipped_locales:
        return ActionResult(outcome="unknown")
    ctx.tx.set_locale(ctx.contact.id, chosen, "chosen")
    ctx.locale = chosen
    ctx.record("1B", "language_chosen", chosen)
    return ActionResult()


ACTIONS: dict[str, Action] = {"language.options": language_options, "language.set": set_language}
