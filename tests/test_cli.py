"""The `outreach` command line as a coordinator uses it (one test runs the installed script itself)."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.processes import clean_env, run_outreach

BAD_SCHOOL = """
slug: Bad School!
name: Bad
phone: "555"
address: "1 Main St"
timezone: Mars/Olympus
office_hours:
  - {days: fri-mon, open: "09:00", close: "08:00"}
parent_center:
  where: {es: "Salón 1"}
  hours: []
  contact: {name: "Ana"}
principal: {name: "P"}
teachers: {name: "T"}
"""


def test_load_lists_every_error_with_its_path(tmp_path: Path) -> None:
    school = tmp_path / "bad.yaml"
    school.write_text(BAD_SCHOOL)
    result = run_outreach("load", str(school), env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))
    assert result.returncode == 1
    for path in (
        "slug:",
        "phone:",
        "timezone:",
        "office_hours.0.days:",
        "office_hours.0.close:",
        "parent_center:",
    ):
        assert f"  {path}" in result.stderr, result.stderr
    assert "error(s)" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_load_the_demo_school(tmp_path: Path) -> None:
    result = run_outreach(
        "load", "schools/demo.yaml", env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    )
    assert result.returncode == 0, result.stderr
    assert "loaded Rosewood Elementary (rosewood-elementary)" in result.stdout


def test_load_a_missing_file(tmp_path: Path) -> None:
    result = run_outreach("load", str(tmp_path / "nope.yaml"), env=clean_env())
    assert result.returncode == 1
    assert "cannot read" in result.stderr


def test_chat_is_scriptable_through_stdin(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}")
    result = run_outreach(
        "chat", "--phone", "+12135550500", env=env, stdin="hola\n2\n4\nALTO\nhola\n", process=True
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "< Hi! This is Rosewood Elementary's text line for families." in out
    assert "¡Listo! Le escribiré en español." in out
    assert "Oficina: lun-vie 7:30 - 16:00" in out
    assert "Ya no recibirá mensajes de Rosewood Elementary." in out
    assert out.rstrip().endswith("< (no reply)")


def test_chat_refuses_a_non_phone(tmp_path: Path) -> None:
    result = run_outreach(
        "chat", "--phone", "school", env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")
    )
    assert result.returncode == 1
    assert "is not a phone number" in result.stderr


def test_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    result = run_outreach("db", "upgrade", env=clean_env(QUIET_HOURS_START="25:00"), cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: bad setting QUIET_HOURS_START: ")


def test_content_checks_pass() -> None:
    assert run_outreach("flows", "validate", env=clean_env()).returncode == 0
    checked = run_outreach("i18n", "check", env=clean_env())
    assert checked.returncode == 0, checked.stderr
    # No native speaker has reviewed a catalog yet: every locale reports 0%.
    assert "es: 0 of " in checked.stdout and "zh_Hans: 0 of " in checked.stdout
    assert checked.stdout.count("entries marked reviewed (0%)") == 9


def test_concerns_escalate_runs_from_cron(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'esc.db'}")
    result = run_outreach("concerns", "escalate", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nothing overdue"
