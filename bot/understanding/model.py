"""The retrieval intent model: the nearest examples per label, a calibrated confidence, slots."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import numpy as np
from scipy import sparse

from bot.services.school_data import FaqEntry, SchoolData
from bot.understanding.calibrate import fit
from bot.understanding.examples import ExampleSet
from bot.understanding.index import Featurizer, Index, Row
from bot.understanding.intent import Intent
from bot.understanding.labels import FAQ_PREFIX, LANGUAGE_SWITCH, NONE, compatible, slots
from bot.understanding.languages import LanguageNames
from bot.understanding.tokens import features

# Examples in the parent's own language count fully, English ones (parents borrow school English) a little
# less, the other languages' less again (Spanish and Tagalog share words with different meanings).
LOCALE_WEIGHT = {"own": 1.0, "en": 0.95, "other": 0.85}
# Confidence is P(the best label is right) from the calibrator (bot/understanding/calibrate.py); the step
# answers at its THRESHOLD and offers "did you mean" from SUGGEST (bot/understanding/step.py).
ALTERNATIVES = 3
# A label's score is its best example's similarity plus a share of its second best's, among the NEAREST:
# two examples agreeing make a surer answer than one.
SECOND_SHARE = 0.5
# Texts of one meaning look less alike in some scripts (Korean syllable pairs, Arabic and Russian endings)
# than in others: each locale's similarities are scaled by how alike its own examples of one label are
# (leave-one-out, from the examples alone), so one threshold fits every language.
SPREAD_LIMITS = (1.0, 2.0)
NEAREST = 15
# Below this score nothing is alike: the calibrator, fitted on examples that all resemble something, would
# still give such a text a middling confidence.
MIN_SCORE = 0.15
SCHOOL_OBJECTS = 8  # school data objects remembered by identity (one per school a process serves)


class RetrievalModel:
    """Classifies a parent's text by its most similar examples (words, stems, character n-grams)."""

    def __init__(self, examples: ExampleSet, featurize: Featurizer = features) -> None:
        rows = [Row(e.text, e.label, e.locale) for e in examples.examples]
        self.index = Index(rows, featurize)
        self.names = LanguageNames(examples.language_names)
        self.spread = _spread(self.index)
        self.calibrator = fit(*zip(*_held_out_signals(self.index, self.spread), strict=True))
        self._weights: dict[tuple[int, str | None], np.ndarray] = {}
        # slug -> (the school's knowledge, its index): only the latest version of each school is kept.
        self._schools: dict[str, tuple[tuple[object, ...], Index]] = {}
        self._objects: dict[int, tuple[SchoolData, Index]] = {}  # school object (kept alive) -> its index

    def explain(
        self, text: str, locale: str | None, school: SchoolData
    ) -> tuple[list[tuple[str, float]], np.ndarray] | None:
        """The labels ranked by score and the calibrator's signals; None when nothing matches."""
        index = self._for_school(school)
        view = index.query_views(text, locale)
        scale = self._locale_weights(index, locale) * self.spread.get(locale or "", 1.0)
        return _score(index, view.words * scale, view.chars * scale, view.size, view.unseen, locale)

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The most likely intent of `text` (label "none" when nothing fits)."""
        scored = self.explain(text, locale, school)
        if scored is None:
            return Intent(NONE, 0.0)
        ranked, signals = scored
        if ranked[0][1] < MIN_SCORE:
            return Intent(NONE, 0.0)  # "blue elephant": a word or two in common with anything is no answer
        sure = self.calibrator.probability(signals)
        best = ranked[0][1]
        # The runners-up for a "did you mean", and "none" among them when a "none" example is that close
        # (the ensemble's agreement must lead it too: "el camión de la basura no pasó" is a bus word).
        others = tuple(
            (self._resolve(other, text, locale), round(sure * score / best, 3))
            for other, score in ranked[1 : ALTERNATIVES + 1]
        )
        label = self._resolve(ranked[0][0], text, locale)
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
            found = _weights(index.locales, locale)
            self._weights[key] = found
        return found

    def _for_school(self, school: SchoolData) -> Index:
        seen = self._objects.get(id(school))
        if seen is not None and seen[0] is school:
            return seen[1]  # the same school object as the last text: no need to read its FAQ again
        key = (*(_faq_key(e) for e in school.faq), *_taught_key(school))
        cached = self._schools.get(school.slug)
        if cached is not None and cached[0] == key:
            found = cached[1]
        else:
            # The school's questions (and what staff taught) are indexed with the examples, refitted
            # together (about a second, once per school and version): a word only the school's examples
            # use ("uniforme", "교복") needs its own column in the vocabulary.
            ids = {f"{FAQ_PREFIX}{e.id}" for e in school.faq}
            kept = [r for r in self.index.rows if not r.label.startswith(FAQ_PREFIX) or r.label in ids]
            found = Index([*kept, *_faq_rows(school)], self.index.featurize)
            self._schools[school.slug] = (key, found)
        if len(self._objects) >= SCHOOL_OBJECTS:
            self._objects.clear()
        self._objects[id(school)] = (school, found)
        return found


def _weights(locales: np.ndarray, locale: str | None) -> np.ndarray:
    """How much each example counts for a parent writing in `locale` (own language, English, others)."""
    if locale is None:
        return np.ones(len(locales))
    own, en, other = LOCALE_WEIGHT["own"], LOCALE_WEIGHT["en"], LOCALE_WEIGHT["other"]
    return np.where(locales == locale, own, np.where(locales == "en", en, other))


def _faq_key(entry: FaqEntry) -> tuple[object, ...]:
    texts = (entry.question, entry.keywords, entry.examples)
    return (entry.id, *(tuple((k, str(v)) for k, v in sorted(t.items())) for t in texts))


def _taught_key(school: SchoolData) -> tuple[object, ...]:
    return tuple(
        (label, *((k, *v) for k, v in sorted(by.items())))
        for label, by in sorted(school.taught_examples.items())
    )


def _faq_rows(school: SchoolData) -> Iterable[Row]:
    # The school's example questions, its keywords and the question's title are examples of that answer.
    for entry in school.faq:
        label = f"{FAQ_PREFIX}{entry.id}"
        for locale, title in entry.question.items():
            yield Row(str(title), label, locale)
        for listed in (entry.keywords, entry.examples):
            for locale, texts in listed.items():
                yield from (Row(str(text), label, locale) for text in texts if str(text).strip())
    # Questions staff taught from Slack are examples of the answer they chose, in the question's language.
    for taught, by_locale in school.taught_examples.items():
        for locale, texts in by_locale.items():
            yield from (Row(str(text), taught, locale) for text in texts)


def _score(
    index: Index, words: np.ndarray, chars: np.ndarray, size: int, unseen: float, locale: str | None
) -> tuple[list[tuple[str, float]], np.ndarray] | None:
    """The labels ranked by score, and the calibrator's signals about the best one (None: no match)."""
    combined = words + chars
    ranked = _rank(index, combined)
    if not ranked:
        return None
    label, best = ranked[0]
    # The lead is over the best label that would do something else: "concern" right behind
    # "concern:transportation" starts the same flow, so it is no rival.
    second = next((score for other, score in ranked[1:] if not compatible(label, other)), 0.0)
    rows = np.flatnonzero(index.row_labels == label)
    row = int(rows[np.argmax(combined[rows])])
    by_words, by_chars = _rank(index, words)[:1], _rank(index, chars)[:1]
    signals = np.array(
        [
            best,
            best - second,
            combined[row],
            float(bool(by_words) and by_words[0][0] == label),
            float(bool(by_chars) and by_chars[0][0] == label),
            words[row] / combined[row] if combined[row] > 0 else 0.0,
            math.log1p(size),
            unseen,
            float(index.locales[row] == locale),
        ]
    )
    return ranked, signals


def _held_out_signals(index: Index, spread: dict[str, float]) -> Iterator[tuple[np.ndarray, bool]]:
    """Each example asked against all the others: its signals, and whether the best label was its own."""
    matrix = index.matrix
    chars = sparse.diags(index.chars.astype(float))
    words = sparse.diags((~index.chars).astype(float))
    once = np.asarray((matrix > 0).sum(axis=1)).ravel() == 1  # features only one example has
    sizes = np.asarray((matrix > 0).sum(axis=0)).ravel()
    alone = np.asarray(matrix.T.power(2) @ once.astype(float)).ravel()
    word_sim = (matrix.T @ words @ matrix).tocsc()
    char_sim = (matrix.T @ chars @ matrix).tocsc()
    for i, row in enumerate(index.rows):
        scale = _weights(index.locales, row.locale) * spread.get(row.locale, 1.0)
        w = word_sim[:, i].toarray().ravel() * scale
        c = char_sim[:, i].toarray().ravel() * scale
        w[i] = c[i] = 0.0
        scored = _score(index, w, c, int(sizes[i]), float(alone[i]), row.locale)
        if scored is not None and scored[0][0][0] != NONE:
            yield scored[1], scored[0][0][0] == row.label


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
