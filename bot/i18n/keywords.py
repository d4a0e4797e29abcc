"""Keywords and phrases parents type, matched without regard to case, accents or punctuation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from bot.yaml_files import load_yaml

# detect: lists: "strong" words tell a language alone, plain "words" only two together.
DETECT_KINDS = ("strong", "words")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Arabic-script letters that differ only by region or keyboard (Persian keh/yeh vs Arabic, taa marbuta
# written as heh, alef maksura as yeh), so "مدرسة"/"مدرسه" and "كيف"/"کیف" compare equal; tatweel only
# stretches a word ("نعــــم"). Arabic-Indic and Persian digits are the same numbers as ASCII ones.
# Armenian stress, emphasis and question marks (՛ ՜ ՞) and the apostrophe-like ՚ are written inside a
# word ("ինչպե՞ս"): they are dropped, not made spaces, so the word stays whole.
# Vietnamese đ has no decomposition, so accent folding alone would not make "dang ky" match "đăng ký".
_FOLD = str.maketrans(
    {"ي": "ی", "ك": "ک", "ى": "ی", "ة": "ه", "ۀ": "ه", "ـ": "", "\u200c": " ", "đ": "d", "Đ": "D"}
    | {chr(0x0660 + i): str(i) for i in range(10)}
    | {chr(0x06F0 + i): str(i) for i in range(10)}
    | dict.fromkeys("՚՛՜՞", "")
)


# Kana, CJK ideographs (and compatibility ones), Thai: scripts written without spaces between words.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")


def is_unspaced(text: str) -> bool:
    """True when the text has a character of a script written without spaces (Chinese, Japanese, Thai)."""
    # A compiled class scans in C: this runs for every phrase of every language on every inbound text.
    return _UNSPACED.search(text) is not None


def contains_phrase(text: str, phrase: str) -> bool:
    """True when a normalized phrase stands in a normalized text: as whole words, or anywhere for
    scripts written without spaces, where a phrase is never set off by them."""
    if is_unspaced(phrase):
        return phrase.replace(" ", "") in text.replace(" ", "")
    return f" {phrase} " in f" {text} "


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Fold case, accents and punctuation so 'Menú!' and 'menu' compare equal."""
    # Cached: the same option labels, phrases and words are folded again on every inbound text.
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    # Folded again: a letter with hamza decomposes to one that folds ("ئ" is "ي" with a mark).
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD)
    return " ".join(_NOT_WORD.sub(" ", stripped.casefold()).replace("_", " ").split())


@dataclass(frozen=True)
class KeywordTable:
    """Commands, opt-out phrases, topic words and language-detection words for every language."""

    commands: dict[str, str]  # normalized word -> command
    opt_out_phrases: tuple[str, ...]
    topics: dict[str, dict[str, tuple[str, ...]]]  # locale -> topic -> normalized phrases
    words: dict[str, dict[str, tuple[str, ...]]]  # locale -> command -> words as written
    # locale -> "strong" or "words" -> normalized words that tell the language (bot/services/language.py)
    detect: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def command(self, text: str) -> str | None:
        """The command a whole message names, if it is exactly one keyword."""
        return self.commands.get(normalize(text))

    def command_with_argument(self, text: str, commands: frozenset[str]) -> tuple[str, str] | None:
        """(command, rest of the text) when the text starts with one of `commands`, e.g. STATUS C-2026-1.

        The command may be several words ("tình trạng C-2026-0001"); the longest match wins.
        """
        words = text.split()
        for size in (3, 2, 1):
            if len(words) >= size:
                command = self.commands.get(normalize(" ".join(words[:size])))
                if command in commands:
                    return command, " ".join(words[size:])
        return None

    def asks_to_stop(self, text: str) -> bool:
        """True when the message asks in plain words to stop the texts."""
        normalized = normalize(text)
        spaced, unspaced = self._opt_out_forms
        return bool(
            (spaced is not None and spaced.search(f" {normalized} "))
            or (unspaced is not None and unspaced.search(normalized.replace(" ", "")))
        )

    @cached_property
    def _opt_out_forms(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        # Built once: every inbound text is checked against every language's phrases, so they are
        # one alternation each, scanned in C (whole words for spaced scripts, anywhere without spaces).
        spaced = [re.escape(f" {p} ") for p in self.opt_out_phrases if p and not is_unspaced(p)]
        unspaced = [re.escape(p.replace(" ", "")) for p in self.opt_out_phrases if is_unspaced(p)]
        return (
            re.compile("|".join(spaced)) if spaced else None,
            re.compile("|".join(unspaced)) if unspaced else None,
        )

    def keyword(self, locale: str, command: str) -> str:
        """The word for a command in a language, as a parent would type it (first listed)."""
        for code in (locale, "en"):
            found = self.words.get(code, {}).get(command)
            if found:
                return found[0].upper()
        return command.upper()


def load_keywords(path: Path) -> KeywordTable:
    """Read the keyword file and each locale's own `<locale>/keywords.yaml` beside it.

    A word naming two different commands is an error.
    """
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    for own in sorted(path.parent.glob("*/keywords.yaml")):
        locale = own.parent.name
        if locale in data:
            raise ValueError(f"{own}: {locale} is already in {path}")
        data[locale] = (load_yaml(own.read_text(encoding="utf-8")) or {}).get(locale) or {}
    commands: dict[str, str] = {}
    phrases: list[str] = []
    topics: dict[str, dict[str, tuple[str, ...]]] = {}
    words: dict[str, dict[str, tuple[str, ...]]] = {}
    detect: dict[str, dict[str, tuple[str, ...]]] = {}
    for locale, table in data.items():
        words[locale] = {}
        for command, listed in (table.get("commands") or {}).items():
            words[locale][command] = tuple(str(w) for w in listed)
            for word in listed:
                key = normalize(str(word))
                if commands.get(key, command) != command:
                    raise ValueError(f"{path}: {word!r} ({locale}) names both {commands[key]} and {command}")
                commands[key] = command
        phrases.extend(normalize(str(p)) for p in table.get("opt_out_phrases") or [])
        topics[locale] = {
            topic: tuple(normalize(str(w)) for w in listed)
            for topic, listed in (table.get("topics") or {}).items()
        }
        detect[locale] = {}
        for kind, listed in (table.get("detect") or {}).items():
            if kind not in DETECT_KINDS:
                raise ValueError(
                    f"{path}: detect: {kind!r} ({locale}) is not one of {', '.join(DETECT_KINDS)}"
                )
            detect[locale][kind] = tuple(dict.fromkeys(normalize(str(w)) for w in listed or []))
    return KeywordTable(commands, tuple(dict.fromkeys(phrases)), topics, words, detect)
