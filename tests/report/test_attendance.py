"""2C: head counts and named attendees apart, and a small class suppressed like any small group.

Three classes in March with head counts 26, 12 and 4 (total 42, 14 per event); at the first, one parent
was also marked present by name. One class in April with a head count of 3.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.model import FigureResult, Report
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import APRIL, MARCH, row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def march() -> list:
    return [
        row("2C", "attended", None, value=26, detail="event:1", locale=None),
        row("2C", "attended_named", None, value=1, detail="event:1", locale=None),
        row("2C", "attended", None, value=12, detail="event:2", locale=None),
        row("2C", "attended", None, value=4, detail="event:3", locale=None),
    ]


def build(rows: list, min_group: int = 5) -> Report:
    return build_report(rows, SCOPE, load_thresholds(), min_group=min_group, generated_at=NOW)


def figure(built: Report, key: str) -> FigureResult:
    c2 = next(i for i in built.indicators if i.code == "2C")
    return next(f for f in c2.figures if f.spec.key == key)


def test_a_named_attendee_never_replaces_a_head_count() -> None:
    built = build(march())
    assert figure(built, "attendance_total").total.value == 42
    assert figure(built, "attendance_per_event").total.value == pytest.approx(14.0)
    named = figure(built, "named_attendees").total
    assert named.suppressed and named.value is None  # one named parent: fewer than 5
    c2 = next(i for i in built.indicators if i.code == "2C")
    assert c2.suggestion.level == "competent"  # 14 per event: Competent needs 12


def test_a_small_class_is_suppressed_like_any_small_group() -> None:
    april = [row("2C", "attended", None, value=3, detail="event:4", locale=None, at=APRIL)]
    built = build(march() + april)
    months = {c.key: c for c in figure(built, "attendance_per_event").months}
    assert months["2026-03"].value == pytest.approx(14.0)
    assert months["2026-04"].suppressed and months["2026-04"].value is None
    alone = build(april)
    c2 = next(i for i in alone.indicators if i.code == "2C")
    assert c2.suggestion.level is None and c2.suggestion.status == "not_enough_evidence"


def test_one_class_is_not_enough_for_a_level() -> None:
    one = [row("2C", "attended", None, value=40, detail="event:9", locale=None, at=MARCH)]
    c2 = next(i for i in build(one).indicators if i.code == "2C")
    assert c2.suggestion.level is None and "rests on 1, fewer than the 3 needed" in c2.suggestion.reason
