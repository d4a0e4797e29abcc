"""`outreach demo-data` then `outreach report` in each format, as processes, as a school would run them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.fixtures.processes import clean_env, run_outreach


@pytest.mark.slow
def test_demo_data_then_the_report_in_every_format(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", REPORT_MIN_GROUP="3")
    made = run_outreach("demo-data", "--months", "2", "--intensity", "0.7", env=env)
    assert made.returncode == 0, made.stderr
    assert "demo activity from" in made.stdout and "concerns" in made.stdout
    again = run_outreach("demo-data", "--months", "1", env=env)
    assert again.returncode == 1 and "already has" in again.stderr

    html = tmp_path / "out" / "report.html"
    result = run_outreach("report", "--format", "html", "--out", str(html), env=env)
    assert result.returncode == 0, result.stderr
    assert "indicators have data" in result.stderr
    page = html.read_text()
    assert "<svg" in page and "Rosewood Elementary" in page and "fewer than 3" in page
    assert "4E: Process to resolve" in page
    assert "No data yet" not in page  # the demo gives every indicator evidence, announcements included

    csv_file = tmp_path / "report.csv"
    assert run_outreach("report", "--format", "csv", "--out", str(csv_file), env=env).returncode == 0
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert {r["school"] for r in rows} == {"rosewood-elementary"}
    assert any(
        r["indicator"] == "4E" and r["figure"] == "ack_hours_median" and r["status"] == "ok" for r in rows
    )

    md = run_outreach("report", "--format", "md", "--school", "rosewood-elementary", env=env)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Parent engagement evidence: Rosewood Elementary")


def test_report_options_are_checked(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    unknown = run_outreach("report", "--school", "nowhere", env=env)
    assert unknown.returncode == 1 and "no school 'nowhere'" in unknown.stderr
    backwards = run_outreach("report", "--from", "2026-05-01", "--to", "2026-04-01", env=env)
    assert backwards.returncode == 1 and "before it starts" in backwards.stderr
    bad = tmp_path / "t.yaml"
    bad.write_text("indicators:\n  4E:\n    - {figure: nope}\n")
    thresholds = run_outreach("report", "--thresholds", str(bad), env=env)
    assert thresholds.returncode == 1 and "'nope' is not a figure of 4E" in thresholds.stderr
    empty = run_outreach("report", "--format", "md", "--from", "2026-01-01", "--to", "2026-01-31", env=env)
    assert empty.returncode == 0 and empty.stdout.count("No data yet") == 15
