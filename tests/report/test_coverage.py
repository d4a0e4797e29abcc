"""The report says what it cannot see: every rubric indicator without figures is listed with data to add."""

from __future__ import annotations

import csv
import io

from bot.report.coverage import NOT_EVIDENCED
from bot.report.figures import FIGURES
from bot.report.render_csv import render_csv
from bot.report.render_html import render_html
from bot.report.render_md import render_md
from bot.report.rubric import rubric
from tests.report.test_build import report

UNCOVERED = ("1C", "1F", "2A", "2B", "2D", "2E", "3A", "4D", "5B")


def test_every_rubric_indicator_is_either_covered_or_listed_as_not_evidenced() -> None:
    built = report()
    assert tuple(entry.code for entry, _ in built.uncovered) == UNCOVERED
    assert set(rubric()) == set(FIGURES) | set(UNCOVERED)
    assert all(NOT_EVIDENCED[code] for code in UNCOVERED)


def test_every_format_lists_what_the_text_line_cannot_see() -> None:
    built = report()
    md, html = render_md(built), render_html(built)
    assert "## Not evidenced by the text line" in md and "Not evidenced by the text line" in html
    assert "**4D: Fair and consistent protocols to address parent complaints" in md
    table = list(csv.DictReader(io.StringIO(render_csv(built))))
    listed = [r["indicator"] for r in table if r["status"] == "not_evidenced"]
    assert tuple(listed) == UNCOVERED


def test_4e_quotes_its_fair_and_consistent_row() -> None:
    fair = dict(rubric()["4E"].also)["Fair & consistent"]
    assert fair["competent"].startswith("Protocols to address parent complaints and facilitate respectful")
    assert set(fair) == {"emerging", "approaching", "competent", "highly_competent"}
