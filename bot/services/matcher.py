"""Match a parent's free-text question to a quick answer with keywords and fuzzy matching.

The method is transparent on purpose: per-language keywords and phrases (locales/keywords.yaml
and the school's FAQ keywords), an exact phrase match first, then a typo-tolerant match.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.i18n.keywords import KeywordTable, is_unspaced, normalize
from bot.services.school_data import SchoolData

FUZZY_THRESHOLD = 88
MIN_FUZZY_LENGTH = 5
KEPT_INDEXES = 8  # schools' FAQ indexes kept per matcher (a district's schools served by one process)


@dataclass(frozen=True)
class TopicMatch:
    """The topic a question points to, the phrase that matched, and how sure the match is (0-100)."""

    topic: str
    phrase: str
    score: float
    weight: float = 0.0  # score plus small bonuses (several phrases, a longer phrase): orders the ranking


class _Index:
    """Every candidate phrase of one school, prepared once for fast matching."""

    def __init__(self, candidates: list[tuple[str, str]], *, fuzzy_words: int | None = None) -> None:
        self.fuzzy_words = fuzzy_words
        self.phrases = [phrase for phrase, _ in candidates]
        self.topics = [topic for _, topic in candidates]
        # A phrase can only stand in a question if its first word does: look phrases up by it.
        self.by_first_word: dict[str, list[tuple[int, str]]] = {}
        for i, p in enumerate(self.phrases):
            if p and not is_unspaced(p):
                self.by_first_word.setdefault(p.split()[0], []).append((i, f" {p} "))
        self.unspaced = [(i, p.replace(" ", "")) for i, p in enumerate(self.phrases) if p and is_unspaced(p)]
        fuzzy = [(i, p) for i, p in enumerate(self.phrases) if len(p) >= MIN_FUZZY_LENGTH]
        single = [(i, p) for i, p in fuzzy if " " not in p]
        self.single_ids, self.single = [i for i, _ in single], [p for _, p in single]
        multi = [(i, p) for i, p in fuzzy if " " in p]
        self.multi_ids, self.multi = [i for i, _ in multi], [p for _, p in multi]
        self.multi_lengths = [len(p) for p in self.multi]
        self.multi_bigrams = [_bigrams(p) for p in self.multi]
        # Which phrases hold each letter pair, to count a question's pairs in every phrase at once (numpy)
        # instead of intersecting ~2,000 sets in Python for every question.
        holders: dict[str, list[int]] = {}
        for k, own in enumerate(self.multi_bigrams):
            for pair in own:
                holders.setdefault(pair, []).append(k)
        self.pair_holders = {pair: np.array(ks, dtype=np.intp) for pair, ks in holders.items()}
        self.multi_pair_counts = np.array([len(own) for own in self.multi_bigrams], dtype=np.intp)

    def scores(self, question: str) -> dict[int, float]:
        """Candidate index -> score (100 for a phrase standing in the question, else fuzzy >= threshold)."""
        padded, compact = f" {question} ", question.replace(" ", "")
        words = set(question.split())
        found: dict[int, float] = {
            i: 100.0 for word in words for i, p in self.by_first_word.get(word, ()) if p in padded
        }
        found.update({i: 100.0 for i, p in self.unspaced if p in compact})
        if self.fuzzy_words is not None and len(words) > self.fuzzy_words:
            return found
        # One-word phrases: the best of their ratios against the question's words.
        for word in words:
            for _, score, k in process.extract(
                word, self.single, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
            ):
                i = self.single_ids[k]
                found[i] = max(found.get(i, 0.0), float(score))
        # Several-word phrases: partial_ratio looks for the shorter string inside the longer one, so a
        # question shorter than the phrase ("no", "a") would score 100 against any phrase containing it:
        # those phrases are compared whole.
        # A phrase scoring 88 or more keeps most of its letter pairs in the question; one keeping less
        # than 60% of them cannot (at most 12% of its letters differ, each breaking two pairs: about 76%
        # survive), so the costly comparison skips it.
        held = [self.pair_holders[p] for p in _bigrams(question) if p in self.pair_holders]
        if not held:
            return found
        shared = np.bincount(np.concatenate(held), minlength=len(self.multi))
        for k in map(int, np.flatnonzero(5 * shared >= 3 * self.multi_pair_counts)):
            scorer = fuzz.partial_ratio if self.multi_lengths[k] <= len(question) else fuzz.ratio
            score = scorer(self.multi[k], question, score_cutoff=FUZZY_THRESHOLD)
            if score:
                i = self.multi_ids[k]
                found[i] = max(found.get(i, 0.0), float(score))
        return found


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


class TopicMatcher:
    """Finds the quick-answer topic a question is about, in any language."""

    def __init__(self, keywords: KeywordTable, *, fuzzy_words: int | None = None) -> None:
        """`fuzzy_words`: texts longer than this many words skip the typo-tolerant pass (its cost grows
        with every word; the retrieval model's character n-grams cover typos in long texts)."""
        self.fuzzy_words = fuzzy_words
        self._index_cache: tuple[SchoolData, _Index] | None = None
        # Indexes by the school's FAQ phrases: a school loaded again with the same FAQ (another
        # process's reload, a test's fresh bot) reuses its index instead of building it again.
        self._by_faq: OrderedDict[tuple[tuple[str, str], ...], _Index] = OrderedDict()
        self._phrases: list[tuple[str, str]] = [
            (phrase, topic)
            for table in keywords.topics.values()
            for topic, phrases in table.items()
            for phrase in phrases
        ]

    def match(self, text: str, school: SchoolData) -> TopicMatch | None:
        """The best topic for the text, or None when nothing matches well enough."""
        ranked = self.rank(text, school)
        return ranked[0] if ranked else None

    def rank(self, text: str, school: SchoolData) -> list[TopicMatch]:
        """Every topic that matches, best first, each with its best phrase.

        A topic matched by several phrases ranks above one matched by a single phrase of the
        same score; a longer matching phrase ranks above a shorter one.
        """
        question = normalize(text)
        if not question:
            return []
        index = self._index(school)
        best: dict[str, TopicMatch] = {}
        hits: dict[str, int] = {}
        for i, score in sorted(index.scores(question).items()):
            phrase, topic = index.phrases[i], index.topics[i]
            hits[topic] = hits.get(topic, 0) + 1
            known = best.get(topic)
            if known is None or (score, len(phrase)) > (known.score, len(known.phrase)):
                best[topic] = TopicMatch(topic, phrase, score)
        ranked = [
            TopicMatch(
                m.topic,
                m.phrase,
                m.score,
                m.score + min(hits[m.topic] - 1, 3) * 2 + min(len(m.phrase), 20) / 10,
            )
            for m in best.values()
        ]
        return sorted(ranked, key=lambda m: (-m.weight, m.topic))

    def _index(self, school: SchoolData) -> _Index:
        cached = self._index_cache  # one school's data object is reused until it is reloaded
        if cached is not None and cached[0] is school:
            return cached[1]
        faq = tuple(
            (normalize(word), f"faq:{entry.id}")
            for entry in school.faq
            for words in entry.keywords.values()
            for word in words
        )
        index = self._by_faq.get(faq)
        if index is None:
            index = _Index([*faq, *self._phrases], fuzzy_words=self.fuzzy_words)
            self._by_faq[faq] = index
            while len(self._by_faq) > KEPT_INDEXES:
                self._by_faq.popitem(last=False)
        self._index_cache = (school, index)
        return index
