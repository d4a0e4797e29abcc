"""Each locale's examples file gives examples for every label, and the tables stay apart from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.services.school_data import SchoolData, faq_example_gaps, load_school_file
from bot.understanding.examples import load_examples
from bot.understanding.labels import EXAMPLE_LABELS
from bot.understanding.normalize import normalize
from tests.understanding.conftest import LOCALES_DIR, ROOT

LOCALES = ["en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar"]
EXAMPLES = load_examples(LOCALES_DIR)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_label_has_examples(locale: str) -> None:
    labels = {e.label for e in EXAMPLES.examples if e.locale == locale}
    assert set(EXAMPLE_LABELS) - labels == set()
    assert labels - set(EXAMPLE_LABELS) == set()  # a school's FAQ examples live in its school file


def test_the_demo_school_has_faq_examples_in_every_language(school: SchoolData) -> None:
    assert faq_example_gaps(school, LOCALES) == []
    assert all(len(entry.examples[locale]) >= 5 for entry in school.faq for locale in LOCALES)


def test_a_language_without_faq_examples_is_flagged(school: SchoolData) -> None:
    faq = [school.faq[0].model_copy(update={"examples": {"en": ["is lunch free"], "ko": [" "]}})]
    gaps = faq_example_gaps(school.model_copy(update={"faq": faq}), ["en", "ko", "hy"])
    assert gaps == [f"faq.0 ({school.faq[0].id}): no example questions in ko, hy"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_language_is_named(locale: str) -> None:
    assert set(EXAMPLES.language_names[locale]) == set(LOCALES)


def test_tuning_rows_are_not_copied_into_the_examples() -> None:
    examples = {normalize(e.text).bare for e in EXAMPLES.examples} | {
        normalize(text).bare
        for entry in load_school_file(ROOT / "schools" / "demo.yaml").faq
        for texts in entry.examples.values()
        for text in texts
    }
    copied = [
        row["text"]
        for path in sorted((ROOT / "bench" / "understanding_data" / "tuning").glob("*.yaml"))
        for row in yaml.safe_load(path.read_text(encoding="utf-8"))["rows"]
        if normalize(row["text"]).bare in examples
    ]
    assert copied == [], "\n".join(copied)


def test_a_wrong_locale_in_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "examples.yaml").write_text("locale: en\nlanguage_names: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected 'es'"):
        load_examples(tmp_path)
