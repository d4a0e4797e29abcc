"""The calibrator: fitted the same way every time, and sure only where the signals say so."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.understanding.calibrate import SIGNALS, fit
from bot.understanding.examples import load_examples
from bot.understanding.model import RetrievalModel
from tests.understanding.conftest import LOCALES_DIR


def test_fitting_twice_gives_the_same_calibrator(model: RetrievalModel) -> None:
    again = RetrievalModel(load_examples(Path(LOCALES_DIR)))
    assert np.array_equal(again.calibrator.coef, model.calibrator.coef)
    assert again.calibrator.intercept == model.calibrator.intercept
    assert len(model.calibrator.coef) == len(SIGNALS)


def test_a_clear_lead_is_surer_than_a_tie() -> None:
    rng = np.random.default_rng(0)
    lead = rng.uniform(0, 1, size=(200, len(SIGNALS)))
    right = lead[:, 1] > 0.5  # only the lead tells right from wrong here
    calibrator = fit(list(lead), list(right))
    sure, unsure = lead[0].copy(), lead[0].copy()
    sure[1], unsure[1] = 0.9, 0.1
    assert calibrator.probability(sure) > 0.5 > calibrator.probability(unsure)
