"""An intent model built the first time it is needed, so commands that never read a text skip it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.services.school_data import SchoolData
from bot.understanding.intent import Intent, IntentModel


class LazyIntentModel:
    """Builds the wrapped model on the first `classify` (or at `warm_up`), once, in any thread.

    The retrieval model loads scikit-learn and fits its index: seconds that `outreach announce list`
    or `outreach contact forget` never need, and that `outreach serve` spends before it listens.
    """

    def __init__(self, build: Callable[[], IntentModel]) -> None:
        self._build = build
        self._model: IntentModel | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Build the model now rather than on the first parent's text."""
        self._get()

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The wrapped model's answer, building it first if this is the first text."""
        return self._get().classify(text, locale, school)

    def _get(self) -> IntentModel:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._build()
                model = self._model
        return model
