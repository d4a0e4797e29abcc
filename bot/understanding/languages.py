"""Which shipped language a text names ("en español", "in English", "영어로"), from every locale's names."""

from __future__ import annotations

from bot.understanding.normalize import chat_form, normalize
from bot.understanding.tokens import script


class LanguageNames:
    """Every name of every shipped language, as parents of each language write it."""

    def __init__(self, names: dict[str, dict[str, tuple[str, ...]]]) -> None:
        found: dict[str, str] = {}
        for by_code in names.values():
            for code, listed in by_code.items():
                for name in listed:
                    found[normalize(name).bare] = code
        # Longest first so "tieng viet" wins over a shorter name inside it. How each is looked for is worked
        # out once: Korean and Armenian names take endings ("영어로", "անգլերենով"), so a word starting with
        # the name counts; a Chinese name stands anywhere.
        self.names = sorted(found.items(), key=lambda item: -len(item[0]))
        self._forms = [(_form(name), name, code) for name, code in self.names]
        # Armenian names as an Armenian parent types them in Latin letters ("anglerenov", "hayerenov"),
        # matched on the one spelling chat_form gives both, with the name's endings allowed.
        romanized = {
            _chat(name): code for name, code in found.items() if name and script(name[0]) == "armenian"
        }
        self._romanized = sorted(((f" {n}", c) for n, c in romanized.items() if n), key=lambda f: -len(f[0]))

    def find(self, text: str, locale: str | None) -> str | None:
        """The language the text asks for: a named one other than the parent's own if there are several."""
        bare = normalize(text).bare
        padded = f" {bare} "
        named: list[tuple[int, str]] = []
        for form, name, code in self._forms:
            at = bare.find(name) if form is None else padded.find(form)
            if at >= 0 and all(c != code for _, c in named):
                named.append((at, code))
        if locale == "hy" and not named:
            chatted = f" {_chat(bare, locale)} "
            named = [(chatted.find(form), code) for form, code in self._romanized if form in chatted][:1]
        if not named:
            return None
        named.sort()
        others = [code for _, code in named if code != locale]
        return others[0] if others else named[0][1]


def _form(name: str) -> str | None:
    """What to look for in a padded text (None: the bare name anywhere, for a script without spaces)."""
    if any(script(ch) == "cjk" for ch in name):
        return None
    prefix = bool(name) and script(name[0]) in ("hangul", "armenian")
    return f" {name}" if prefix else f" {name} "


def _chat(text: str, locale: str | None = None) -> str:
    """A text's words in the one spelling of romanized Armenian (words without one kept as they are)."""
    return " ".join(chat_form(word, locale) or word for word in text.split())
