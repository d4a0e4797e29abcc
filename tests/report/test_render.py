"""The three formats show the same figures, and no format shows a suppressed group's number."""

from __future__ import annotations

import csv
import io
import re

from bot.report.render_csv import COLUMNS, render_csv
from bot.report.render_html import render_html
from bot.report.render_md import render_md
from tests.report.test_build import report


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_a_row_per_indicator_figure_and_period() -> None:
    table = rows(render_csv(report(min_group=5)))
    assert tuple(table[0]) == COLUMNS
    ack = [r for r in table if r["figure"] == "ack_hours_median" and r["home_language"] == "all"]
    assert [(r["period"], r["status"], r["value"]) for r in ack] == [
        ("2026-03-01/2026-04-30", "ok", "3.5"),
        ("2026-03", "suppressed", ""),
        ("2026-04", "suppressed", ""),
    ]
    assert all(r["school"] == "rosewood" and r["indicator"] == "4E" for r in ack)
    assert ack[0]["definition"].startswith("Median hours")
    [level] = [r for r in table if r["indicator"] == "4E" and r["figure"] == "suggested_level"]
    assert (level["value"], level["status"]) == ("", "not_enough_evidence")
    assert {r["status"] for r in table if r["indicator"] == "1E"} == {"no_data"}


def test_csv_never_carries_a_suppressed_number() -> None:
    table = rows(render_csv(report(min_group=5)))
    korean = [r for r in table if r["home_language"] == "ko"]
    assert korean and all(r["status"] == "suppressed" and r["value"] == "" for r in korean)
    assert all(r["value"] == "" for r in table if r["status"] == "suppressed")


def test_html_is_self_contained_and_shows_fewer_than_five() -> None:
    html = render_html(report(min_group=5))
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "@import" not in html and "url(" not in html
    assert 'name="viewport"' in html and "@media print" in html
    assert "fewer than 5" in html and html.count('class="chart') >= 4
    assert "Korean" in html and "30.0 h" not in html  # the Korean parent's own acknowledge time
    assert "No data yet" in html  # 1E and the others without evidence
    assert "Not enough evidence" in html  # 4E rests on six concerns, fewer than its ten
    assert "A school team leads the parent outreach systems" in html  # the rubric's words, 1B Competent


def test_markdown_has_every_indicator_and_the_thresholds() -> None:
    md = render_md(report(min_group=5))
    for code in ("1B", "1D", "1E", "3B", "3C", "3D", "4A", "4B", "4E", "5A", "5C"):
        assert re.search(rf"^## {code}: ", md, re.MULTILINE)
    assert "**Suggested level: Competent.**" in md
    assert "**Not enough evidence.** Not enough evidence: acknowledged within target rests on 6" in md
    assert "Resolved within target: 67% (needs Approaching Competence ≥ 50%; Competent ≥ 75%" in md
    assert "Highly Competent ≥ 90%; at least 10)" in md
    assert "No data yet for 2026-03-01 to 2026-04-30." in md
    assert "30.0 h" not in md
