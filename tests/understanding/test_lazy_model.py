"""The intent model is built on first use, once, and wiring a bot does not load scikit-learn."""

from __future__ import annotations

import subprocess
import sys
import threading

from bot.services.school_data import SchoolData
from bot.understanding.intent import Intent
from bot.understanding.lazy_model import LazyIntentModel


class CountingModel:
    """An intent model that counts how often it was built and answers every text the same."""

    built = 0

    def __init__(self) -> None:
        CountingModel.built += 1

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        return Intent("hours", 0.9)


def test_nothing_is_built_until_the_first_text_and_then_only_once() -> None:
    CountingModel.built = 0
    lazy = LazyIntentModel(CountingModel)
    assert CountingModel.built == 0
    school = SchoolData.__new__(SchoolData)
    results: list[Intent] = []
    threads = [
        threading.Thread(target=lambda: results.append(lazy.classify("hi", "en", school))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lazy.warm_up()
    assert CountingModel.built == 1
    assert {r.label for r in results} == {"hours"}


def test_wiring_a_bot_and_its_commands_does_not_import_scikit_learn() -> None:
    """One-shot commands (`outreach announce list`) start in about half the time without it."""
    loaded = "[m for m in ('sklearn', 'scipy') if m in sys.modules]"
    code = f"import sys, bot.app, bot.cli, bot.web; print({loaded})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
