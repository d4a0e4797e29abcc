"""The HTML report in a real headless Chromium: charts render, no console errors, no network, fits a phone.

Screenshots (phone and desktop) and the printed PDF are kept in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import PROJECT_ROOT
from bot.report.build import ReportScope, build_report
from bot.report.render_html import render_html
from bot.report.thresholds import load_thresholds
from tests.fixtures.chromium import Browser
from tests.fixtures.evidence import busy_rows, concerns_of

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHARTS = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('rect.bar')].filter(r => {
    const b = r.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
  return {width: box.width, height: box.height, bars: bars.length,
          stubs: svg.querySelectorAll('rect.bar-suppressed').length};
}))"""


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    scope = ReportScope(
        date(2026, 1, 1), date(2026, 6, 30), ZoneInfo("America/Los_Angeles"), "Rosewood", "rw"
    )
    rows = busy_rows()
    built = build_report(
        rows,
        scope,
        load_thresholds(),
        min_group=5,
        generated_at=datetime(2026, 7, 1, tzinfo=UTC),
        concerns=concerns_of(rows),
    )
    path = tmp_path / "report.html"
    path.write_text(render_html(built), encoding="utf-8")
    return path


def keep(path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)


@pytest.mark.slow
def test_the_report_renders_its_charts_on_a_phone_without_errors(
    chromium: str, report_file: Path, tmp_path: Path
) -> None:
    import json

    with Browser(chromium) as browser:
        browser.open(report_file.as_uri(), width=390, height=844, mobile=True)
        charts = json.loads(browser.evaluate(CHARTS))
        assert len(charts) >= 20, charts  # a trend and a language chart for most of the 13 indicators
        assert all(c["width"] > 300 and c["height"] > 20 for c in charts), charts
        assert all(c["bars"] + c["stubs"] > 0 for c in charts), charts
        # The fixture spans six months: each trend chart draws a bar per month, not a blank axis.
        assert len([c for c in charts if c["bars"] == 6]) >= 10, charts
        width, viewport = browser.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= viewport, "the page scrolls sideways on a phone"
        keep(browser.screenshot(tmp_path / "report-phone.png"))
        browser.open(report_file.as_uri(), width=1280, height=900)
        keep(browser.screenshot(tmp_path / "report-desktop.png"))
        pdf = browser.pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        (tmp_path / "report.pdf").write_bytes(pdf)
        keep(tmp_path / "report.pdf")
        assert browser.problems() == []
        assert {url for url in browser.requests() if not url.startswith("about:")} == {report_file.as_uri()}
    assert (ARTIFACTS / "report-phone.png").stat().st_size > 10_000
