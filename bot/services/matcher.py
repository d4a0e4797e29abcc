"""Match a parent's free-text question to a quick answer with keywords and fuzzy matching.

The method is transparent on purpose: per-language keywords and phrases (locales/keywords.yaml
and the school's FAQ keywords), an exact phrase match first, then a typo-tolerant match.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.i18n.keywords import KeywordTable, normalize
from bot.services.school_data import SchoolData

FUZZY_THRESHOLD = 88
MIN_FUZZY_LENGTH = 5


@dataclass(frozen=True)
class TopicMatch:
    """The topic a question points to, the phrase that matched, and how sure the match is (0-100)."""

    topic: str
    phrase: str
    score: float


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
        question = normalize(text)
        if not question:
            return None
        best: TopicMatch | None = None
        for phrase, topic in self._candidates(school):
            score = _score(phrase, question)
            if score is None:
                continue
            candidate = TopicMatch(topic, phrase, score)
            if best is None or (candidate.score, len(phrase)) > (best.score, len(best.phrase)):
                best = candidate
        return best

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
    if f" {phrase} " in f" {question} ":
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
