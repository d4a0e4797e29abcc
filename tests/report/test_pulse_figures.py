"""Pulse figures (1A, 4B, 4C) by hand: Yes among pulses sent, among answers, and the response rate.

1A: pulses to parents 1-10; parents 1-5 answered Yes, 6 Somewhat, 7 No, 8-10 never answered.
Yes among sent 5/10 = 50 % (Competent), among answers 5/7, response rate 7/10.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.model import IndicatorResult, Report
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ANSWERS = {1: "yes", 2: "yes", 3: "yes", 4: "yes", 5: "yes", 6: "somewhat", 7: "no"}
VALUE = {"yes": 1.0, "somewhat": 0.5, "no": 0.0}


def pulse_rows(code: str = "1A", kind: str = "welcome", parents: int = 10) -> list:
    rows = [row(code, "pulse_sent", p, detail=kind) for p in range(1, parents + 1)]
    rows += [
        row(code, "pulse_answer", p, detail=a, value=VALUE[a]) for p, a in ANSWERS.items() if p <= parents
    ]
    return rows


def build(rows: list) -> Report:
    return build_report(rows, SCOPE, load_thresholds(), min_group=1, generated_at=NOW)


def indicator(built: Report, code: str) -> IndicatorResult:
    return next(i for i in built.indicators if i.code == code)


def value(built: Report, code: str, key: str) -> float | None:
    return next(f for f in indicator(built, code).figures if f.spec.key == key).total.value


def test_1a_pulse_figures_by_hand() -> None:
    built = build(pulse_rows())
    assert value(built, "1A", "felt_welcome_share") == pytest.approx(0.5)
    assert value(built, "1A", "felt_welcome_share_among_answers") == pytest.approx(5 / 7)
    assert value(built, "1A", "pulse_response_rate") == pytest.approx(0.7)
    assert indicator(built, "1A").suggestion.level == "competent"
    assert "1A" not in {entry.code for entry, _ in built.uncovered}


def test_deleting_pulse_answers_never_raises_a_level() -> None:
    levels = ["emerging", "approaching", "competent", "highly_competent"]
    full = indicator(build(pulse_rows()), "1A").suggestion.level
    for dropped in ("no", "somewhat", "yes"):
        fewer = [r for r in pulse_rows() if not (r.kind == "pulse_answer" and r.detail == dropped)]
        level = indicator(build(fewer), "1A").suggestion.level
        assert level is not None and full is not None
        assert levels.index(level) <= levels.index(full), dropped


def test_4c_and_4b_pulses_and_their_minimum() -> None:
    built = build(pulse_rows("4C", "respect") + pulse_rows("4B", "rights", parents=9))
    assert value(built, "4C", "respected_share") == pytest.approx(0.5)
    assert indicator(built, "4C").suggestion.level == "competent"
    assert value(built, "4B", "rights_respected_share") == pytest.approx(5 / 9)
    b4 = indicator(built, "4B").suggestion
    assert b4.level is None and b4.status == "not_enough_evidence"  # 9 pulses, fewer than 10; no requests
    assert "feel their rights respected rests on 9, fewer than the 10 needed" in b4.reason
