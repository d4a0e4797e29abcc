"""Match a parent's free-text question to a quick answer with keywords and fuzzy matching.

The method is transparent on purpose: per-language keywords and phrases (locales/keywords.yaml
and the school's FAQ keywords), an exact phrase match first, then a typo-tolerant match.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.i18n.keywords import KeywordTable, contains_phrase, normalize
from bot.services.school_data import SchoolData

FUZZY_THRESHOLD = 88
MIN_FUZZY_LENGTH = 5


@dataclass(frozen=True)
class TopicMatch:
    """The topic a question points to, the phrase that matched, and how sure the match is (0-100)."""

    topic: str
    phrase: str
    score: float
    weight: float = 0.0  # score plus small bonuses (several phrases, a longer phrase): orders the ranking


class TopicMatcher:
    """Finds the quick-answer topic a question is about, in any language."""

    def __init__(self, keywords: KeywordTable) -> None:
        self._faq_cache: tuple[SchoolData, list[tuple[str, str]]] | None = None
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
        best: dict[str, TopicMatch] = {}
        hits: dict[str, int] = {}
        for phrase, topic in self._candidates(school):
            score = _score(phrase, question)
            if score is None:
                continue
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

    def _candidates(self, school: SchoolData) -> list[tuple[str, str]]:
        cached = self._faq_cache  # one school's data object is reused until it is reloaded
        if cached is not None and cached[0] is school:
            return cached[1]
        faq = [
            (normalize(word), f"faq:{entry.id}")
            for entry in school.faq
            for words in entry.keywords.values()
            for word in words
        ]
        candidates = [*faq, *self._phrases]
        self._faq_cache = (school, candidates)
        return candidates


def _score(phrase: str, question: str) -> float | None:
    if not phrase:
        return None
    if contains_phrase(question, phrase):
        return 100.0
    if len(phrase) < MIN_FUZZY_LENGTH:
        return None
    if " " in phrase:
        # partial_ratio looks for the shorter string inside the longer one: a question shorter than
        # the phrase ("no", "a") would score 100 against any phrase containing it, so compare whole.
        scorer = fuzz.partial_ratio if len(question) >= len(phrase) else fuzz.ratio
        score = scorer(phrase, question)
    else:
        score = max((fuzz.ratio(phrase, word) for word in question.split()), default=0.0)
    return score if score >= FUZZY_THRESHOLD else None
