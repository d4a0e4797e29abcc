"""1B by the family's home language: a family that only ever got fallbacks shows 0 %, not absence.

Roster: three English families (1-3), two Spanish (4-5), one Filipino (6), one Persian (7).
One announcement: English text to families 1-3 (home), Spanish text to 4-5 (home), and English
fallbacks to the Filipino and the Persian family. A reminder: Spanish families in Spanish, the
Filipino family in English. Delivery: the Filipino family's texts were written in English (row locale
en), but count under Filipino, the family's home language.
Shares by home language: English 3/3, Spanish 4/4, Filipino 0/2, Persian 0/1; overall 7/10.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.report.build import build_report
from bot.report.model import FigureResult, Report
from bot.report.render_csv import render_csv
from bot.report.render_md import render_md
from bot.report.sources import Family
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ROSTER = [Family(1, "en"), Family(2, "en"), Family(3, "en"), Family(4, "es"), Family(5, "es")]
ROSTER += [Family(6, "fil"), Family(7, "fa"), Family(8, "ko")]  # the Korean family got no text at all


def rows() -> list:
    return [
        row("1B", "queued", None, value=3, detail="home", locale="en"),
        row("1B", "queued", None, value=2, detail="home", locale="es"),
        row("1B", "queued", None, value=1, detail="fallback", locale="fil"),
        row("1B", "queued", None, value=1, detail="fallback", locale="fa"),
        row("1B", "queued", None, value=2, detail="home", locale="es"),
        row("1B", "queued", None, value=1, detail="fallback", locale="fil"),
        row("1B", "delivered", 6, value=1, detail="fallback", locale="en"),
        row("1B", "delivered", 1, value=1, detail="home", locale="en"),
    ]


def build() -> Report:
    return build_report(rows(), SCOPE, load_thresholds(), min_group=1, generated_at=NOW, families=ROSTER)


def share(built: Report) -> FigureResult:
    b1 = next(i for i in built.indicators if i.code == "1B")
    return next(f for f in b1.figures if f.spec.key == "home_language_share")


def test_the_filipino_family_who_got_only_english_fallbacks_is_at_zero() -> None:
    found = share(build())
    assert found.total.value == pytest.approx(0.7)
    by_language = {c.key: c.value for c in found.languages}
    assert by_language["en"] == pytest.approx(1.0) and by_language["es"] == pytest.approx(1.0)
    assert by_language["fil"] == 0.0 and by_language["fa"] == 0.0


def test_every_roster_language_is_listed_even_without_texts() -> None:
    found = share(build())
    assert {c.key for c in found.languages} == {"en", "es", "fil", "fa", "ko"}
    korean = next(c for c in found.languages if c.key == "ko")
    assert korean.value is None and not korean.has_data  # listed, shown as "no data"
    md = render_md(build())
    assert "Filipino 0%" in md and "Persian 0%" in md and "Korean no data" in md


def test_delivery_counts_under_the_family_home_language_not_the_text_language() -> None:
    b1 = next(i for i in build().indicators if i.code == "1B")
    delivered = next(f for f in b1.figures if f.spec.key == "texts_delivered")
    by_language = {c.key: c.value for c in delivered.languages}
    assert by_language["fil"] == 1 and by_language["en"] == 1


def test_the_csv_column_names_the_home_language() -> None:
    table = list(csv.DictReader(io.StringIO(render_csv(build()))))
    filipino = [r for r in table if r["figure"] == "home_language_share" and r["home_language"] == "fil"]
    assert [(r["value"], r["status"]) for r in filipino] == [("0", "ok")]
    assert "language" not in table[0]


def test_one_early_text_alone_is_not_timely_notice() -> None:
    lone = [row("1B", "reminder_lead_hours", None, value=720, detail=f"event:{i}") for i in range(3)]
    built = build_report(lone, SCOPE, load_thresholds(), min_group=1, generated_at=NOW)
    b1 = next(i for i in built.indicators if i.code == "1B")
    timely = next(f for f in b1.figures if f.spec.key == "timely_notice_share")
    assert timely.total.value == 0.0  # 30 days ahead and nothing closer: not Highly Competent
