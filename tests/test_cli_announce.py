"""`outreach contacts import` and `outreach announce ...`, run as a coordinator would."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.processes import clean_env, run_outreach

ROSTER = """phone,language,grades,groups,name
(213) 555-0101,en,K;1,,Ana
+1 213 555 0102,es,2,ELAC,
213-555-0103,es,3,ELAC;volunteers,Luis
+12135550104,vi,4,,
+12135550105,en,5,,
+12135550106,en,5,,
+12135550107,en,5,,
+12135550108,vi,1,,
"""

ANNOUNCEMENT = """
title: Minimum day
texts:
  en: "Friday is a minimum day: school ends at 12:30."
  es: "El viernes es día corto: las clases terminan a las 12:30."
audience: {}
send_at: now
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", QUIET_HOURS_START="00:00", QUIET_HOURS_END="00:00"
    )


def test_import_then_announce_now_with_progress_then_list(tmp_path: Path) -> None:
    env = _env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    imported = run_outreach("contacts", "import", str(roster), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "8 added, 0 updated" in imported.stdout
    again = run_outreach("contacts", "import", str(roster), env=env)
    assert "0 added, 8 updated" in again.stdout

    file = tmp_path / "minimum-day.yaml"
    file.write_text(ANNOUNCEMENT)
    refused = run_outreach("announce", "create", str(file), "--yes", env=env)
    assert refused.returncode == 1
    assert "vi" in refused.stdout and "48985" in refused.stderr  # 2 of 8 families speak Vietnamese
    created = run_outreach(
        "announce", "create", str(file), "--yes", "--override-48985", "translator out", env=env
    )
    assert created.returncode == 0, created.stderr
    assert "8 recipients" in created.stdout and "scheduled" in created.stdout and "queued" in created.stdout
    listed = run_outreach("announce", "list", env=env)
    assert "Minimum day" in listed.stdout and "queued 8" in listed.stdout
    preview = run_outreach("announce", "preview", "1", env=env)
    assert "vi" in preview.stdout and "gets en text" in preview.stdout
    cancelled = run_outreach("announce", "cancel", "1", env=env)
    assert "8 messages withdrawn" in cancelled.stdout
    twice = run_outreach("announce", "cancel", "1", env=env)
    assert twice.returncode == 1 and "already cancelled" in twice.stderr


def test_bad_files_list_every_problem(tmp_path: Path) -> None:
    env = _env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("phone,language\nnot a phone,en\n+12135550101,elvish\n")
    bad_roster = run_outreach("contacts", "import", str(roster), env=env)
    assert bad_roster.returncode == 1
    assert "line 2" in bad_roster.stderr and "line 3" in bad_roster.stderr and "elvish" in bad_roster.stderr
    file = tmp_path / "bad.yaml"
    file.write_text("title: x\ntexts: hello\nsend_at: tomorrow-ish\nwhen: now\n")
    bad = run_outreach("announce", "create", str(file), "--yes", env=env)
    assert bad.returncode == 1
    for field in ("texts:", "send_at:", "when:"):
        assert field in bad.stderr, bad.stderr


def test_a_send_time_that_has_passed_is_refused_unless_send_now(tmp_path: Path) -> None:
    env = _env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("phone,language\n+12135550101,en\n+12135550102,en\n")
    assert run_outreach("contacts", "import", str(roster), env=env).returncode == 0
    file = tmp_path / "late.yaml"
    file.write_text('title: Late\ntexts: {en: "School is closed today."}\nsend_at: "2020-01-06 07:30"\n')
    refused = run_outreach("announce", "create", str(file), "--yes", env=env)
    assert refused.returncode == 1
    assert "not scheduled: send_at Mon 2020-01-06 07:30 has passed" in refused.stderr
    assert "--send-now" in refused.stderr
    assert run_outreach("announce", "list", env=env).stdout.strip() == ""
    sent = run_outreach("announce", "create", str(file), "--yes", "--send-now", env=env)
    assert sent.returncode == 0, sent.stderr
    assert "queued" in sent.stdout
