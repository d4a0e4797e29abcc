"""Keywords and phrases parents type, matched without regard to case, accents or punctuation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Arabic-script letters that differ only by region (Persian keh/yeh vs Arabic).
_FOLD = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "\u200c": " "})


def normalize(text: str) -> str:
    """Fold case, accents and punctuation so 'Menú!' and 'menu' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", stripped.casefold()).replace("_", " ").split())


@dataclass(frozen=True)
class KeywordTable:
    """Commands, opt-out phrases and topic words for every language."""

    commands: dict[str, str]  # normalized word -> command
    opt_out_phrases: tuple[str, ...]
    topics: dict[str, dict[str, tuple[str, ...]]]  # locale -> topic -> normalized phrases
    words: dict[str, dict[str, tuple[str, ...]]]  # locale -> command -> words as written

    def command(self, text: str) -> str | None:
        """The command a whole message names, if it is exactly one keyword."""
        return self.commands.get(normalize(text))

    def command_with_argument(self, text: str, commands: frozenset[str]) -> tuple[str, str] | None:
        """(command, rest of the text) when the first word is one of `commands`, e.g. STATUS C-2026-1."""
        first, _, rest = text.strip().partition(" ")
        command = self.commands.get(normalize(first))
        return (command, rest.strip()) if command in commands else None

    def asks_to_stop(self, text: str) -> bool:
        """True when the message asks in plain words to stop the texts."""
        padded = f" {normalize(text)} "
        return any(f" {phrase} " in padded for phrase in self.opt_out_phrases)

    def keyword(self, locale: str, command: str) -> str:
        """The word for a command in a language, as a parent would type it (first listed)."""
        for code in (locale, "en"):
            found = self.words.get(code, {}).get(command)
            if found:
                return found[0].upper()
        return command.upper()


def load_keywords(path: Path) -> KeywordTable:
    """Read the keyword file; a word naming two different commands is an error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    commands: dict[str, str] = {}
    phrases: list[str] = []
    topics: dict[str, dict[str, tuple[str, ...]]] = {}
    words: dict[str, dict[str, tuple[str, ...]]] = {}
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
    return KeywordTable(commands, tuple(dict.fromkeys(phrases)), topics, words)
