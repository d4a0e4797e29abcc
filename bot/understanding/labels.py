"""The labels the intent model answers with (the scheme of bench/understanding_data), and their slots."""

from __future__ import annotations

from collections.abc import Mapping

from bot.services.concern_types import CATEGORIES
from bot.services.rights import TOPICS

NONE = "none"
LANGUAGE_SWITCH = (
    "language:switch"  # examples' label for "write to me in <a language>"; the name picks the code
)
CONCERN_CATEGORIES = CATEGORIES
RIGHTS_TOPICS = TOPICS
FIXED = (
    "hours",
    "contact",
    "parent_center",
    "staff",
    "rights",
    "concern",
    "concern_status",
    "volunteer",
    "my_shifts",
    "events",
    "rsvp",
    "stop",
    "start",
    "help",
    "menu",
    "language",
    "more",
)
# Every label an examples file must give examples for (school FAQ labels come with the school).
EXAMPLE_LABELS = (
    *FIXED,
    *(f"rights:{t}" for t in RIGHTS_TOPICS),
    *(f"concern:{c}" for c in CONCERN_CATEGORIES),
    LANGUAGE_SWITCH,
    NONE,
)
FAQ_PREFIX = "faq:"


def is_known(label: str, locales: frozenset[str]) -> bool:
    """True when `label` is in the scheme: a fixed label, a topic, a category, a language, a FAQ or none."""
    if label in EXAMPLE_LABELS and label != LANGUAGE_SWITCH:
        return True
    if label.startswith("language:"):
        return label[len("language:") :] in locales
    return label.startswith(FAQ_PREFIX) and len(label) > len(FAQ_PREFIX)


def slots(label: str) -> Mapping[str, str]:
    """What a label already says, e.g. the category of `concern:transportation`."""
    head, _, tail = label.partition(":")
    if head == "concern" and tail:
        return {"category": tail}
    if head == "language" and tail:
        return {"language": tail}
    return {}


def compatible(label: str, other: str) -> bool:
    """True when one label is the general form of the other (concern and concern:bus, events and rsvp)."""
    pair = {label, other}
    if pair == {"events", "rsvp"}:
        return True
    general, _, specific = max(label, other, key=len).partition(":")
    return bool(specific) and min(label, other, key=len) == general
