"""Turn untranslated texts into the words one recipient reads: translate first, then fill values."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.engine.engine import Text
from bot.engine.schema import MessageSet
from bot.i18n.catalogs import Catalogs
from bot.i18n.fit import ELLIPSIS, shorten
from bot.i18n.segments import segment_count, smart_encode

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def placeholders(template: str) -> set[str]:
    """The names of the `{placeholders}` in a template."""
    return set(PLACEHOLDER.findall(template))


RTL_LOCALES = frozenset({"ar", "fa", "he", "ur"})
# First-strong isolate ... pop directional isolate: a value keeps its own direction inside RTL text,
# so "C-2026-0042", "(213) 555-0100" or a date is never reordered around the Arabic or Persian words.
ISOLATE, POP_ISOLATE = "\u2068", "\u2069"


def is_rtl(locale: str | None) -> bool:
    """True for a right-to-left language."""
    return bool(locale) and str(locale).split("_")[0] in RTL_LOCALES


def fill(template: str, values: Mapping[str, Any], *, isolate: bool = False) -> str:
    """Put values into `{name}` placeholders in one pass; unknown names stay as written."""

    def _value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            return match.group(0)
        text = str(values[name])
        return f"{ISOLATE}{text}{POP_ISOLATE}" if isolate and text else text

    return PLACEHOLDER.sub(_value, template)


@dataclass(frozen=True)
class Fitted:
    """A text rendered within its budget: how many of its options it shows, and how much of its `fit`
    value (None: all of it)."""

    text: str
    options: int
    value: int | None = None


def system_context(message_id: str) -> str:
    """The catalog context of a system message."""
    return f"system.{message_id}"


class Renderer:
    """Renders engine texts and system messages for one recipient's locale chain."""

    def __init__(
        self, catalogs: Catalogs, messages: MessageSet, others: Mapping[str, MessageSet] | None = None
    ) -> None:
        self.catalogs = catalogs
        self.messages = messages
        self.sets = {**(others or {}), "system": messages}

    def render(
        self, text: Text, locales: tuple[str | None, ...], extra: Mapping[str, Any] | None = None
    ) -> str:
        """Translate a text for the first locale that has it, fill its values, and number its options."""
        translations = self.catalogs.for_chain(*locales)
        values = {**(extra or {}), **text.values}
        lines: list[str] = []
        if text.msgid:
            translated = str(translations.pgettext(text.context, text.msgid))
            if placeholders(translated) != placeholders(text.msgid):
                # A broken translation must neither show a raw {name} nor drop a value such as {phone}.
                translated = text.msgid
            lines.append(fill(translated, values, isolate=is_rtl(self._language_of(translations, text))))
        for number, option in enumerate(text.options, text.first):
            label = (
                translations.pgettext(option.context, option.msgid) if isinstance(option, Text) else option
            )
            lines.append(f"{number} {label}")
        return smart_encode("\n".join(lines))

    def render_fitted(
        self,
        text: Text,
        locales: tuple[str | None, ...],
        *,
        more_options: Callable[[], str],
        more_text: Callable[[], str],
    ) -> Fitted:
        """Render a text within its segment budget, and say how much of its options and value it shows.

        A paged list shows the options that fit and `more_options()` (MORE shows the next page); a
        `fit` value is cut after a sentence or at a word, followed by `more_text()` when MORE shows it all.
        """
        whole = self.render(text, locales)
        if segment_count(whole) <= text.budget:
            return Fitted(whole, len(text.options))
        if text.fit and text.values.get(text.fit):
            fitted = self._fit_value(text, locales, more_text() if text.more else "")
            if fitted is not None:
                return fitted
        if text.paged and len(text.options) > 1:
            hint = more_options()
            for count in range(len(text.options) - 1, 0, -1):
                page = self.render(replace(text, options=text.options[:count]), locales)
                page = f"{page}\n{hint}"
                if segment_count(page) <= text.budget or count == 1:
                    return Fitted(page, count)
        return Fitted(whole, len(text.options))

    def _fit_value(self, text: Text, locales: tuple[str | None, ...], hint: str) -> Fitted | None:
        name = text.fit or ""
        value = str(text.values[name])

        def rendered(head: str) -> str:
            shown = f"{head}\n{hint}" if hint else head
            return self.render(replace(text, values={**text.values, name: shown}), locales)

        head = shorten(value, lambda candidate: segment_count(rendered(candidate)) <= text.budget)
        if head is None:
            return None
        return Fitted(rendered(head), len(text.options), len(head.removesuffix(ELLIPSIS)))

    @staticmethod
    def _language_of(translations: Any, text: Text) -> str | None:
        """The locale whose catalog actually translated the text (None: the English source)."""
        link = translations
        while link is not None:
            catalog = getattr(link, "_catalog", None)
            if catalog is not None and (f"{text.context}\x04{text.msgid}") in catalog:
                return str(link.info().get("language", "")) or None
            link = getattr(link, "_fallback", None)
        return None

    def system(self, message_id: str, locales: tuple[str | None, ...], **values: Any) -> str:
        """Render a system message by id (see flows/system.yaml)."""
        return self.message("system", message_id, locales, **values)

    def message(self, prefix: str, message_id: str, locales: tuple[str | None, ...], **values: Any) -> str:
        """Render a message of a message set (flows/*.yaml with `prefix:`) by id."""
        message = self.sets[prefix].messages[message_id]
        text = Text(message.text, f"{prefix}.{message_id}", values, (), message.budget)
        return self.render(text, locales)

    def translate(self, context: str, msgid: str, locales: tuple[str | None, ...]) -> str:
        """One catalog entry in the first locale that has it (labels, names)."""
        return smart_encode(str(self.catalogs.for_chain(*locales).pgettext(context, msgid)))
