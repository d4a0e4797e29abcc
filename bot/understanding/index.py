"""A TF-IDF index of example texts (scikit-learn fits it), scored by cosine similarity per label."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

Featurizer = Callable[[str, str | None], list[str]]
# How much each kind of feature counts (prefix of tokens.features): whole words and stems say more than
# a shared three-letter piece, which is there for typos and word forms no stemmer knows.
GROUP_WEIGHTS = {"w": 1.0, "s": 0.8, "b": 0.5, "v": 0.6, "c": 0.7}


@dataclass(frozen=True)
class Row:
    """One indexed text: its label and language."""

    text: str
    label: str
    locale: str


@dataclass(frozen=True)
class View:
    """A text's similarity to every row, by the words and by the character n-grams they share."""

    words: np.ndarray
    chars: np.ndarray
    size: int  # how many features the text has
    unseen: float  # the share of its weight (squared) on features no example has


class Index:
    """Example rows as L2-normalized TF-IDF vectors, grouped by label for per-label best scores."""

    def __init__(self, rows: Sequence[Row], featurize: Featurizer, groups: dict[str, float] | None = None):
        order = sorted(range(len(rows)), key=lambda i: rows[i].label)
        self.rows = [rows[i] for i in order]
        self.featurize = featurize
        self.vectorizer = TfidfVectorizer(analyzer=_identity, binary=True, sublinear_tf=False, norm=None)
        docs = [featurize(r.text, r.locale) for r in self.rows]
        matrix = self.vectorizer.fit_transform(docs)
        self.vocabulary: dict[str, int] = self.vectorizer.vocabulary_
        weights = groups or GROUP_WEIGHTS
        names = self.vectorizer.get_feature_names_out()
        self.scale = self.vectorizer.idf_ * np.array([weights.get(str(n)[0], 1.0) for n in names])
        self.matrix = self._finish(matrix)
        self.chars = np.array([str(n)[0] == "c" for n in names])
        self.unseen_idf = float(np.log(1 + len(self.rows)) + 1)
        self._set_labels()

    def _finish(self, matrix: sparse.spmatrix) -> sparse.csr_matrix:
        # Features as columns weighted by idf and kind, each row of unit length; rows are read per column.
        weighted = sparse.csr_matrix(matrix) @ sparse.diags(self.scale / self.vectorizer.idf_)
        return sparse.csr_matrix(l2_normalize(weighted).T)

    def _set_labels(self) -> None:
        labels = [r.label for r in self.rows]
        self.labels = list(dict.fromkeys(labels))
        self.starts = np.array([labels.index(label) for label in self.labels], dtype=np.intp)
        self.locales = np.array([r.locale for r in self.rows])
        self.row_labels = np.array(labels)

    def with_rows(self, extra: Sequence[Row], drop: Callable[[Row], bool]) -> Index:
        """A copy without the rows `drop` refuses, plus `extra` rows in this index's vocabulary."""
        clone = object.__new__(Index)
        kept = [i for i, r in enumerate(self.rows) if not drop(r)]
        rows = [self.rows[i] for i in kept] + list(extra)
        columns = self.matrix[:, kept].T.tocsr()
        if extra:
            added = self.vectorizer.transform([self.featurize(r.text, r.locale) for r in extra])
            added_rows = l2_normalize(
                sparse.csr_matrix(added) @ sparse.diags(self.scale / self.vectorizer.idf_)
            )
            columns = sparse.vstack([columns, added_rows]).tocsr()
        order = sorted(range(len(rows)), key=lambda i: rows[i].label)
        clone.rows = [rows[i] for i in order]
        clone.featurize, clone.vectorizer, clone.vocabulary = self.featurize, self.vectorizer, self.vocabulary
        clone.scale, clone.unseen_idf, clone.chars = self.scale, self.unseen_idf, self.chars
        clone.matrix = sparse.csr_matrix(columns[order].T)
        clone._set_labels()
        return clone

    def query(self, text: str, locale: str | None) -> tuple[np.ndarray, np.ndarray]:
        """(cosine similarity of every row, in row order; the row ids of the features that matched)."""
        ids: list[int] = []
        unseen = 0.0  # features no example has still make the text longer: they lower every similarity
        for f in self.featurize(text, locale):
            i = self.vocabulary.get(f)
            if i is None:
                unseen += (self.unseen_idf * GROUP_WEIGHTS.get(f[0], 1.0)) ** 2
            else:
                ids.append(i)
        cols = np.array(ids, dtype=np.intp)
        if not ids:
            return np.zeros(len(self.rows)), cols
        weights = self.scale[cols]
        weights = weights / np.sqrt(weights @ weights + unseen)
        return np.asarray(weights @ self.matrix[cols]).ravel(), cols

    def query_views(self, text: str, locale: str | None) -> View:
        """The cosine similarity of every row split in its word part and its character n-gram part."""
        ids: list[int] = []
        unseen = 0.0
        features = self.featurize(text, locale)
        for f in features:
            i = self.vocabulary.get(f)
            if i is None:
                unseen += (self.unseen_idf * GROUP_WEIGHTS.get(f[0], 1.0)) ** 2
            else:
                ids.append(i)
        if not ids:
            empty = np.zeros(len(self.rows))
            return View(empty, empty, len(features), 1.0)
        cols = np.array(ids, dtype=np.intp)
        weights = self.scale[cols]
        total = weights @ weights + unseen
        weights = weights / np.sqrt(total)
        # The matched features' rows of the CSR matrix, gathered and summed per example with bincount:
        # the same sums as `weights @ matrix[cols]`, without building a sparse matrix for every text.
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        starts, lengths = indptr[cols], indptr[cols + 1] - indptr[cols]
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        rows, values = indices[offsets], data[offsets] * np.repeat(weights, lengths)
        chars = np.repeat(self.chars[cols], lengths)
        size = len(self.rows)
        word_part = np.bincount(rows[~chars], values[~chars], minlength=size)
        char_part = np.bincount(rows[chars], values[chars], minlength=size)
        return View(word_part, char_part, len(features), unseen / total)

    def best_per_label(self, scores: np.ndarray) -> np.ndarray:
        """The best row score of each label, in `labels` order."""
        return np.maximum.reduceat(scores, self.starts) if len(scores) else np.zeros(0)


def _identity(features: list[str]) -> list[str]:
    return features
