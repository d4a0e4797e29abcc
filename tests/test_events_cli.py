"""`outreach events ...`, run as a subprocess like a coordinator would, on the demo school's events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.fixtures.processes import clean_env, run_outreach

LA = ZoneInfo("America/Los_Angeles")
BAD_EVENTS = """
events:
  - key: Open House
    kind: party
    title: {es: Puertas abiertas}
    starts: "2030-02-30 18:00"
    reminders: [soon]
"""


def test_coordinators_manage_events_from_the_command_line(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'events.db'}")
    listed = run_outreach("events", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 4  # the demo school's events, loaded with it into the empty database
    assert "Reading at home workshop" in lines[0] and "(yes 0 · no 0)" in lines[0]
    assert "School Site Council meeting" in lines[2] and "(no RSVP)" in lines[2]

    day = (datetime.now(UTC).astimezone(LA) + timedelta(days=20)).date().isoformat()
    edited = run_outreach("events", "edit", "1", "--starts", f"{day} 17:00", "--reminders", "1d", env=env)
    assert edited.returncode == 0, edited.stderr
    assert f"when:      {datetime.fromisoformat(day):%a} {day} 17:00 - 18:30" in edited.stdout
    assert "version 2" in edited.stdout
    assert f"reminder   1d: {datetime.fromisoformat(day) - timedelta(days=1):%a %Y-%m-%d} 17:00 pending" in (
        edited.stdout
    )

    cancelled = run_outreach("events", "cancel", "2", env=env)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "cancelled #2 ELAC meeting; 0 parent(s)" in cancelled.stdout
    again = run_outreach("events", "cancel", "2", env=env)
    assert again.returncode == 1 and "already cancelled" in again.stderr

    counted = run_outreach("events", "attendance", "1", "--count", "12", env=env)
    assert counted.returncode == 0, counted.stderr
    assert "#1 Reading at home workshop: 12 attended" in counted.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_EVENTS, encoding="utf-8")
    refused = run_outreach("events", "load", str(bad), env=env)
    assert refused.returncode == 1
    for path in ("events.0.key:", "events.0.kind:", "events.0.reminders:"):
        assert f"  {path}" in refused.stderr, refused.stderr

    reloaded = run_outreach("events", "load", "schools/demo.events.yaml", env=env)
    assert reloaded.returncode == 0, reloaded.stderr
    statuses = [line.split()[0] for line in reloaded.stdout.splitlines()]
    assert statuses == ["updated", "cancelled", "unchanged", "unchanged"]  # a cancelled event stays so
