"""The port every machine-translation provider implements, and the translator used when it is off.

Texts are parents' and staff's private words: nothing here logs them, and no provider puts them
in an exception message. A failure never loses anything: callers keep the original and its
language label, and show a machine translation (labelled as such by the catalogs) only when
there is one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

# BCP 47 "undetermined": the provider translated but did not say from which language.
UNDETERMINED = "und"


@dataclass(frozen=True)
class MachineTranslation:
    """A text machine-translated from `source` into `target` (project locale codes) by `provider`."""

    text: str
    source: str  # the original's locale: as given by the caller, else as detected by the provider
    target: str
    provider: str


class TranslationUnavailable(Exception):
    """No machine translation this time; the message says why, without any of the text.

    `reason` is one of: off, unsupported, timeout, unreachable, rejected, quota, error.
    """

    def __init__(self, message: str, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason


class Translator(Protocol):
    """Translates one free text between project locales (en, es, zh_Hans, fil, ...)."""

    name: str

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        """Translate into `target`, detecting the source when not given; raise TranslationUnavailable."""
        ...


class NoTranslator:
    """Machine translation is off: every call says so."""

    name = "none"

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        """Always raise TranslationUnavailable."""
        raise TranslationUnavailable("machine translation is off", reason="off")


def translate_or_none(
    translator: Translator, text: str, *, target: str, source: str | None = None
) -> MachineTranslation | None:
    """A machine translation, or None when it would add nothing or the provider cannot give one."""
    if not text.strip() or (source is not None and same_language(source, target)):
        return None
    try:
        translation = translator.translate(text, target=target, source=source)
    except TranslationUnavailable as exc:
        if exc.reason != "off":
            log.warning(
                "no machine translation (%s to %s, %d chars) from %s: %s",
                source or "auto",
                target,
                len(text),
                translator.name,
                exc,
            )
        return None
    # The provider detected the text is already in the target language: a copy labelled
    # "machine-translated" would only confuse the reader.
    if same_language(translation.source, target):
        return None
    return translation


def same_language(a: str, b: str) -> bool:
    """True when two locales name one language: en and en_US, zh and zh_Hans; not zh_Hans and zh_Hant."""
    a_parts, b_parts = a.replace("-", "_").lower().split("_"), b.replace("-", "_").lower().split("_")
    if a_parts[0] != b_parts[0]:
        return False
    a_script = next((part for part in a_parts[1:] if len(part) == 4), None)
    b_script = next((part for part in b_parts[1:] if len(part) == 4), None)
    return a_script is None or b_script is None or a_script == b_script
