"""1D teaching figures: questions answered after teaching, and the time staff took, from their rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def test_answered_after_teaching_and_time_to_answer_by_hand() -> None:
    rows = [
        row("1D", "question_unanswered", 1, locale="vi"),
        row("1D", "question_unanswered", 2, locale="vi"),
        row("1D", "question_unanswered", 3, locale="ko"),
        row("1D", "question_taught", 1, value=0.5, detail="faq:lunch", locale="vi"),
        row("1D", "question_taught", 2, value=2.0, detail="faq:lunch", locale="vi"),
        row("1D", "question_taught", 3, value=30.0, detail="hours", locale="ko"),  # asked too long ago
        row("1D", "taught_answer_sent", 1, detail="faq:lunch", locale="vi"),
        row("1D", "taught_answer_sent", 2, detail="faq:lunch", locale="vi"),
        row("1D", "question_set_aside", 4, detail="dismissed", locale="en"),
    ]
    built = build_report(rows, SCOPE, load_thresholds(), min_group=1, generated_at=NOW)
    d1 = next(i for i in built.indicators if i.code == "1D")
    figures = {f.spec.key: f for f in d1.figures}
    assert figures["questions_answered_after_teaching"].total.value == 2
    assert {c.key: c.value for c in figures["questions_answered_after_teaching"].details} == {"faq:lunch": 2}
    assert figures["time_to_teach"].total.value == pytest.approx(2.0)
    assert {c.key: c.value for c in figures["time_to_teach"].languages} == {"vi": 1.25, "ko": 30.0}
