"""Reach figures are shares of the roster's families: sending more texts cannot lower them.

Roster: ten families (1-10). Families 1-3 read a rights topic (family 1 twice), family 4 signed up to
volunteer, and family 99 (not on the roster any more) read a topic too.
4A read: 3 of 10 = 30 %; 3B: 1 of 10 = 10 %. 4B reads rights exercised (test_right_indicator.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.model import Report
from bot.report.sources import Family
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ROSTER = [Family(ref, "es" if ref <= 5 else "en") for ref in range(1, 11)]


def rows() -> list:
    return [
        row("4A", "rights_topic_viewed", 1, detail="visit"),
        row("4A", "rights_topic_viewed", 1, detail="meet"),
        row("4A", "rights_topic_viewed", 2, detail="visit"),
        row("4A", "rights_topic_viewed", 3, detail="visit"),
        row("4A", "rights_topic_viewed", 99, detail="visit"),
        row("3B", "volunteer_signup", 4, detail="confirmed"),
    ]


def announcements(times: int) -> list:
    """`times` announcements delivered to every family on the roster."""
    return [row("1B", "delivered", ref, value=1, detail="home") for _ in range(times) for ref in range(1, 11)]


def build(extra: list | None = None, families: list[Family] | None = ROSTER) -> Report:
    return build_report(
        rows() + (extra or []), SCOPE, load_thresholds(), min_group=1, generated_at=NOW, families=families
    )


def value(built: Report, code: str, key: str) -> float | None:
    indicator = next(i for i in built.indicators if i.code == code)
    return next(f for f in indicator.figures if f.spec.key == key).total.value


def test_reach_by_hand() -> None:
    built = build()
    assert value(built, "4A", "rights_read_share") == pytest.approx(0.3)
    assert value(built, "3B", "volunteer_family_share") == pytest.approx(0.1)


def test_sending_more_announcements_does_not_lower_reach() -> None:
    quiet, busy = build(announcements(1)), build(announcements(20))
    assert value(quiet, "4A", "rights_read_share") == value(busy, "4A", "rights_read_share") == 0.3
    assert value(quiet, "3B", "volunteer_family_share") == value(busy, "3B", "volunteer_family_share")


def test_reach_by_home_language() -> None:
    built = build()
    a4 = next(i for i in built.indicators if i.code == "4A")
    reach = next(f for f in a4.figures if f.spec.key == "rights_read_share")
    assert {c.key: c.value for c in reach.languages} == {"es": pytest.approx(0.6), "en": 0.0}


def test_without_a_roster_there_is_no_reach_and_no_level() -> None:
    built = build(families=None)
    assert value(built, "3B", "volunteer_family_share") is None
    b3 = next(i for i in built.indicators if i.code == "3B")
    assert b3.suggestion.level is None and b3.suggestion.status == "not_enough_evidence"
