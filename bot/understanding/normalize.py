"""Normalize a text in any script: one spelling per letter, ASCII digits, punctuation as spaces."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Arabic and Persian write the same letters with different code points (and parents mix keyboards):
# one form each, so "كيف"/"کیف" and "مدرسة"/"مدرسه" compare equal. Tatweel only stretches a word.
_LETTERS = {
    "ي": "ی",
    "ى": "ی",
    "ك": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ئ": "ی",
    "ـ": "",
    "\u200c": " ",
    "\u200d": "",
    "\u200f": "",
    "\u200e": "",
    # Vietnamese đ has no decomposition: it would survive accent stripping.
    "đ": "d",
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
# Marks written inside a word (an apostrophe, Armenian stress and question marks) join it, not split it.
_JOINERS = {"'": "", "’": "", "ʼ": "", "`": "", "՚": "", "՛": "", "՜": "", "՞": ""}
_TABLE = str.maketrans(_LETTERS | _DIGITS | _JOINERS)
# Question marks of every script, seen after NFKC (full-width ？ becomes ?).
QUESTION_MARKS = frozenset("?؟՞")


@dataclass(frozen=True)
class Normalized:
    """A text in two forms: `full` keeps diacritics (Vietnamese tones), `bare` drops them."""

    full: str
    bare: str
    question: bool


def normalize(text: str) -> Normalized:
    """NFKC, case folded, letter variants unified, punctuation of every script turned into spaces."""
    question = any(ch in QUESTION_MARKS for ch in unicodedata.normalize("NFKC", text))
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    full = _words(unicodedata.normalize("NFC", folded))
    bare = _words(strip_marks(full))
    return Normalized(full, bare, question)


def strip_marks(text: str) -> str:
    """The text without combining marks (accents, Vietnamese tones, Arabic harakat), recomposed."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _words(text: str) -> str:
    # Letters, marks and digits stay; punctuation, symbols and controls of any script become spaces.
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text)
    return " ".join(kept.split())
