"""`outreach contacts import` on a real export: a dry run first, then the import, with what was merged."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.processes import clean_env, run_outreach

EXPORT = """Student Name,Grade,Home Language,Parent Name,Phone Number
"Ruiz, Mateo",K,Spanish,Ana Ruiz,(213) 555-0101
"Ruiz, Sofia",3,Spanish,Ana Ruiz,213-555-0101

"Kim, Ji-woo",5,Korean,Min Kim,+1 213 555 0103
"""


def test_dry_run_then_import(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}")
    roster = tmp_path / "export.csv"
    roster.write_text(EXPORT, encoding="utf-8")
    preview = run_outreach("contacts", "import", str(roster), "--dry-run", env=env)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.splitlines() == [
        "dry run, nothing saved:",
        "  ***0101  es      grades K;3      groups -",
        "  ***0103  ko      grades 5        groups -",
        "2 families from 3 rows: 2 to add, 0 to update",
        "2 rows merged into one family (the same phone on several rows)",
    ]
    done = run_outreach("contacts", "import", str(roster), env=env)
    assert done.stdout.splitlines()[0] == "2 families from 3 rows: 2 added, 0 updated"
