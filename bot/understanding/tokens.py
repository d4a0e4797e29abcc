"""Features of a normalized text for retrieval: words, stems, word pairs and character n-grams, per script."""

from __future__ import annotations

import itertools
from functools import lru_cache

import snowballstemmer

from bot.understanding.normalize import chat_form, normalize

# Snowball has these of the shipped languages (PyStemmer runs them in C when installed); Tagalog,
# Vietnamese, Korean and Chinese have none and are covered by character n-grams and examples.
STEMMERS = {
    "en": "english",
    "es": "spanish",
    "ru": "russian",
    "hy": "armenian",
    "ar": "arabic",
    "fa": "persian",
}
# Which stemmer a word gets by its script when the parent's language does not stem it.
_SCRIPT_STEMMER = {"latin": "en", "cyrillic": "ru", "armenian": "hy"}
_LOCALE_SCRIPT = {
    "en": "latin",
    "es": "latin",
    "ru": "cyrillic",
    "hy": "armenian",
    "ar": "arabic",
    "fa": "arabic",
}
# Character n-grams: three letters, two Hangul syllables (a syllable already holds two or three letters).
NGRAM = {"hangul": 2}
# Persian writes a verb's prefix and a plural ending with a half-space, a space or nothing at all
# ("می‌خوام", "می خوام", "میخوام"; "کلاس‌ها", "کلاسها"): the spaced forms also count joined.
_PERSIAN_PREFIXES = frozenset({"می", "نمی"})
_PERSIAN_ENDINGS = frozenset({"ها", "های", "هایی"})


def script(ch: str) -> str:
    """A coarse script name for one character: cjk, hangul, arabic, cyrillic, armenian, latin or other."""
    code = ord(ch)
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x3040 <= code <= 0x30FF:
        return "cjk"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0530 <= code <= 0x058F:
        return "armenian"
    if ch.isascii() or 0x00C0 <= code <= 0x024F or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return "other"


@lru_cache(maxsize=16)
def _stemmer(locale: str) -> snowballstemmer.Stemmer | None:
    name = STEMMERS.get(locale)
    return snowballstemmer.stemmer(name) if name else None


def _stem(word: str, locale: str | None) -> str | None:
    # The parent's language's stemmer for words in its script, else the usual stemmer of the script
    # (English for Latin words in a Tagalog or Vietnamese text: parents borrow school words).
    kind = script(word[0])
    code = (
        locale
        if locale in STEMMERS and _LOCALE_SCRIPT.get(locale or "") == kind
        else _SCRIPT_STEMMER.get(kind)
    )
    stemmer = _stemmer(code) if code else None
    return stemmer.stemWord(word) if stemmer else None


def _runs(word: str) -> list[str]:
    # A "word" of an unspaced script is a run of characters: split where the script changes.
    if word.isascii():
        return [word]
    runs: list[str] = []
    start = 0
    for i in range(1, len(word) + 1):
        if i == len(word) or (script(word[i]) == "cjk") != (script(word[start]) == "cjk"):
            runs.append(word[start:i])
            start = i
    return runs


def features(text: str, locale: str | None) -> list[str]:
    """A text's distinct features by kind: w word, v accented word, s stem, b word pair, c n-gram
    (c:= and c:~ a romanized word's one spelling and its n-grams)."""
    norm = normalize(text)
    out: set[str] = set()
    words: list[str] = []
    for word in norm.bare.split():
        for run in _runs(word):
            if script(run[0]) == "cjk":
                out.update(f"c:{ch}" for ch in run)
                out.update(f"c:{run[i : i + 2]}" for i in range(len(run) - 1))
                words.append(run)
                continue
            words.append(run)
            out.add(f"w:{run}")
            stem = _stem(run, locale) if not run.isdigit() else None
            if stem and stem != run:
                out.add(f"s:{stem}")
            padded, n = f" {run} ", NGRAM.get(script(run[0]), 3)
            out.update(f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
            _add_chat_form(out, run, locale)
    out.update(f"b:{a}_{b}" for a, b in itertools.pairwise(words))
    out.update(f"w:{a}{b}" for a, b in itertools.pairwise(words) if _joins(a, b))
    if norm.full != norm.bare:
        out.update(f"v:{w}" for w in norm.full.split() if script(w[0]) == "latin" and not w.isascii())
    return sorted(out)


def _add_chat_form(out: set[str], word: str, locale: str | None) -> None:
    # The word as parents romanize it (c:= the word, c:~ its trigrams), apart from the other features so
    # a romanized Armenian, Persian or Arabic word meets its examples but not an English word's pieces.
    # Both count with the character view: a spelling folded this far is a hint, not a word the parent wrote.
    form = chat_form(word, locale)
    if form is None:
        return
    out.add(f"c:={form}")
    padded = f" {form} "
    out.update(f"c:~{padded[i : i + 3]}" for i in range(len(padded) - 2))


def _joins(first: str, second: str) -> bool:
    """True for a Persian prefix or plural ending written apart from its word."""
    return first in _PERSIAN_PREFIXES or second in _PERSIAN_ENDINGS
