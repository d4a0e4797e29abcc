"""The confidence of an intent: a logistic regression over how the retrieval scores look.

The retrieval model ranks labels well, but one similarity threshold is a poor judge of when the best
label is right: two examples agreeing, the word and character views agreeing, a long text matching
little, all say more than the score alone. The calibrator learns P(best label is right) from those
signals, fitted at build time on the examples themselves (each example asked against all the others),
so it needs no evaluation table and is the same in every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

SIGNALS = (
    "best",  # the best label's score (its nearest example plus half the second nearest)
    "lead",  # its lead over the runner-up label
    "nearest",  # the similarity of its nearest example alone
    "words_agree",  # the word view (words, stems, pairs) ranks the same label first
    "chars_agree",  # the character n-gram view ranks the same label first
    "word_share",  # the share of the nearest example's similarity that comes from words
    "length",  # log of the number of the text's features
    "unseen",  # the share of the text's weight that no example has
    "own_locale",  # the nearest example is in the parent's language
)
REGULARIZATION = 1.0


@dataclass(frozen=True)
class Calibrator:
    """A fitted logistic regression over SIGNALS (standardized), kept as plain numbers."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, signals: np.ndarray) -> float:
        """P(the best label is right) for one text's signals."""
        z = float((signals - self.mean) / self.scale @ self.coef) + self.intercept
        return float(1.0 / (1.0 + np.exp(-z)))


def fit(signals: Sequence[np.ndarray], right: Sequence[bool]) -> Calibrator:
    """A calibrator fitted on signals and whether the best label was right (deterministic)."""
    x = np.vstack(signals)
    y = np.asarray(right, dtype=int)
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    regression = LogisticRegression(C=REGULARIZATION, max_iter=1000, solver="lbfgs")
    regression.fit((x - mean) / scale, y)
    return Calibrator(mean, scale, regression.coef_[0].copy(), float(regression.intercept_[0]))
