"""The port between the conversation and the model that classifies a parent's free text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.services.school_data import SchoolData

NONE = "none"


@dataclass(frozen=True)
class Intent:
    """What a free text asks for, with a calibrated confidence in [0, 1].

    `label` follows the label scheme of bench/understanding_data/README.md: a quick answer
    ("hours", "faq:lunch", "rights:visit"), a flow ("concern", "concern:transportation",
    "concern_status", "volunteer", "events"), a command ("stop", "help", "menu",
    "language:en") or "none". `slots` carries what the text already said (e.g. the concern's
    category); `alternatives` the runners-up, best first, for a "did you mean".
    """

    label: str
    confidence: float
    slots: Mapping[str, str] = field(default_factory=dict)
    alternatives: tuple[tuple[str, float], ...] = ()


class IntentModel(Protocol):
    """Classifies a parent's free text in their language, for one school."""

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The most likely intent of `text` (label "none" when nothing fits)."""
        ...
