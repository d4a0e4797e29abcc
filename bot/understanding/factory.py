"""Build the intent model from the locales folder, once per process and folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.understanding.examples import load_examples
from bot.understanding.model import RetrievalModel


def build_intent_model(locales_dir: Path) -> RetrievalModel:
    """The retrieval model trained on `<locales_dir>/<locale>/examples.yaml` (cached per resolved folder)."""
    return _build(Path(locales_dir).resolve())


@lru_cache(maxsize=4)
def _build(locales_dir: Path) -> RetrievalModel:
    return RetrievalModel(load_examples(locales_dir))
