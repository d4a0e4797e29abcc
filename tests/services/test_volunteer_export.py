"""The roster export: the CSV a supervising teacher opens in a spreadsheet."""

from __future__ import annotations

import csv
import io

from bot.app import Bot
from bot.services.volunteer_export import ROSTER_COLUMNS, roster_csv
from tests.fixtures.processes import clean_env, run_outreach
from tests.fixtures.volunteering import load_test_shifts, parent


def test_the_roster_csv_has_who_is_coming_and_who_waits(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]  # one place, needs a form and a TB test
    first = parent(bot, "+12135557501", "es", name="Ana Ruiz")
    second = parent(bot, "+12135557502", "ko")
    signup = bot.volunteers.sign_up(shift, first).signup_id or 0
    bot.volunteers.sign_up(shift, second)
    bot.volunteers.mark_requirement(signup, "tb_test", "U0STAFF")
    rows = list(csv.reader(io.StringIO(roster_csv(bot.volunteers.roster(shift), bot.schools.zone()))))
    assert tuple(rows[0]) == ROSTER_COLUMNS
    assert rows[1:] == [
        [str(shift), "Reading with children", "2099-12-03 08:30", str(signup), "Ana Ruiz", "***7501", "es",
         "confirmed", "", "tb_test", "application", ""],
        [str(shift), "Reading with children", "2099-12-03 08:30", rows[2][3], "", "***7502", "ko",
         "waitlisted", "1", "", "application;tb_test", ""],
    ]  # fmt: skip
    full = roster_csv(bot.volunteers.roster(shift, full_phones=True), bot.schools.zone())
    assert "+12135557501" in full


def test_outreach_volunteers_roster_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", VOLUNTEERS_FILE="")
    loaded = run_outreach("volunteers", "load", "tests/fixtures/volunteers.yaml", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "2 new" in loaded.stdout
    listed = run_outreach("volunteers", "list", env=env)
    assert "Reading with children" in listed.stdout and "0/1 filled" in listed.stdout
    shift_id = listed.stdout.split()[0]
    chat = run_outreach("chat", "--phone", "+12135557511", env=env, stdin="hi\n1\nVOLUNTEER\n0\n0\n1\n1\n")
    assert "You are signed up for Reading with children" in chat.stdout, chat.stdout
    exported = run_outreach("volunteers", "roster", shift_id, "--csv", env=env)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.reader(io.StringIO(exported.stdout)))
    assert tuple(rows[0]) == ROSTER_COLUMNS and len(rows) == 2
    assert rows[1][5] == "***7511" and rows[1][7] == "confirmed"
    bad = run_outreach("volunteers", "roster", "999", env=env)
    assert bad.returncode == 1 and "no shift 999" in bad.stderr
