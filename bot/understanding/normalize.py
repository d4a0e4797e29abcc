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


# Parents without an Armenian, Arabic or Persian keyboard write their language in Latin letters, each
# their own way: "khndir"/"xndir", "avtobusy"/"avtobus@", "7u2u2"/"huquq", "nemitoonam"/"nemitunam".
# chat_form() brings such a word (and an Armenian-script word, spelt out in Latin letters) to one
# form, so a romanized text meets the examples written either way.
_ARMENIAN_LATIN = str.maketrans(
    {
        "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t",
        "ժ": "j", "ի": "i", "լ": "l", "խ": "x", "ծ": "c", "կ": "k", "հ": "h", "ձ": "dz", "ղ": "x",
        "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch", "պ": "p", "ջ": "j",
        "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "c", "ւ": "v", "փ": "p", "ք": "k",
        "օ": "o", "ֆ": "f", "և": "ev",
    }
)  # fmt: skip
# Digits that stand for letters in a Latin word: Arabizi (2 a qaf said as a hamza, "7u2u2" huquq;
# 3 ayn, 5 kha, 6 ta, 7 ha, 8 ghayn, 9 sad) and Armenian chat ("4" is "ch", from the Cyrillic ч).
_ARABIZI = {"2": "q", "3": "", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "s"}
_ARMENIAN_CHAT = {"4": "ch"}
# Spellings of one sound, most specific first: "kh"/"x" (խ, خ), "gh" (ղ, غ), "ts"/"tz"/"c" (ց, ծ),
# "zh"/"j" (ժ), "q"/"k" (ք, ق), "w"/"v", long vowels written twice or as "ou".
_SOUNDS = (
    ("kh", "x"), ("gh", "x"), ("tz", "c"), ("ts", "c"), ("zh", "j"), ("q", "k"), ("w", "v"),
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"),
)  # fmt: skip
# Numbers written in digits with an ending are numbers, not Arabizi ("3rd", "2pm", "4th", "10am").
_NUMERAL_ENDINGS = ("st", "nd", "rd", "th", "am", "pm", "h", "x", "k")
CHAT_LOCALES = frozenset({"hy", "fa", "ar"})


def romanize_armenian(word: str) -> str:
    """An Armenian-script word in the Latin letters a parent would type ("ավտոբուսը" -> "avtobusy")."""
    return word.replace("ու", "u").translate(_ARMENIAN_LATIN)


def letters_for_digits(word: str, locale: str | None) -> str:
    """A Latin word with its letter-digits spelt out ("7u2u2" -> "huu", "4em" -> "chem" in Armenian).

    A word of digits alone, or a number with an ending ("3rd", "2pm"), is left as it is.
    """
    if word.isdigit() or not any(ch.isdigit() for ch in word) or not word.isascii():
        return word
    if _is_numeral(word):
        return word
    table = _ARMENIAN_CHAT if locale == "hy" else _ARABIZI
    return "".join(table.get(ch, ch) for ch in word)


def _is_numeral(word: str) -> bool:
    digits = len(word) - len(word.lstrip("0123456789"))
    return digits > 0 and word[digits:] in _NUMERAL_ENDINGS


def chat_form(word: str, locale: str | None) -> str | None:
    """One spelling for a word typed in Latin letters for Armenian, Persian or Arabic (None: not such a word).

    Armenian-script words are spelt out first, so "ավտոբուսը", "avtobusy" and "avtobus@" all become
    "avtobus"; "khndir"/"xndir", "7u2u2"/"huquq"/"hoqooq", "nemitoonam"/"nemitunam" meet likewise.
    """
    if word and "\u0530" <= word[0] <= "\u058f":
        latin = romanize_armenian(word)
        armenian = True
    elif locale in CHAT_LOCALES and word.isascii() and any(ch.isalpha() for ch in word):
        latin = letters_for_digits(word, locale)
        armenian = locale == "hy"
    else:
        return None
    if not latin.isascii():
        return None
    for written, sound in _SOUNDS:
        latin = latin.replace(written, sound)
    latin = "".join(ch for i, ch in enumerate(latin) if i == 0 or ch != latin[i - 1])  # "sajjel", "errord"
    if armenian:
        # A word-initial ո, ե are said "vo", "ye"; the article ը ends a word as "y" (or "@", dropped).
        if latin.startswith(("vo", "ye")) and len(latin) > 3:
            latin = latin[1:]
        if latin.endswith("y") and len(latin) > 4:
            latin = latin[:-1]
    else:
        if len(latin) > 3 and latin.endswith("h") and latin[-2] in "aeiou":
            latin = latin[:-1]  # "madreseh", "madrasah": a final h after a vowel is not said
        if locale == "fa" and len(latin) > 4 and latin.endswith("e"):
            latin = latin[:-1]  # the ezafe: "nahare madrese" is the school's "nahar"; a silent final he
    return latin or None
