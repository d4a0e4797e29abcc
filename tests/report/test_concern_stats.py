"""4E from the concerns themselves: what staff did not do counts, and less evidence never raises a level.

Ten concerns raised on 10 March (targets: acknowledge in 24 h, resolve in 100 h), read on 1 May:
acknowledged after 1, 2, 3, 4, 5, 6, 8, 10, 30, 40 h (8 of 10 on time: 80 %, Competent);
resolved after 24, 30, 40, 48, 50, 60, 70, 80, 90, 300 h (9 of 10 on time: 90 %, Highly Competent);
survey: need met for 8, not met for 1, one parent did not answer (8 of 10 confirmed: 80 %, Highly
Competent; response rate 9 of 10). The suggested level is Competent.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.model import Report
from bot.report.rubric import LEVELS
from bot.report.sources import ConcernFact
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import concern
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ACK = [1, 2, 3, 4, 5, 6, 8, 10, 30, 40]
RESOLVE = [24, 30, 40, 48, 50, 60, 70, 80, 90, 300]
NEED: list[bool | None] = [True] * 8 + [False, None]
# Raised 20 March 17:00 UTC and never touched: 991 hours old on 1 May (11 days 7 hours + 30 days).
UNTOUCHED = concern(
    111,
    created=datetime(2026, 3, 20, 17, 0, tzinfo=UTC),
    ack_hours=None,
    resolve_hours=None,
    category="request",
)


def ten() -> list[ConcernFact]:
    return [
        concern(
            101 + i,
            ack_hours=ACK[i],
            resolve_hours=RESOLVE[i],
            need_met=NEED[i],
            satisfaction=None if NEED[i] is None else 4,
        )
        for i in range(10)
    ]


def build(concerns: list[ConcernFact], min_group: int = 5) -> Report:
    return build_report(
        [], SCOPE, load_thresholds(), min_group=min_group, generated_at=NOW, concerns=concerns
    )


def fe(built: Report, key: str) -> float | None:
    e4 = next(i for i in built.indicators if i.code == "4E")
    return next(f for f in e4.figures if f.spec.key == key).total.value


def level(built: Report) -> str | None:
    return next(i for i in built.indicators if i.code == "4E").suggestion.level


def rank(found: str | None) -> int:
    """'Not enough evidence' ranks below Emerging: withholding a level never raises it."""
    return -1 if found is None else LEVELS.index(found)


def test_ten_concerns_by_hand() -> None:
    built = build(ten())
    assert fe(built, "concerns_in_period") == 10
    assert fe(built, "ack_within_target_share") == pytest.approx(0.8)
    assert fe(built, "resolve_within_target_share") == pytest.approx(0.9)
    assert fe(built, "ack_hours_median") == pytest.approx(5.5)  # (5 + 6) / 2
    assert fe(built, "ack_hours_p90") == pytest.approx(31.0)  # rank 8.1: 30 + 0.1 * (40 - 30)
    assert fe(built, "survey_response_rate") == pytest.approx(0.9)
    assert fe(built, "need_met_share") == pytest.approx(0.8)  # 8 of 10 resolved, not 8 of 9 answers
    assert fe(built, "need_met_among_answers") == pytest.approx(8 / 9)
    assert fe(built, "open_overdue") == 0
    assert level(built) == "competent"


def test_an_untouched_overdue_request_lowers_4e() -> None:
    built = build([*ten(), UNTOUCHED])
    assert fe(built, "concerns_in_period") == 11
    assert fe(built, "open_overdue") == 1
    assert fe(built, "ack_within_target_share") == pytest.approx(8 / 11)  # 73 %: below Competent's 80 %
    assert fe(built, "resolve_within_target_share") == pytest.approx(9 / 11)
    assert fe(built, "ack_hours_median") == pytest.approx(6.0)  # 1..10, 30, 40, 991: the sixth
    assert fe(built, "ack_hours_p90") == pytest.approx(40.0)  # rank 9 of 0..10
    assert level(built) == "approaching"


def test_a_request_not_yet_due_is_not_yet_a_miss() -> None:
    fresh = replace(UNTOUCHED, created_at=datetime(2026, 4, 30, 12, tzinfo=UTC))
    fresh = replace(fresh, ack_due_at=datetime(2026, 5, 1, 12, tzinfo=UTC))
    fresh = replace(fresh, resolve_due_at=datetime(2026, 5, 5, tzinfo=UTC))
    built = build([*ten(), fresh])
    assert fe(built, "concerns_in_period") == 11
    assert fe(built, "ack_within_target_share") == pytest.approx(0.8)
    assert level(built) == "competent"


def test_deleting_survey_answers_never_raises_the_level() -> None:
    concerns = ten()
    before = rank(level(build(concerns)))
    answered = [i for i, c in enumerate(concerns) if c.need_met is not None]
    for size in range(1, len(answered) + 1):
        for gone in itertools.combinations(answered, size):
            kept = [
                replace(c, need_met=None, satisfaction=None) if i in gone else c
                for i, c in enumerate(concerns)
            ]
            assert rank(level(build(kept))) <= before, gone


def test_deleting_concerns_never_raises_the_level_above_what_they_showed() -> None:
    # Dropping the two late acknowledgements leaves eight concerns: too few for a level, not a better one.
    concerns = [c for i, c in enumerate(ten()) if ACK[i] <= 24]
    built = build(concerns)
    e4 = next(i for i in built.indicators if i.code == "4E")
    assert level(built) is None and e4.suggestion.status == "not_enough_evidence"
    assert "rests on 8, fewer than the 10 needed" in e4.suggestion.reason


def test_a_criterion_without_data_withholds_the_level() -> None:
    unresolved = [replace(c, resolved_at=None, need_met=None, satisfaction=None) for c in ten()]
    # Due times long past: every one is now a resolve miss, and no survey could be sent.
    built = build(unresolved)
    e4 = next(i for i in built.indicators if i.code == "4E")
    assert fe(built, "resolve_within_target_share") == 0
    assert fe(built, "need_met_share") is None
    assert level(built) is None and "need confirmed met has no data" in e4.suggestion.reason
    assert e4.suggestion.at_most == "emerging"


def test_suppressed_data_withholds_the_level() -> None:
    built = build(ten(), min_group=11)  # ten parents: every 4E figure is "fewer than 11"
    e4 = next(i for i in built.indicators if i.code == "4E")
    assert level(built) is None and "fewer than 11 parents" in e4.suggestion.reason


def test_concerns_split_by_month_and_language() -> None:
    april = replace(UNTOUCHED, ref=112, locale="tl", created_at=datetime(2026, 4, 2, tzinfo=UTC))
    built = build([*ten(), april], min_group=1)
    e4 = next(i for i in built.indicators if i.code == "4E")
    raised = next(f for f in e4.figures if f.spec.key == "concerns_in_period")
    assert [(c.key, c.value) for c in raised.months] == [("2026-03", 10), ("2026-04", 1)]
    assert {c.key: c.value for c in raised.languages} == {"es": 10, "tl": 1}
