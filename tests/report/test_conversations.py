"""1D two-way conversation figures and 4E concern conversation messages, computed by hand.

Spanish families 1 and 2 wrote to staff; staff answered family 1 after 2 h and family 2 after 4 h,
and texted family 3 (Korean) first, answered after 1 h when family 3 wrote back. Median for es: 3 h.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.model import FigureResult, Report
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def built() -> Report:
    rows = [
        row("1D", "parent_message", 1, detail="concern"),
        row("4E", "conversation_message", 1, detail="parent"),
        row("1D", "staff_reply", 1, value=2.0, detail="answered"),
        row("4E", "conversation_message", 1, detail="staff"),
        row("1D", "parent_message", 2, detail="concern"),
        row("1D", "staff_reply", 2, value=4.0, detail="answered"),
        row("1D", "staff_reply", 3, detail="started", locale="ko"),
        row("1D", "parent_message", 3, detail="direct", locale="ko"),
        row("1D", "staff_reply", 3, value=1.0, detail="answered", locale="ko"),
    ]
    return build_report(rows, SCOPE, load_thresholds(), min_group=1, generated_at=NOW)


def figure(report: Report, code: str, key: str) -> FigureResult:
    indicator = next(i for i in report.indicators if i.code == code)
    return next(f for f in indicator.figures if f.spec.key == key)


def test_two_way_figures_by_hand() -> None:
    report = built()
    assert figure(report, "1D", "parent_messages_to_staff").total.value == 3
    assert figure(report, "1D", "staff_replies").total.value == 4
    assert figure(report, "1D", "parents_answered_by_staff").total.value == 3
    median = figure(report, "1D", "conversation_reply_hours_median")
    assert median.total.value == pytest.approx(2.0)
    by_language = {cell.key: cell.value for cell in median.languages}
    assert by_language["es"] == pytest.approx(3.0) and by_language["ko"] == pytest.approx(1.0)


def test_concern_conversation_messages_by_who_wrote() -> None:
    messages = figure(built(), "4E", "concern_conversation_messages")
    assert messages.total.value == 2
    assert {cell.key: cell.value for cell in messages.details} == {"parent": 1, "staff": 1}
