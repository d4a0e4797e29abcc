"""The right evidence on the right indicator, by hand: 1D by people, 4B from rights exercised, 5A from
Ed Code 48985 and the ELAC/SSC meetings, 5C as awareness of the UCP.

Roster: ten families, 1-6 Spanish, 7-10 Korean.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.report.build import build_report
from bot.report.model import FigureResult, IndicatorResult, Report
from bot.report.sources import ConcernFact, EventFact, Family
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import APRIL, MARCH, concern, row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ROSTER = [Family(ref, "es" if ref <= 6 else "ko") for ref in range(1, 11)]


def build(rows: list, **facts: object) -> Report:
    return build_report(
        rows,
        SCOPE,
        load_thresholds(),
        min_group=1,
        generated_at=NOW,
        families=ROSTER,
        **facts,  # type: ignore[arg-type]
    )


def indicator(built: Report, code: str) -> IndicatorResult:
    return next(i for i in built.indicators if i.code == code)


def figure(built: Report, code: str, key: str) -> FigureResult:
    return next(f for f in indicator(built, code).figures if f.spec.key == key)


def value(built: Report, code: str, key: str) -> float | None:
    return figure(built, code, key).total.value


def replied(parent: int, hours: float | None, *, created: datetime = MARCH) -> ConcernFact:
    """A concern whose first staff reply came `hours` after it was raised (None: no reply yet)."""
    fact = concern(parent, created=created, ack_hours=None, resolve_hours=None)
    return replace(fact, first_reply_at=None if hours is None else created + timedelta(hours=hours))


# 1D ------------------------------------------------------------------------------------------------


def test_1d_is_parents_answered_by_a_person_not_keyword_matches() -> None:
    # 19 of 20 questions matched by keywords: the old answer rate (95 %) said Highly Competent.
    rows = [row("1D", "question_answered", p, detail="faq:lunch") for p in range(1, 20)]
    rows.append(row("1D", "question_unanswered", 20))
    concerns = [
        replied(1, 2),
        replied(2, 10),
        replied(3, None),  # past its acknowledge due time (24 h) with no reply: a miss
        replied(4, None, created=NOW - timedelta(hours=1)),  # not due yet: not decided
    ]
    built = build(rows, concerns=concerns)
    assert value(built, "1D", "answer_rate") == pytest.approx(0.95)
    assert value(built, "1D", "staff_reply_share") == pytest.approx(2 / 3)
    assert value(built, "1D", "parents_replied") == 2
    # Hours 2, 10 and parent 3 waiting since March (its age as of the report): the median is 10.
    assert value(built, "1D", "staff_reply_hours_median") == pytest.approx(10.0)
    # Three decided concerns are fewer than the ten needed: the keyword rate cannot lift the level.
    d1 = indicator(built, "1D").suggestion
    assert d1.level is None and d1.status == "not_enough_evidence"


def test_1d_level_follows_staff_replies() -> None:
    concerns = [replied(p, 3 if p <= 6 else None) for p in range(1, 11)]  # 6 of 10 replied
    built = build([], concerns=concerns)
    assert value(built, "1D", "staff_reply_share") == pytest.approx(0.6)
    assert indicator(built, "1D").suggestion.level == "approaching"


# 4A / 4B -------------------------------------------------------------------------------------------


def rights_requests() -> list:
    """Five requests from a rights topic: three honoured on time, one late, one left open past due; and
    a transportation concern left open, which is not a request."""
    made = dict(category="request", resolve_target=100, ack_hours=1)
    return [
        concern(1, resolve_hours=20, **made),  # type: ignore[arg-type]
        concern(2, resolve_hours=50, **made),  # type: ignore[arg-type]
        concern(3, resolve_hours=99, **made),  # type: ignore[arg-type]
        concern(4, resolve_hours=150, **made),  # type: ignore[arg-type]
        concern(5, resolve_hours=None, created=APRIL, **made),  # type: ignore[arg-type]
        concern(6, ack_hours=None, resolve_hours=None, category="transportation"),
    ]


def rights_pulses() -> list:
    """Ten pulses after replies to requests: six answered Yes (60 %, Competent), two No, two unanswered."""
    rows = [row("4B", "pulse_sent", p, detail="rights") for p in range(1, 11)]
    answers = ["yes"] * 6 + ["no"] * 2
    return rows + [
        row("4B", "pulse_answer", p, detail=a, value=1.0 if a == "yes" else 0.0)
        for p, a in zip(range(1, 9), answers, strict=True)
    ]


def announcements(times: int) -> list:
    """`times` announcements delivered to every family on the roster."""
    return [row("1B", "delivered", ref, value=1, detail="home") for _ in range(times) for ref in range(1, 11)]


def test_4b_is_rights_requests_honoured_on_time() -> None:
    built = build(
        [row("4A", "rights_topic_viewed", 1, detail="visit"), *rights_pulses()], concerns=rights_requests()
    )
    assert value(built, "4B", "requests_on_time_share") == pytest.approx(3 / 5)
    assert indicator(built, "4B").suggestion.level == "approaching"
    keys = {f.spec.key for f in indicator(built, "4B").figures}
    assert "rights_reach_share" not in keys and "rights_info_given" not in keys  # reading a topic is 4A


def test_sending_more_announcements_does_not_lower_4b() -> None:
    quiet = build(announcements(1) + rights_pulses(), concerns=rights_requests())
    busy = build(announcements(20) + rights_pulses(), concerns=rights_requests())
    assert value(quiet, "4B", "requests_on_time_share") == value(busy, "4B", "requests_on_time_share")
    assert value(quiet, "4B", "rights_respected_share") == value(busy, "4B", "rights_respected_share") == 0.6
    assert indicator(quiet, "4B").suggestion.level == indicator(busy, "4B").suggestion.level == "approaching"


def test_an_untouched_request_lowers_4b() -> None:
    honoured = [c for c in rights_requests() if c.ref != 5]
    assert value(build([], concerns=honoured), "4B", "requests_on_time_share") == pytest.approx(3 / 4)
    untouched = build([], concerns=rights_requests())
    assert value(untouched, "4B", "requests_on_time_share") == pytest.approx(3 / 5)


# 5A ------------------------------------------------------------------------------------------------


def compliance_rows() -> list:
    rows = [
        row("5A", "home_language_coverage", None, value=0.9, detail=f"announcement:{i}", locale=None)
        for i in range(1, 5)
    ]
    rows.append(row("5A", "translation_override", None, detail="announcement:2", locale="ko"))
    # ELAC notices: families 1-4 (Spanish) got it in Spanish, families 7-8 (Korean) in English.
    rows += [row("5A", "invitation_sent", p, value=1.0, detail="event:1") for p in (1, 2, 3, 4)]
    rows += [row("5A", "invitation_sent", p, value=0.0, detail="event:1", locale="en") for p in (7, 8)]
    rows += [
        row("5A", "attended", None, value=8, detail="event:1", locale=None),
        row("5A", "attended", None, value=12, detail="event:2", at=APRIL, locale=None),
    ]
    return rows


EVENTS = [
    EventFact(1, "elac", MARCH, "scheduled", 8),
    EventFact(2, "ssc", APRIL, "scheduled", 12),
    EventFact(3, "elac", APRIL + timedelta(days=2), "cancelled"),
    EventFact(4, "meeting", APRIL, "scheduled", 30),  # not a committee
]


def test_5a_labels_the_override_as_a_48985_exception_and_counts_compliant_notices() -> None:
    built = build(compliance_rows(), events=EVENTS)
    overrides = figure(built, "5A", "translation_overrides")
    assert overrides.total.value == 1
    assert "48985" in overrides.spec.label and "corrected" not in overrides.spec.label.lower()
    assert value(built, "5A", "notices_compliant_share") == pytest.approx(3 / 4)
    assert indicator(built, "5A").suggestion.level == "emerging"  # below 80 %
    assert "home_language_coverage_mean" not in {f.spec.key for f in indicator(built, "5A").figures}


def test_5a_elac_and_ssc_meetings_held_notice_languages_and_attendance() -> None:
    built = build(compliance_rows(), events=EVENTS)
    held = figure(built, "5A", "committee_meetings_held")
    assert held.total.value == 2
    assert {c.key: c.value for c in held.details} == {"ELAC": 1, "SSC": 1}
    notice = figure(built, "5A", "committee_notice_home_share")
    assert notice.total.value == pytest.approx(4 / 6)
    assert {c.key: c.value for c in notice.languages} == {"es": 1.0, "ko": 0.0}
    assert value(built, "5A", "committee_attendance_per_meeting") == pytest.approx(10.0)


# 5C ------------------------------------------------------------------------------------------------


def test_5c_is_awareness_of_the_ucp_with_filings_and_need_not_met_as_context() -> None:
    rows = [row("5C", "ucp_info_given", p, detail="safety_bullying") for p in (1, 1, 2, 7, 99)]
    rows += [row("4E", "need_met", p, value=0.0, detail="academic") for p in (1, 2, 3)]
    filed = concern(1, ack_hours=1, resolve_hours=10)
    concerns = [replace(filed, ucp_filed=True), concern(2, ack_hours=1, resolve_hours=5)]
    built = build(rows, concerns=concerns)
    assert value(built, "5C", "ucp_family_share") == pytest.approx(3 / 10)  # family 99 is not on the roster
    assert {c.key: c.value for c in figure(built, "5C", "ucp_family_share").languages} == {
        "es": pytest.approx(2 / 6),
        "ko": pytest.approx(1 / 4),
    }
    assert value(built, "5C", "ucp_filed") == 1
    assert value(built, "5C", "need_not_met_share") == 1.0  # every answer "not met": context only
    assert indicator(built, "5C").suggestion.level == "approaching"


def test_fewer_ucp_notices_never_raise_5c() -> None:
    told = [row("5C", "ucp_info_given", p, detail="rights") for p in range(1, 7)]
    more, fewer = build(told), build(told[:2])
    levels = ["emerging", "approaching", "competent", "highly_competent"]
    assert levels.index(indicator(fewer, "5C").suggestion.level or "emerging") <= levels.index(
        indicator(more, "5C").suggestion.level or "emerging"
    )
    assert indicator(more, "5C").suggestion.level == "competent"
