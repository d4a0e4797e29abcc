"""Which shipped language a text names ("en español", "in English", "영어로"), from every locale's names."""

from __future__ import annotations

from bot.understanding.normalize import normalize
from bot.understanding.tokens import script


class LanguageNames:
    """Every name of every shipped language, as parents of each language write it."""

    def __init__(self, names: dict[str, dict[str, tuple[str, ...]]]) -> None:
        found: dict[str, str] = {}
        for by_code in names.values():
            for code, listed in by_code.items():
                for name in listed:
                    found[normalize(name).bare] = code
        # Longest first so "tieng viet" wins over a shorter name inside it.
        self.names = sorted(found.items(), key=lambda item: -len(item[0]))

    def find(self, text: str, locale: str | None) -> str | None:
        """The language the text asks for: a named one other than the parent's own if there are several."""
        bare = normalize(text).bare
        padded = f" {bare} "
        named: list[tuple[int, str]] = []
        for name, code in self.names:
            spaced = not any(script(ch) == "cjk" for ch in name)
            # Korean and Armenian names take endings ("영어로", "անգլերենով"): a word starting with the name.
            prefix = name[0] and script(name[0]) in ("hangul", "armenian")
            at = padded.find(f" {name}" if prefix else f" {name} ") if spaced else bare.find(name)
            if at >= 0 and all(c != code for _, c in named):
                named.append((at, code))
        if not named:
            return None
        named.sort()
        others = [code for _, code in named if code != locale]
        return others[0] if others else named[0][1]
