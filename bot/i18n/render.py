"""Turn untranslated texts into the words one recipient reads: translate first, then fill values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.engine.engine import Text
from bot.engine.schema import MessageSet
from bot.i18n.catalogs import Catalogs
from bot.i18n.segments import smart_encode

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def placeholders(template: str) -> set[str]:
    """The names of the `{placeholders}` in a template."""
    return set(PLACEHOLDER.findall(template))


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Put values into `{name}` placeholders in one pass; unknown names stay as written."""

    def _value(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values and values[name] is not None else match.group(0)

    return PLACEHOLDER.sub(_value, template)


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
            lines.append(fill(translated, values))
        for number, option in enumerate(text.options, 1):
            label = (
                translations.pgettext(option.context, option.msgid) if isinstance(option, Text) else option
            )
            lines.append(f"{number} {label}")
        return smart_encode("\n".join(lines))

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
