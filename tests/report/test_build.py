"""Figures from a known set of evidence rows, worked out by hand (tests/fixtures/evidence.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.report.build import ReportScope, build_report, month_keys
from bot.report.model import FigureResult, IndicatorResult, Report
from bot.report.thresholds import ThresholdsError, load_thresholds
from tests.fixtures.evidence import known_concerns, known_rows

SCOPE = ReportScope(
    date(2026, 3, 1), date(2026, 4, 30), ZoneInfo("America/Los_Angeles"), "Rosewood", "rosewood"
)
NOW = datetime(2026, 5, 1, tzinfo=UTC)


def report(min_group: int = 1, thresholds: Path | None = None) -> Report:
    return build_report(
        known_rows(),
        SCOPE,
        load_thresholds(thresholds),
        min_group=min_group,
        generated_at=NOW,
        concerns=known_concerns(),
    )


def indicator(built: Report, code: str) -> IndicatorResult:
    return next(i for i in built.indicators if i.code == code)


def figure(built: Report, code: str, key: str) -> FigureResult:
    return next(f for f in indicator(built, code).figures if f.spec.key == key)


def value(built: Report, code: str, key: str) -> float | None:
    return figure(built, code, key).total.value


def test_concern_figures_match_hand_computed_values() -> None:
    built = report()
    # acknowledge hours 1, 2, 3, 4, 10, 30: median (3 + 4) / 2; p90 at rank 4.5 -> 10 + (30 - 10) / 2
    assert value(built, "4E", "ack_hours_median") == pytest.approx(3.5)
    assert value(built, "4E", "ack_hours_p90") == pytest.approx(20.0)
    assert value(built, "4E", "ack_within_target_share") == pytest.approx(5 / 6)
    # resolve hours 24, 48, 72, 96, 120, 200: median (72 + 96) / 2; p90 120 + (200 - 120) / 2
    assert value(built, "4E", "resolve_hours_median") == pytest.approx(84.0)
    assert value(built, "4E", "resolve_hours_p90") == pytest.approx(160.0)
    assert value(built, "4E", "resolve_within_target_share") == pytest.approx(4 / 6)
    assert value(built, "4E", "satisfaction_mean") == pytest.approx((5 + 4 + 4 + 3 + 2 + 5) / 6)
    assert value(built, "4E", "need_met_share") == pytest.approx(5 / 6)
    assert value(built, "5C", "need_not_met_share") == pytest.approx(1 / 6)
    assert value(built, "4B", "concerns_raised") == 6


def test_delivery_figures_match_hand_computed_values() -> None:
    built = report()
    assert value(built, "1B", "texts_delivered") == 9
    assert value(built, "1B", "delivery_rate") == pytest.approx(0.9)
    assert value(built, "1B", "home_language_share") == pytest.approx(0.8)
    assert value(built, "1B", "reminder_lead_hours_median") == pytest.approx(48.0)


def test_months_and_languages_split_the_same_rows() -> None:
    built = report()
    ack = figure(built, "4E", "ack_hours_median")
    assert [c.key for c in ack.months] == ["2026-03", "2026-04"]
    assert [c.value for c in ack.months] == [pytest.approx(2.0), pytest.approx(10.0)]  # 1,2,3 | 4,10,30
    by_language = {c.key: c.value for c in ack.languages}
    assert by_language == {"es": pytest.approx(3.0), "ko": pytest.approx(30.0)}
    categories = {c.key: c.value for c in figure(built, "4B", "concerns_raised").details}
    assert categories == {"transportation": 3, "academic": 3}


def test_levels_from_the_shipped_thresholds() -> None:
    built = report()
    # Six concerns, fewer than the ten 4E needs: the level is withheld, and the reason says why.
    suggestion = indicator(built, "4E").suggestion
    assert suggestion.level is None and suggestion.status == "not_enough_evidence"
    assert "resolved within target rests on 6, fewer than the 10 needed" in suggestion.reason
    # home language 80% (Competent), delivered 90% (Competent), reminders 48 h ahead (Competent)
    assert indicator(built, "1B").suggestion.level == "competent"
    assert indicator(built, "1E").suggestion.level is None


def test_thresholds_from_yaml_change_the_suggested_level(tmp_path: Path) -> None:
    lenient = tmp_path / "thresholds.yaml"
    lenient.write_text(
        "indicators:\n"
        "  4E:\n"
        "    - {figure: resolve_within_target_share, better: higher,"
        " approaching: 0.3, competent: 0.5, highly_competent: 0.6}\n"
        "    - {figure: ack_hours_median, better: lower,"
        " approaching: 48, competent: 24, highly_competent: 4}\n"
    )
    built = report(thresholds=lenient)
    assert indicator(built, "4E").suggestion.level == "highly_competent"
    assert indicator(built, "1B").suggestion.level is None  # the file sets no 1B criteria
    assert built.thresholds_source == str(lenient)
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "indicators:\n  4E:\n"
        "    - {figure: need_met_share, approaching: 0.9, competent: 0.95, highly_competent: 0.99}\n"
    )
    assert indicator(report(thresholds=strict), "4E").suggestion.level == "emerging"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "indicators:\n  4E:\n    - {figure: speed, approaching: 1, competent: 2, highly_competent: 3}\n",
            "speed",
        ),
        ("indicators:\n  4E:\n    - {figure: need_met_share, approaching: 0.5}\n", "competent"),
        (
            "indicators:\n  4E:\n"
            "    - {figure: need_met_share, approaching: 0.9, competent: 0.5, highly_competent: 1}\n",
            "higher in order",
        ),
        ("just text", "indicators"),
    ],
)
def test_a_bad_thresholds_file_is_named_with_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ThresholdsError) as caught:
        load_thresholds(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_small_groups_are_suppressed_before_any_renderer() -> None:
    built = report(min_group=5)
    ack = figure(built, "4E", "ack_hours_median")
    assert ack.total.value == pytest.approx(3.5) and not ack.total.suppressed  # six parents
    assert all(c.suppressed and c.value is None and c.n == 3 for c in ack.months)
    languages = {c.key: c for c in ack.languages}
    assert languages["es"].value == pytest.approx(3.0)
    assert languages["ko"].suppressed and languages["ko"].value is None
    assert all(c.suppressed for c in figure(built, "4B", "concerns_raised").details)
    # Reminder lead times are about events, not parents: never suppressed.
    assert value(built, "1B", "reminder_lead_hours_median") == pytest.approx(48.0)


def test_a_lone_small_count_cannot_be_worked_out_from_the_total() -> None:
    concerns = figure(report(min_group=5), "4B", "concerns_raised")
    assert concerns.total.value == 6  # five Spanish parents and one Korean parent
    languages = {c.key: c for c in concerns.languages}
    assert languages["ko"].suppressed and not languages["ko"].protects
    assert languages["es"].suppressed and languages["es"].protects and languages["es"].value is None
    assert languages["es"].n == 5


def test_the_minimum_group_is_configurable() -> None:
    ack = figure(report(min_group=3), "4E", "ack_hours_median")
    assert [c.value for c in ack.months] == [pytest.approx(2.0), pytest.approx(10.0)]
    assert figure(report(min_group=7), "4E", "ack_hours_median").total.suppressed


def test_indicators_without_data_stay_in_the_report() -> None:
    built = report()
    codes = [i.code for i in built.indicators]
    for code in ("1B", "1D", "1E", "3B", "3C", "3D", "4A", "4B", "4E", "5A", "5C"):
        assert code in codes
    assert not indicator(built, "1E").has_data
    assert indicator(built, "1E").rubric.levels["competent"].startswith("The school parent engagement plan")


def test_month_keys_cover_the_period() -> None:
    assert month_keys(date(2025, 11, 15), date(2026, 2, 1)) == (
        ("2025-11", "Nov 2025"),
        ("2025-12", "Dec 2025"),
        ("2026-01", "Jan 2026"),
        ("2026-02", "Feb 2026"),
    )
