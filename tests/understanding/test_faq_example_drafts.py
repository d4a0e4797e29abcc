"""FAQ example questions in a language that has none are machine-drafted, teach the bot, and get reviewed."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content import demo_school_file
from bot.services.school_data import faq_example_gaps, load_school_file
from bot.services.school_review import confirm, fill_example_drafts, pending
from bot.services.translation import MachineTranslation
from bot.understanding.model import RetrievalModel

UNIFORM = {
    "id": "uniform",
    "question": {"en": "School uniforms", "es": "Uniformes escolares"},
    "answer": {
        "en": "White polo and navy pants, from the parent center.",
        "es": "Polo blanco y pantalón azul.",
    },
    "examples": {"en": ["where do I buy the school uniform", "what uniform does my child wear"]},
}
KOREAN = {
    "where do I buy the school uniform": "교복은 어디서 사요",
    "what uniform does my child wear": "우리 아이는 어떤 교복을 입어요",
}


class PhrasebookTranslator:
    """A translator that knows a few Korean sentences and marks everything else as untranslated."""

    name = "phrasebook"

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        words = KOREAN.get(text, f"[{target}] {text}") if target == "ko" else f"[{target}] {text}"
        return MachineTranslation(words, source or "en", target, self.name)


def school_with_uniform(tmp_path: Path, *, drafted: bool) -> tuple[Path, dict]:
    data = yaml.safe_load(demo_school_file().read_text(encoding="utf-8"))
    data["faq"].append(dict(UNIFORM, examples=dict(UNIFORM["examples"])))
    if drafted:
        fill_example_drafts(data, ["ko"], PhrasebookTranslator(), "en")
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path, data


def test_a_language_without_examples_gets_drafts_and_nothing_else_is_touched(tmp_path: Path) -> None:
    data = {"faq": [dict(UNIFORM, examples={"en": list(KOREAN), "es": ["dónde compro el uniforme"]})]}
    made = fill_example_drafts(data, ["es", "ko"], PhrasebookTranslator(), "en")
    examples = data["faq"][0]["examples"]
    assert made == ["faq.0.examples.ko"]
    assert examples["es"] == ["dónde compro el uniforme"]  # a person's examples stay as they are
    assert examples["ko"] == {"machine": "phrasebook", "texts": list(KOREAN.values())}
    assert fill_example_drafts(data, ["ko"], PhrasebookTranslator(), "en") == []  # drafted once


def test_the_question_title_is_the_source_when_there_are_no_examples_to_translate() -> None:
    data = {"faq": [{"id": "bus", "question": {"en": "School bus"}, "answer": {"en": "Bus 5"}}]}
    assert fill_example_drafts(data, ["ko"], PhrasebookTranslator(), "en") == ["faq.0.examples.ko"]
    assert data["faq"][0]["examples"]["ko"]["texts"] == ["[ko] School bus"]


def test_drafted_examples_teach_the_bot_and_are_flagged_for_review(
    tmp_path: Path, model: RetrievalModel
) -> None:
    before = load_school_file(school_with_uniform(tmp_path, drafted=False)[0])
    assert model.classify("교복은 어디서 사요?", "ko", before).label != "faq:uniform"
    path, _ = school_with_uniform(tmp_path, drafted=True)
    after = load_school_file(path)
    entry = next(e for e in after.faq if e.id == "uniform")
    assert entry.examples["ko"] == list(KOREAN.values()) and entry.example_drafts == {"ko": "phrasebook"}
    assert model.classify("교복은 어디서 사요?", "ko", after).label == "faq:uniform"
    number = after.faq.index(entry)
    assert f"faq.{number} (uniform): example questions machine-drafted, to review, in ko" in faq_example_gaps(
        after, ["en", "ko"]
    )


def test_a_reviewer_confirms_or_rewrites_drafted_examples(tmp_path: Path) -> None:
    _, data = school_with_uniform(tmp_path, drafted=True)
    [item] = [p for p in pending(data, "en") if p.many]
    assert item.locale == "ko" and item.text == " | ".join(KOREAN.values())
    assert item.source == " | ".join(KOREAN)
    confirm(item, "교복 어디서 사나요 | 교복 파는 곳")
    assert data["faq"][-1]["examples"]["ko"] == ["교복 어디서 사나요", "교복 파는 곳"]
    assert [p for p in pending(data, "en") if p.many] == []
