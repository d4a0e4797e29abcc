"""Choosing and detecting the language a parent reads (rubric 1B)."""

from __future__ import annotations

import bisect
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from babel import Locale

from bot.engine.engine import ActionResult, Option
from bot.i18n.keywords import contains_phrase, is_unspaced, load_keywords, normalize
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


@functools.cache
def native_name(code: str) -> str:
    """A language named in itself, e.g. 'Español', '한국어'."""
    # Cached: Babel builds a Locale for each name, and every new number's language menu needs all ten.
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def letter_count(text: str) -> int:
    """How many letters a text has, an ideograph or kana counting as three (about a word each)."""
    return sum(3 if is_unspaced(ch) else 1 for ch in text if unicodedata.category(ch).startswith("L"))


# The script each shipped language is written in. A script only one of them uses settles the
# language by itself (among the shipped ones: Cyrillic is Russian, Han is Simplified Chinese); Latin
# and Arabic letters need lingua and the `detect:` words of locales/*/keywords.yaml.
SCRIPTS = {
    "en": "latin",
    "es": "latin",
    "fil": "latin",
    "vi": "latin",
    "ko": "hangul",
    "zh_Hans": "han",
    "hy": "armenian",
    "ru": "cyrillic",
    "fa": "arabic",
    "ar": "arabic",
}
# (first code point, last code point, script), for letters only.
_SCRIPT_RANGES = (
    (0x0041, 0x024F, "latin"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0x1100, 0x11FF, "hangul"),
    (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xA960, 0xA97F, "hangul"),
    (0xAC00, 0xD7FF, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB13, 0xFB17, "armenian"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x20000, 0x3134F, "han"),
)
_SCRIPT_STARTS = tuple(first for first, _, _ in _SCRIPT_RANGES)
# A text in a script of its own still needs this many letters (an ideograph counts three): "네" is
# too little, "спасибо" or "谢谢" is enough.
SCRIPT_MIN_LETTERS = 2
# Letters only a Persian keyboard types (پ چ ژ گ, and keh/yeh ک ی where Arabic has ك ي), and letters
# only an Arabic one does (ك ي ى ة): a strong hint when lingua hesitates between the two.
PERSIAN_LETTERS = frozenset("پچژگکی")
ARABIC_LETTERS = frozenset("كيىة")
# Languages the bot does not ship but parents may write, close to shipped ones: when lingua finds one
# of these likelier than every shipped language, the bot asks instead of answering in a neighbour
# (Portuguese is not Spanish, Indonesian not Tagalog, Urdu not Persian).
DECOYS = ("PORTUGUESE", "FRENCH", "INDONESIAN", "URDU")
# Arabizi writes the Arabic letters ع ح خ ص with digits inside words (ta3ban, mar7aba, 3al): such a
# word counts as one plain Arabic `detect:` word. Times and ordinals (3pm, 7th) are not words.
_ARABIZI = re.compile(r"(?<![0-9])(?:[a-z]+[3579][a-z]*|[3579][a-z]+)(?![0-9])")
_ARABIZI_NOT = re.compile(r"[0-9]+(?:am|pm|st|nd|rd|th|h|hr|hrs|min|mins|k)")
_ARABIZI_VOWEL = re.compile(r"[aeiouy][3579]|[3579][aeiouy]")
# The detector reads at most one SMS worth of a long first message: as sure, and each call stays fast.
MAX_CHARS = 160
STRONG, PLAIN = 2, 1  # what a strong and a plain `detect:` word weigh; a language needs ENOUGH
ENOUGH = 2


def script_of(ch: str) -> str | None:
    """A letter's script ('latin', 'cyrillic', 'han', ...), 'other' for the rest, None for a non-letter."""
    if ch.isascii():
        return "latin" if ch.isalpha() else None
    if not unicodedata.category(ch).startswith("L"):
        return None
    point = ord(ch)
    index = bisect.bisect_right(_SCRIPT_STARTS, point) - 1
    if index >= 0 and point <= _SCRIPT_RANGES[index][1]:
        return _SCRIPT_RANGES[index][2]
    return "other"


def script_letters(text: str) -> dict[str, int]:
    """Letters per script, an ideograph or kana counting three as in letter_count."""
    counts: dict[str, int] = {}
    for ch in text:
        script = script_of(ch)
        if script is not None:
            counts[script] = counts.get(script, 0) + (3 if script in ("han", "kana") else 1)
    return counts


def arabizi_words(normalized: str) -> set[str]:
    """Words of a normalized text that write Arabic letters with digits (ta3ban, mar7aba)."""
    return {
        word
        for word in normalized.split()
        if _ARABIZI.fullmatch(word)
        and not _ARABIZI_NOT.fullmatch(word)
        and _ARABIZI_VOWEL.search(word)
        and sum(ch.isalpha() for ch in word) >= 2
    }


@dataclass(frozen=True)
class DetectWords:
    """The `detect:` words of every locale: words and phrases that tell a language when a parent
    writes it in Latin letters (romanized Armenian, Finglish, translit, Arabizi) or mixes it with
    English (Spanglish, Taglish), and short words that tell Persian from Arabic."""

    entries: dict[str, tuple[tuple[str, int], ...]]  # normalized word or phrase -> (locale, weight) ...
    longest: int  # words in the longest phrase
    unspaced: tuple[tuple[str, str, int], ...]  # (phrase in a script without spaces, locale, weight)

    @classmethod
    def build(cls, lists: dict[str, dict[str, tuple[str, ...]]]) -> DetectWords:
        """From KeywordTable.detect: locale -> 'strong' / 'words' -> normalized words."""
        entries: dict[str, list[tuple[str, int]]] = {}
        unspaced: list[tuple[str, str, int]] = []
        for locale, kinds in lists.items():
            for kind, words in kinds.items():
                weight = STRONG if kind == "strong" else PLAIN
                for word in words:
                    if is_unspaced(word):
                        unspaced.append((word, locale, weight))
                    elif word:
                        entries.setdefault(word, []).append((locale, weight))
        longest = max((entry.count(" ") + 1 for entry in entries), default=1)
        return cls({entry: tuple(found) for entry, found in entries.items()}, longest, tuple(unspaced))

    def scores(self, text: str, locales: tuple[str, ...]) -> dict[str, int]:
        """Each locale's weight of distinct `detect:` words in the text (Arabizi words count for ar)."""
        normalized = normalize(text)
        words = normalized.split()
        grams = {
            " ".join(words[i : i + n]) for n in range(1, self.longest + 1) for i in range(len(words) - n + 1)
        }
        scores = dict.fromkeys(locales, 0)
        for gram in grams:
            for locale, weight in self.entries.get(gram, ()):
                if locale in scores:
                    scores[locale] += weight
        for phrase, locale, weight in self.unspaced:
            if locale in scores and contains_phrase(normalized, phrase):
                scores[locale] += weight
        if "ar" in scores:
            scores["ar"] += PLAIN * len(arabizi_words(normalized) - self.entries.keys())
        return scores


@functools.cache
def _load_detect_words() -> DetectWords:
    from bot.content import locales_dir

    return DetectWords.build(load_keywords(locales_dir() / "keywords.yaml").detect)


@functools.cache
def _lingua_detector() -> Any:
    """Lingua's detector for the scripts it has to tell apart, built once per process and shared."""
    from lingua import Language, LanguageDetectorBuilder

    # Every known language of those scripts, shipped or not, so that a Tagalog text is not called
    # English where Tagalog is not shipped.
    names = [name for code, name in LINGUA_NAMES.items() if SCRIPTS[code] in ("latin", "arabic")]
    languages = [getattr(Language, name) for name in (*names, *DECOYS)]
    # Every model at once (about a second, once per process): no parent waits for one to load.
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return builder.with_preloaded_language_models().build()


class LanguageDetector:
    """Detects which shipped language a free text is in, or says it is not sure.

    Rather ask than guess wrong: a wrong language is worse than the bilingual language menu.
      1. The script of most of the letters. Hangul, Han, Armenian and Cyrillic each belong to one
         shipped language and settle it, even in a word or two (kana means Japanese, not shipped).
         Any other script, or none, is not guessed.
      2. Arabic letters: lingua between Persian and Arabic (Urdu asks), the letters only one of their
         keyboards types as a hint that must not contradict it, and `detect:` words that must not
         either. A text with fewer than `min_letters` needs a strong `detect:` word ("ممنون", "شكرا").
      3. Latin letters, at least `min_letters` of them (a `detect:` word weighs STRONG or PLAIN):
         a. romanized Armenian, Persian, Russian or Arabic, which lingua cannot read: a language whose
            words weigh ENOUGH, more than any other romanized one's and than all other languages'
            together ("Hello, zdravstvuyte, my son is sick" is English);
         b. else lingua's likeliest language (not when one of the DECOYS is likelier), if at least
            `confidence` sure among the languages it knows and backed by ENOUGH words of its own,
            no fewer than any other language's;
         c. else, for unaccented Vietnamese, Taglish and Spanglish that lingua hesitates over: a
            language whose words weigh twice ENOUGH and twice any other's when lingua leans to it,
            three times when it does not.
    """

    def __init__(
        self,
        locales: tuple[str, ...],
        min_letters: int,
        confidence: float,
        *,
        words: DetectWords | None = None,
    ) -> None:
        self.locales = tuple(code for code in locales if code in LINGUA_NAMES)
        self.min_letters = min_letters
        self.confidence = confidence
        self._words = words
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load lingua's models and the `detect:` words now rather than on the first parent's text."""
        self._get().compute_language_confidence_values("hello")
        self._get_words()

    def detect(self, text: str) -> str | None:
        """The locale of the text when confident, else None (the bot then asks)."""
        if len(self.locales) < 2:
            return None
        if len(text) > MAX_CHARS:
            head = text[:MAX_CHARS]
            text = head if text[MAX_CHARS].isspace() else head.rpartition(" ")[0] or head
        letters = script_letters(text)
        total = sum(letters.values())
        if not total:
            return None
        script = max(letters, key=lambda name: letters[name])
        if letters[script] * 2 <= total or (script == "han" and "kana" in letters):
            return None
        candidates = tuple(code for code in self.locales if SCRIPTS[code] == script)
        if script == "latin":
            return self._detect_latin(text) if total >= self.min_letters else None
        if script == "arabic":
            return self._detect_arabic(text, total, candidates)
        if len(candidates) == 1 and total >= SCRIPT_MIN_LETTERS:
            return candidates[0]
        return None

    def _detect_arabic(self, text: str, total: int, candidates: tuple[str, ...]) -> str | None:
        """Persian or Arabic: lingua, the letters only one of them has, and `detect:` words."""
        if not candidates:
            return None
        scores = self._get_words().scores(text, candidates)
        if total < self.min_letters:
            return _clear_winner(scores, STRONG)
        lingua, sure = self._lingua(text)
        persian = any(ch in PERSIAN_LETTERS for ch in text)
        arabic = any(ch in ARABIC_LETTERS for ch in text)
        hint = "fa" if persian and not arabic else "ar" if arabic and not persian else None
        if lingua not in candidates or (hint is not None and hint != lingua):
            return None
        if any(score > scores[lingua] for code, score in scores.items() if code != lingua):
            return None
        return lingua if sure >= self.confidence or hint == lingua else None

    def _detect_latin(self, text: str) -> str | None:
        """A text in Latin letters: romanized words first, then lingua backed by words, then words."""
        scores = self._get_words().scores(text, self.locales)
        romanized = {code: score for code, score in scores.items() if SCRIPTS[code] != "latin"}
        found = _clear_winner(romanized, ENOUGH)
        if found is not None and scores[found] > sum(scores.values()) - scores[found]:
            return found
        lingua, sure = self._lingua(text)
        if lingua is None:
            return None
        if (
            lingua in scores
            and SCRIPTS[lingua] == "latin"
            and sure >= self.confidence
            and scores[lingua] >= ENOUGH
            and all(score <= scores[lingua] for score in scores.values())
            and all(score < scores[lingua] for score in romanized.values())
        ):
            return lingua
        found = _clear_winner(scores, 2 * ENOUGH)
        if found is None or SCRIPTS[found] != "latin":
            return None
        second = max(score for code, score in scores.items() if code != found)
        ratio = 2 if found == lingua else 3
        return found if scores[found] >= ratio * ENOUGH and scores[found] >= ratio * second else None

    def _lingua(self, text: str) -> tuple[str | None, float]:
        """The code of lingua's likeliest language, shipped or not, and how sure it is among the
        languages of LINGUA_NAMES; (None, 0.0) when one of the DECOYS is likelier."""
        values = {
            value.language.name: value.value for value in self._get().compute_language_confidence_values(text)
        }
        if not values:
            return None, 0.0
        best_name = max(values, key=lambda name: values[name])
        found = next((code for code, name in LINGUA_NAMES.items() if name == best_name), None)
        if found is None:
            return None, 0.0
        known = sum(values.get(name, 0.0) for name in LINGUA_NAMES.values())
        return found, values[best_name] / known

    def _get(self) -> Any:
        return _lingua_detector()

    def _get_words(self) -> DetectWords:
        with self._lock:
            if self._words is None:
                self._words = _load_detect_words()
            return self._words


def _clear_winner(scores: dict[str, int], needed: int) -> str | None:
    """The locale whose score reaches `needed` and beats every other's, if there is one."""
    if not scores:
        return None
    best = max(scores, key=lambda code: scores[code])
    if scores[best] < needed or any(score >= scores[best] for code, score in scores.items() if code != best):
        return None
    return best


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
    # A first text kept while the language was asked is answered next, instead of the menu.
    return ActionResult(outcome="pending" if ctx.values.get("pending_text") else None)


ACTIONS: dict[str, Action] = {"language.options": language_options, "language.set": set_language}
