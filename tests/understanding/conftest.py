"""One intent model and the demo school, shared by the understanding tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.school_data import SchoolData, load_school_file
from bot.understanding.factory import build_intent_model
from bot.understanding.model import RetrievalModel

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"


@pytest.fixture(scope="session")
def model() -> RetrievalModel:
    """The model built from the shipped examples (built once per process)."""
    return build_intent_model(LOCALES_DIR)


@pytest.fixture(scope="session")
def school() -> SchoolData:
    """The demo school, whose FAQ adds lunch, start-time and absence."""
    return load_school_file(ROOT / "schools" / "demo.yaml")
