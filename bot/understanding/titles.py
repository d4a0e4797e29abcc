"""Which of a few titles a parent's text names ("RSVP yes for family night" -> "Family game night")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from bot.i18n.keywords import is_unspaced, normalize

MIN_WORD = 4  # shorter words ("de", "the", "del", "for") name nothing, except acronyms ("PTA")
WORD_SIMILARITY = 84  # a title word typed with a typo or inflected ("juego" for "juegos", "nigth")
UNSPACED_SIMILARITY = 80  # a Chinese or Japanese title found inside the text, with a character off
MIN_SHARE = 0.5  # of a title's weight the text must name, unless it names a word only that title has
LEAD = 1.5  # the best title wins alone when it scores this many times the next


def match_titles(text: str, titles: Mapping[str, Sequence[str]]) -> list[str]:
    """The keys of the titles the text names, best first: one when it is clear, several to ask, or none.

    `titles` maps a key to its titles (the parent's language first). A word shared by several titles
    ("meeting") counts for less, and alone it names none of them for sure.
    """
    norm = normalize(text)
    if not norm:
        return []
    words = {key: _title_words(names) for key, names in titles.items()}
    spread = Counter(word for found in words.values() for word in found)
    tokens = norm.split()
    scores: dict[str, float] = {}
    distinct: set[str] = set()
    for key, found in words.items():
        unspaced = [name for name in titles[key] if is_unspaced(name)]
        if any(fuzz.partial_ratio(normalize(name), norm) >= UNSPACED_SIMILARITY for name in unspaced):
            scores[key] = 1.0
            distinct.add(key)
            continue
        if not found:
            continue
        weight = {word: 1.0 / spread[word] for word in found}
        named = [word for word in found if _named(word, tokens)]
        share = sum(weight[word] for word in named) / sum(weight.values())
        if named:
            scores[key] = share
        if any(spread[word] == 1 for word in named) or (named and share == 1.0):
            distinct.add(key)
    strong = {key: scores[key] for key in distinct if scores[key] >= MIN_SHARE or len(distinct) == 1}
    if strong:
        ranked = sorted(strong, key=lambda key: -strong[key])
        if len(ranked) == 1 or strong[ranked[0]] >= LEAD * strong[ranked[1]]:
            return ranked[:1]
        return ranked
    return sorted(scores, key=lambda key: -scores[key])


def _title_words(names: Sequence[str]) -> set[str]:
    words: set[str] = set()
    for name in names:
        if not is_unspaced(name):
            acronyms = {normalize(w) for w in name.split() if len(w) >= 2 and w.isupper()}
            words.update(w for w in normalize(name).split() if len(w) >= MIN_WORD or w in acronyms)
    return words


def _named(word: str, tokens: Sequence[str]) -> bool:
    if word in tokens:
        return True
    if len(word) < MIN_WORD:
        return False
    return any(len(token) >= MIN_WORD and fuzz.ratio(word, token) >= WORD_SIMILARITY for token in tokens)
