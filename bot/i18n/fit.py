"""Fitting a text to its SMS budget: a long list a page at a time, a long value cut where a reader can."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n.keywords import is_unspaced

ELLIPSIS = "…"
# A sentence ends at . ! ? (and their CJK and Arabic forms) followed by a space or the end; CJK
# full stops need no space after them.
_SENTENCE_END = re.compile(r"[.!?؟।](?=\s|$)|[。！？]")
_PAUSE = re.compile(r"[，、；]")
MIN_SENTENCE_SHARE = 0.6  # a cut at a sentence is taken unless a cut at a word keeps far more


@dataclass(frozen=True)
class Cut:
    """A place to cut a text: the text before it, and whether it ends a sentence."""

    head: str
    sentence: bool


def cuts(text: str) -> list[Cut]:
    """Every place a text may be cut, shortest head first: after a sentence, or between words."""
    found: dict[int, bool] = {}
    for match in _SENTENCE_END.finditer(text):
        found[match.end()] = True
    for index, ch in enumerate(text):
        if ch.isspace() and index:
            found.setdefault(index, False)
        elif _PAUSE.match(ch):
            found.setdefault(index + 1, False)
        elif is_unspaced(ch) and index + 1 < len(text):
            found.setdefault(index + 1, False)  # no spaces: any character boundary is a word's
    heads = [Cut(text[:end].rstrip(" ,;:，、；"), sentence) for end, sentence in sorted(found.items())]
    return [cut for cut in heads if cut.head and cut.head != text.rstrip()]


def shorten(text: str, fits: Callable[[str], bool]) -> str | None:
    """The longest start of `text` that `fits`, cut after a sentence or at a word with an ellipsis.

    A sentence cut is preferred unless a word cut keeps much more. None when not even one word fits.
    """
    best_sentence: str | None = None
    best_word: str | None = None
    for cut in reversed(cuts(text)):  # longest first: the first that fits of each kind is the best
        if (best_sentence if cut.sentence else best_word) is not None:
            continue
        candidate = cut.head if cut.sentence else cut.head + ELLIPSIS
        if fits(candidate):
            if cut.sentence:
                best_sentence = candidate
            else:
                best_word = candidate
        if best_sentence is not None and best_word is not None:
            break
    if best_sentence is not None and (
        best_word is None or len(best_sentence) >= MIN_SENTENCE_SHARE * len(best_word)
    ):
        return best_sentence
    return best_word


def cut_at_word(text: str, limit: int) -> str:
    """A label cut to at most `limit` characters at a word, with an ellipsis when it was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return shorten(text, lambda head: len(head) <= limit) or text[: limit - 1] + ELLIPSIS
