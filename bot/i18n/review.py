"""Native-speaker review marks kept in the catalogs, and the reviewed share of each locale.

A reviewed entry carries the translator comment `# reviewed-by: <name>` (a date may follow the name).
Translator comments are what Poedit shows and edits as an entry's comment, and msgmerge, `pybabel
update` (`make catalogs`) and Weblate keep them, so the mark travels with the catalog. A mark on a
fuzzy entry does not count: the English changed after the review, so the text needs a new look.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

REVIEW_MARK = "reviewed-by:"


@dataclass(frozen=True)
class ReviewShare:
    """How many of a locale's entries a named reviewer has marked, of all its entries."""

    reviewed: int
    total: int

    @property
    def percent(self) -> int:
        """The reviewed share, rounded down to a whole percent (0 for an empty catalog)."""
        return self.reviewed * 100 // self.total if self.total else 0


def reviewer(message: Message) -> str | None:
    """The reviewer named in an entry's `reviewed-by:` translator comment, if any."""
    for comment in message.user_comments:
        text = comment.strip()
        if text.casefold().startswith(REVIEW_MARK):
            name = text[len(REVIEW_MARK) :].strip()
            if name:
                return name
    return None


def is_reviewed(message: Message) -> bool:
    """True when a named reviewer marked the entry and it has a translation that is not fuzzy."""
    return bool(message.string) and not message.fuzzy and reviewer(message) is not None


def review_share(catalog: Catalog) -> ReviewShare:
    """The reviewed entries of a catalog, of all its entries (the header aside)."""
    entries = [message for message in catalog if message.id]
    return ReviewShare(sum(1 for message in entries if is_reviewed(message)), len(entries))
