"""How well the free-text answerer answers real parents' questions, per language.

The questions (questions_<locale>.yaml) are written as parents text: typos, no accents, one word,
mixed languages, run-on messages. Each names the answer it should get, or null when the bot has
none. The real Answerer runs on the real keyword file and the demo school. Targets: the right
answer first for at least 90% of the answerable questions, and no confident answer to a question
the bot cannot answer ("did you mean" or "no answer" are fine there). The figures are printed in
the run's summary (tests/services/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.app import LOCALES_DIR
from bot.i18n.keywords import load_keywords
from bot.services.answers import Answerer, Decision, answer_for
from bot.services.matcher import TopicMatcher
from bot.services.rights import TOPICS as RIGHTS_TOPICS
from bot.services.school_data import SchoolData, load_school_file

HERE = Path(__file__).resolve().parent
LOCALES = ("en", "es")
MIN_QUESTIONS = 45
MIN_UNANSWERABLE = 8
MIN_PER_RIGHTS_TOPIC = 2
TARGET = 0.90
FIXED = ("hours", "contact", "parent_center", "staff", "language", "concern", "concern_status")

SCHOOL: SchoolData = load_school_file(PROJECT_ROOT / "schools" / "demo.yaml")
ANSWERER = Answerer(TopicMatcher(load_keywords(LOCALES_DIR / "keywords.yaml")))


@dataclass(frozen=True)
class Question:
    text: str
    expect: str | None


def load_questions(locale: str) -> list[Question]:
    data = yaml.safe_load((HERE / f"questions_{locale}.yaml").read_text(encoding="utf-8"))
    return [Question(str(item["q"]), item["expect"]) for item in data["questions"]]


def describe(decision: Decision) -> str:
    return f"{decision.kind} {', '.join(decision.answers)}".strip()


@dataclass
class Score:
    """The counts of one language's run."""

    answerable: int = 0
    top_correct: int = 0
    clarified: int = 0  # answerable questions that got a "did you mean"
    among_two: int = 0  # ... with the expected answer one of the two
    unanswerable: int = 0
    confident_wrong: int = 0  # unanswerable questions that got a confident answer
    unanswerable_clarified: int = 0

    def line(self, locale: str) -> str:
        share = self.top_correct / self.answerable if self.answerable else 0.0
        return (
            f"answerer {locale}: {self.top_correct}/{self.answerable} top answers correct ({share:.1%}), "
            f"{self.clarified} clarify ({self.among_two} with the answer among the two), "
            f"{self.confident_wrong} confident wrong on {self.unanswerable} unanswerable "
            f"({self.unanswerable_clarified} asked 'did you mean')"
        )


def score(questions: list[Question]) -> tuple[Score, list[str]]:
    """Run every question through the answerer: the counts and the questions it got wrong."""
    result = Score()
    misses: list[str] = []
    for question in questions:
        decision = ANSWERER.decide(question.text, SCHOOL)
        got = describe(decision)
        if question.expect is None:
            result.unanswerable += 1
            if decision.kind == "answer":
                result.confident_wrong += 1
                misses.append(f"{question.text!r}: expected no confident answer, got {got}")
            elif decision.kind == "clarify":
                result.unanswerable_clarified += 1
            continue
        result.answerable += 1
        if decision.kind == "clarify":
            result.clarified += 1
            result.among_two += question.expect in decision.answers
        if decision.kind in ("answer", "clarify") and decision.answers[0] == question.expect:
            result.top_correct += 1
        else:
            misses.append(f"{question.text!r}: expected {question.expect}, got {got or 'none'}")
    return result, misses


@pytest.mark.parametrize("locale", LOCALES)
def test_question_file_covers_what_parents_ask(locale: str) -> None:
    questions = load_questions(locale)
    assert len(questions) >= MIN_QUESTIONS
    texts = [q.text for q in questions]
    assert len(set(texts)) == len(texts), "a question is listed twice"
    assert sum(q.expect is None for q in questions) >= MIN_UNANSWERABLE
    expected = [q.expect for q in questions if q.expect is not None]
    unknown = sorted({e for e in expected if answer_for(e) is None})
    assert not unknown, f"not an answer id: {unknown}"
    faq_ids = {f"faq:{entry.id}" for entry in SCHOOL.faq}
    assert not {e for e in expected if e.startswith("faq:")} - faq_ids
    for answer_id in (*FIXED, *sorted(faq_ids)):
        assert answer_id in expected, f"no question expects {answer_id}"
    for topic in RIGHTS_TOPICS:
        assert expected.count(f"rights_{topic}") >= MIN_PER_RIGHTS_TOPIC, f"rights_{topic}"


@pytest.mark.parametrize("locale", LOCALES)
def test_answer_accuracy(locale: str, accuracy_report: list[tuple[str, list[str], bool]]) -> None:
    result, misses = score(load_questions(locale))
    passed = result.top_correct >= TARGET * result.answerable and result.confident_wrong == 0
    accuracy_report.append((result.line(locale), misses, passed))
    failures = "\n".join(misses)
    assert result.confident_wrong == 0, f"{result.line(locale)}\n{failures}"
    assert result.top_correct >= TARGET * result.answerable, f"{result.line(locale)}\n{failures}"
