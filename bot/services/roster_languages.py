"""A roster's language column as schools write it: codes, English names, or names in the language itself."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

# Names student-information systems use that CLDR files under another language.
ALIASES = {
    "mandarin": "zh",
    "chinese mandarin": "zh",
    "putonghua": "zh",
    "tagalog": "fil",
    "pilipino": "fil",
    "farsi": "fa",
    "dari": "fa",
}


@dataclass(frozen=True)
class LanguageMatch:
    """What a roster's language cell means: a shipped locale, or a known language the bot has no texts in."""

    locale: str | None
    known_name: str | None = None  # set when the language is real but not shipped (e.g. "Hmong")


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter: 'Español ' and 'espanol' are the same."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-.()]+", " ", plain).strip()


class LanguageNames:
    """Resolves a language cell to one of the shipped locales."""

    def __init__(self, shipped: tuple[str, ...]) -> None:
        self.shipped = shipped
        self._names: dict[str, str] = {}
        english = Locale("en")
        for code in shipped:
            locale = Locale.parse(code)
            base = locale.language
            for name in (
                code,
                base,
                locale.get_display_name("en") or "",
                locale.get_display_name(code) or "",
                english.languages.get(base, ""),
                Locale.parse(base).get_display_name(base) or "",
            ):
                if name:
                    self._names.setdefault(_fold(name), code)
        for alias, base in ALIASES.items():
            found = self._by_language(base)
            if found is not None:
                self._names.setdefault(alias, found)
        # Every language CLDR names in English, so a real language the bot lacks is told apart from a typo.
        self._known = {_fold(name): name for name in english.languages.values()}
        self._known.update({code.casefold(): name for code, name in english.languages.items()})

    def resolve(self, cell: str) -> LanguageMatch | None:
        """The match for a cell (None: not a language at all); a blank cell matches no language."""
        folded = _fold(cell)
        if not folded:
            return LanguageMatch(None)
        if folded in self._names:
            return LanguageMatch(self._names[folded])
        code = self._code_of(cell.strip())
        if code is not None:
            return LanguageMatch(code)
        known = self._known.get(folded) or self._known.get(folded.split(" ")[0])
        return LanguageMatch(None, known) if known else None

    def _code_of(self, cell: str) -> str | None:
        """A tag such as zh-CN, es_MX or en-US names its language's shipped locale."""
        try:
            locale = Locale.parse(cell.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            return None
        return self._by_language(locale.language)

    def _by_language(self, base: str) -> str | None:
        return next((code for code in self.shipped if code.split("_")[0] == base), None)
