"""`outreach school`: a real school is chosen, not found, and the demo comes only into an empty database."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.processes import clean_env, run_outreach

LINCOLN = "tests/fixtures/schools/lincoln.yaml"
PARENT = "+13125550177"


def test_from_an_empty_database_school_use_makes_the_bot_that_school(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'lincoln.db'}")
    used = run_outreach("school", "use", LINCOLN, env=env)
    assert used.returncode == 0, used.stderr
    assert used.stdout.splitlines()[0] == (
        "Lincoln Middle School (lincoln-middle) is now the active school, time zone America/Chicago."
    )
    listed = run_outreach("school", "list", env=env)
    assert [line.split()[:2] for line in listed.stdout.splitlines()] == [["*", "lincoln-middle"]]

    chat = run_outreach("chat", "--phone", PARENT, env=env, stdin="hi\n1\nhelp\noffice hours\n")
    assert chat.returncode == 0, chat.stderr
    assert "Lincoln Middle School" in chat.stdout
    assert "(312) 555-0142" in chat.stdout
    assert "8:15 AM - 3:45 PM" in chat.stdout
    assert "Rosewood" not in chat.stdout
    # No demo events or volunteer shifts came with it.
    assert run_outreach("events", "list", env=env).stdout.strip() == "no upcoming events"
    assert "no upcoming shifts" in run_outreach("volunteers", "list", env=env).stdout

    shown = run_outreach("school", "show", env=env)
    assert "active school: Lincoln Middle School (lincoln-middle)" in shown.stdout
    assert "time zone:     America/Chicago" in shown.stdout


def test_school_use_switches_from_the_demo(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    first = run_outreach("chat", "--phone", PARENT, env=env, stdin="hi\n")
    assert "Rosewood Elementary" in first.stdout
    loaded = run_outreach("load", LINCOLN, env=env)
    assert loaded.stdout.splitlines()[:2] == [
        "loaded Lincoln Middle School (lincoln-middle)",
        f"the bot still answers as Rosewood Elementary: `outreach school use {LINCOLN}` switches to it",
    ]
    assert run_outreach("school", "use", LINCOLN, env=env).returncode == 0
    listed = run_outreach("school", "list", env=env).stdout.splitlines()
    assert [line.split()[:2] for line in listed] == [
        ["rosewood-elementary", "Rosewood"],
        ["*", "lincoln-middle"],
    ]
    after = run_outreach("chat", "--phone", "+13125550178", env=env, stdin="hi\n")
    assert "Lincoln Middle School" in after.stdout
    # The demo's events and shifts stay the demo school's: Lincoln's families and staff see none.
    assert run_outreach("events", "list", env=env).stdout.strip() == "no upcoming events"
    assert "no upcoming shifts" in run_outreach("volunteers", "list", env=env).stdout
    shifts = run_outreach("chat", "--phone", "+13125550179", env=env, stdin="hi\n1\nVOLUNTEER\n1\n0\n")
    assert "No shifts are open right now." in shifts.stdout
    assert "Family night set-up crew" not in shifts.stdout and "Classroom art helper" not in shifts.stdout


def test_the_demo_comes_only_into_an_empty_database_without_a_school_file(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", LOG_LEVEL="INFO")
    result = run_outreach("chat", "--phone", PARENT, env=env, stdin="hi\n")
    assert "no SCHOOL_FILE: loaded the demo school Rosewood Elementary" in result.stderr
    assert run_outreach("events", "list", env=env).stdout.strip() != "no upcoming events"
    again = run_outreach("chat", "--phone", PARENT, env=env, stdin="hi\n")
    assert "demo school" not in again.stderr


def test_a_school_file_setting_loads_that_school_without_demo_activities(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 's.db'}", SCHOOL_FILE=LINCOLN)
    result = run_outreach("chat", "--phone", PARENT, env=env, stdin="hi\n")
    assert "Lincoln Middle School" in result.stdout
    assert "demo school" not in result.stderr
    assert run_outreach("events", "list", env=env).stdout.strip() == "no upcoming events"
    assert "no upcoming shifts" in run_outreach("volunteers", "list", env=env).stdout


def test_school_use_refuses_a_bad_file_and_keeps_the_active_school(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: bad\nname: Bad\ntimezone: Mars/Olympus\n")
    result = run_outreach("school", "use", str(bad), env=env)
    assert result.returncode == 1
    assert "  timezone: unknown time zone 'Mars/Olympus'" in result.stderr
    assert run_outreach("school", "list", env=env).stdout.startswith("no school loaded yet")


def test_load_flags_a_faq_entry_without_example_questions_in_a_language(tmp_path: Path) -> None:
    school = Path(LINCOLN).read_text(encoding="utf-8") + (
        "faq:\n"
        "  - id: uniform\n"
        "    question: {en: School uniforms, es: Uniformes escolares}\n"
        "    answer: {en: White polo and navy pants., es: Polo blanco y pantalón azul marino.}\n"
        "    examples: {en: [where do I buy the uniform], ko: [교복은 어디서 사요]}\n"
    )
    path = tmp_path / "lincoln-faq.yaml"
    path.write_text(school, encoding="utf-8")
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'faq.db'}")
    loaded = run_outreach("load", str(path), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[0] == "loaded Lincoln Middle School (lincoln-middle)"
    flagged = [line for line in loaded.stderr.splitlines() if "no example questions" in line]
    assert flagged == [
        f"{path}: faq.0 (uniform): no example questions in ar, es, fa, fil, hy, ru, vi, zh_Hans"
        " (parents asking in that language are understood less often)"
    ]


def _lincoln_with_its_own_files(folder: Path, events: str) -> Path:
    """Lincoln's school file with an events and a volunteers file beside it."""
    school = folder / "lincoln.yaml"
    school.write_text(Path(LINCOLN).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "lincoln.events.yaml").write_text(events, encoding="utf-8")
    (folder / "lincoln.volunteers.yaml").write_text(
        "spec_version: 1\nopportunities:\n"
        "  - {key: library-helper, title: {en: Library helper}, location: Room 104, capacity: 2,\n"
        "     supervisor: Mr. Ortega, shifts: [{in_days: 3, time: '09:00', hours: 2}]}\n",
        encoding="utf-8",
    )
    return school


def test_school_use_brings_the_schools_own_events_and_volunteers(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'own.db'}")
    assert "Rosewood" in run_outreach("chat", "--phone", PARENT, env=env, stdin="hi\n").stdout
    school = _lincoln_with_its_own_files(
        tmp_path,
        "events:\n  - {key: open-house, title: {en: Open house}, starts_in_days: 5, time: '17:30'}\n",
    )
    used = run_outreach("school", "use", str(school), env=env)
    assert used.returncode == 0, used.stderr
    assert [line for line in used.stdout.splitlines() if line.startswith("loaded ")] == [
        f"loaded 1 events from {tmp_path / 'lincoln.events.yaml'}",
        f"loaded 1 volunteer opportunities from {tmp_path / 'lincoln.volunteers.yaml'}",
    ]
    events = run_outreach("events", "list", env=env).stdout.splitlines()
    assert len(events) == 1 and "17:30" in events[0] and "Open house" in events[0]
    shifts = run_outreach("volunteers", "list", env=env).stdout.splitlines()
    assert len(shifts) == 1 and "09:00" in shifts[0]
    assert shifts[0].endswith("Library helper · Room 104 · Mr. Ortega")
    # A parent reads them at Chicago's wall-clock times (Los Angeles would say 3:30 PM and 7:00 AM).
    chat = run_outreach("chat", "--phone", "+13125550180", env=env, stdin="hi\n1\nEVENTS\nVOLUNTEER\n1\n0\n")
    assert "Open house" in chat.stdout and ", 5:30 PM" in chat.stdout
    assert "Library helper" in chat.stdout and ", 9:00 AM" in chat.stdout
    assert "Rosewood" not in chat.stdout.split("Lincoln Middle School", 1)[1]


def test_school_use_refuses_a_past_event_naming_it_in_the_schools_time(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'past.db'}")
    school = _lincoln_with_its_own_files(
        tmp_path, "events:\n  - {key: open-house, title: {en: Open house}, starts: '2026-01-08 17:30'}\n"
    )
    used = run_outreach("school", "use", str(school), env=env)
    assert used.returncode == 1
    assert used.stderr.splitlines() == [
        f"{tmp_path / 'lincoln.events.yaml'}: not loaded, 1 error(s)",
        "  events.0.starts: 'Open house' (open-house) starts Thu 2026-01-08 17:30 CST (America/Chicago), "
        "which has passed: give it a date in the future",
    ]
    # The school and its volunteers are in; the events file loads once its date is fixed.
    assert "Library helper" in run_outreach("volunteers", "list", env=env).stdout
    load = run_outreach("events", "load", str(tmp_path / "lincoln.events.yaml"), env=env)
    assert load.returncode == 1 and "which has passed" in load.stderr


def test_after_school_use_the_demos_event_and_shift_ids_are_refused(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'ids.db'}")
    shown = run_outreach("events", "show", "1", env=env)
    assert shown.returncode == 0 and "#1 Reading at home workshop" in shown.stdout
    roster = run_outreach("volunteers", "roster", "1", env=env)
    assert roster.returncode == 0, roster.stderr
    assert run_outreach("school", "use", LINCOLN, env=env).returncode == 0
    for command, refused in (
        (("events", "show", "1"), "no event #1 at Lincoln Middle School"),
        (("events", "edit", "1", "--location", "Gym"), "no event #1 at Lincoln Middle School"),
        (("events", "cancel", "1"), "no event #1 at Lincoln Middle School"),
        (("events", "attendance", "1", "--count", "3"), "no event #1 at Lincoln Middle School"),
        (("volunteers", "roster", "1"), "no shift 1 at Lincoln Middle School"),
        (("volunteers", "edit", "1", "--capacity", "9"), "no shift 1 at Lincoln Middle School"),
        (("volunteers", "edit", "1", "--time", "09:00"), "no shift 1 at Lincoln Middle School"),
    ):
        result = run_outreach(*command, env=env)
        assert result.returncode == 1 and refused in result.stderr, (command, result.stderr)
    assert run_outreach("school", "use", "schools/demo.yaml", env=env).returncode == 0
    again = run_outreach("events", "show", "1", env=env)
    assert "version 1, scheduled" in again.stdout and "where:     Library" in again.stdout
