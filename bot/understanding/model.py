"""The retrieval intent model: the nearest examples per label, a calibrated confidence, slots."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from bot.services.school_data import SchoolData
from bot.understanding.examples import ExampleSet
from bot.understanding.index import Featurizer, Index, Row
from bot.understanding.intent import Intent
from bot.understanding.labels import FAQ_PREFIX, LANGUAGE_SWITCH, NONE, slots
from bot.understanding.languages import LanguageNames
from bot.understanding.tokens import features

# Examples in the parent's own language count fully, English ones (parents borrow school English) a little
# less, the other languages' less again (Spanish and Tagalog share words with different meanings).
LOCALE_WEIGHT = {"own": 1.0, "en": 0.95, "other": 0.85}
# Confidence is a logistic of the best label's similarity plus a share of its lead over the runner-up; the
# bot answers at CONFIDENT and above, offers "did you mean" from SUGGEST, and says it does not know below.
# BOUNDARY and LEAD_WEIGHT are the line that kept confident wrong answers at or under 1% on the tuning
# tables (bench/understanding.py); SLOPE only spreads the scores around it.
CONFIDENT = 0.5
SUGGEST = 0.2
BOUNDARY, LEAD_WEIGHT, SLOPE = 0.70, 0.25, 12.0
ALTERNATIVES = 3
# A label's score is its best example's similarity plus a share of its second best's, among the NEAREST:
# two examples agreeing make a surer answer than one.
SECOND_SHARE = 0.5
# Texts of one meaning look less alike in some scripts (Korean syllable pairs, Arabic and Russian endings)
# than in others: each locale's similarities are scaled by how alike its own examples of one label are
# (leave-one-out, from the examples alone), so one threshold fits every language.
SPREAD_LIMITS = (1.0, 2.0)
NEAREST = 15


def confidence(best: float, lead: float) -> float:
    """How sure the model is of a label with similarity `best` leading the runner-up by `lead` (0-1)."""
    return 1.0 / (1.0 + math.exp(-SLOPE * (best + LEAD_WEIGHT * lead - BOUNDARY)))


class RetrievalModel:
    """Classifies a parent's text by its most similar examples (words, stems, character n-grams)."""

    def __init__(self, examples: ExampleSet, featurize: Featurizer = features) -> None:
        rows = [Row(e.text, e.label, e.locale) for e in examples.examples]
        self.index = Index(rows, featurize)
        self.names = LanguageNames(examples.language_names)
        self.spread = _spread(self.index)
        self._weights: dict[tuple[int, str | None], np.ndarray] = {}
        self._schools: dict[tuple[object, ...], Index] = {}

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The most likely intent of `text` (label "none" when nothing fits)."""
        index = self._for_school(school)
        scores, _ = index.query(text, locale)
        if not scores.any():
            return Intent(NONE, 0.0)
        scores = scores * self._locale_weights(index, locale) * self.spread.get(locale or "", 1.0)
        ranked = _rank(index, scores)[: ALTERNATIVES + 1]
        ranked += [(NONE, 0.0)] * (2 - len(ranked))
        (label, best), (_, second) = ranked[0], ranked[1]
        sure = confidence(best, best - second)
        others = tuple(
            (self._resolve(other, text, locale), round(confidence(score, 0.0) * sure / max(sure, 1e-9), 3))
            for other, score in ranked[1:]
            if other != NONE and score > 0
        )
        label = self._resolve(label, text, locale)
        return Intent(label, sure, slots(label), others)

    def _resolve(self, label: str, text: str, locale: str | None) -> str:
        if label != LANGUAGE_SWITCH:
            return label
        code = self.names.find(text, locale)
        return f"language:{code}" if code else "language"

    def _locale_weights(self, index: Index, locale: str | None) -> np.ndarray:
        key = (id(index), locale)
        found = self._weights.get(key)
        if found is None:
            own, en, other = LOCALE_WEIGHT["own"], LOCALE_WEIGHT["en"], LOCALE_WEIGHT["other"]
            if locale is None:
                found = np.ones(len(index.rows))
            else:
                found = np.where(index.locales == locale, own, np.where(index.locales == "en", en, other))
            self._weights[key] = found
        return found

    def _for_school(self, school: SchoolData) -> Index:
        key = (school.slug, *((e.id, *((k, *v) for k, v in sorted(e.keywords.items()))) for e in school.faq))
        found = self._schools.get(key)
        if found is None:
            ids = {f"{FAQ_PREFIX}{e.id}" for e in school.faq}
            extra = list(_faq_rows(school))
            found = self.index.with_rows(
                extra, lambda r: r.label.startswith(FAQ_PREFIX) and r.label not in ids
            )
            self._schools[key] = found
        return found


def _faq_rows(school: SchoolData) -> Iterable[Row]:
    # The school's own words for its questions, and the question's title, are examples of that answer.
    for entry in school.faq:
        for locale, title in entry.question.items():
            yield Row(str(title), f"{FAQ_PREFIX}{entry.id}", locale)
        for locale, words in entry.keywords.items():
            for word in words:
                yield Row(str(word), f"{FAQ_PREFIX}{entry.id}", locale)


def _rank(index: Index, scores: np.ndarray) -> list[tuple[str, float]]:
    nearest = np.argpartition(-scores, NEAREST)[:NEAREST] if len(scores) > NEAREST else np.arange(len(scores))
    found: dict[str, float] = {}
    seen: dict[str, int] = {}
    for i in nearest[np.argsort(-scores[nearest])]:
        label, score = index.rows[i].label, float(scores[i])
        count = seen.get(label, 0)
        if count < 2 and score > 0:
            found[label] = found.get(label, 0.0) + (score if count == 0 else SECOND_SHARE * score)
        seen[label] = count + 1
    return sorted(found.items(), key=lambda item: -item[1])


def _spread(index: Index) -> dict[str, float]:
    """Per locale: the typical similarity of all examples over that of its own, nearest same-label ones."""
    similar = (index.matrix.T.tocsr() @ index.matrix).toarray()
    np.fill_diagonal(similar, 0.0)
    labels = np.array([r.label for r in index.rows])
    nearest_same = np.where(labels[:, None] == labels[None, :], similar, 0.0).max(axis=1)
    typical = {str(loc): float(np.median(nearest_same[index.locales == loc])) for loc in set(index.locales)}
    overall = float(np.median(list(typical.values())))
    low, high = SPREAD_LIMITS
    return {loc: min(high, max(low, overall / value)) if value > 0 else 1.0 for loc, value in typical.items()}
