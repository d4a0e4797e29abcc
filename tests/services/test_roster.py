"""Rosters as schools export them: aliases, language names, siblings, two guardians, bad lines."""

from __future__ import annotations

import pytest

from bot.app import Bot
from bot.services.roster import RosterEntry, RosterError, import_roster, parse_grade, plan_roster
from tests.fixtures.bots import make_bot

SHIPPED = ("en", "ar", "es", "fa", "fil", "hy", "ko", "ru", "vi", "zh_Hans")

# An export with the student on each line: siblings share their parent's phone, written differently.
BY_STUDENT = """Student ID,Student Name,Grade,Home Language,Parent/Guardian Name,Phone Number
1001,"Ruiz, Mateo",K,Spanish,Ana Ruiz,(213) 555-0101
1002,"Ruiz, Sofia",3,español,Ana Ruiz,213-555-0101
1003,"Kim, Ji-woo",05,Korean,Min Kim,+1 213 555 0103

1004,"Chen, Li",TK,Mandarin,Wei Chen,2135550104
1005,"Nguyen, An",12,Tiếng Việt,Hoa Nguyen,213.555.0105
1006,"Wu, Yan",2,zh,Jun Wu,213 555 0106
"""

# Two guardians' phones per student, upper-case and snake-case headers, programs as groups.
TWO_GUARDIANS = (
    (
        "STUDENT_NAME,GRADE_LEVEL,PRIMARY LANGUAGE,"
        "Guardian 1 Name,Guardian 1 Phone,Guardian 2 Name,Guardian 2 Phone,Programs\n"
    )
    + """"Ali, Sara",2,Farsi,Reza Ali,(818) 555-0201,Mina Ali,(818) 555-0202,ELAC
"Ali, Omid",4,fa,Reza Ali,(818) 555-0201,,,
"Santos, Luz",1,Tagalog,Maria Santos,818-555-0203,,,GATE;ELAC
"Brown, Max",K,English,Pat Brown,818 555 0204,Sam Brown,818 555 0205,
"Vang, Mai",3,Hmong,Tou Vang,818-555-0206,,,
"Lee, Joon",1st,Chinese,Grace Lee,818-555-0207,,,
"""
)


def test_an_export_by_student_gives_one_family_per_phone() -> None:
    plan = plan_roster(BY_STUDENT, "US", SHIPPED)
    assert plan.entries == [
        RosterEntry("+12135550101", "es", ("K", "3"), (), "Ana Ruiz"),
        RosterEntry("+12135550103", "ko", ("5",), (), "Min Kim"),
        RosterEntry("+12135550104", "zh_Hans", ("TK",), (), "Wei Chen"),
        RosterEntry("+12135550105", "vi", ("12",), (), "Hoa Nguyen"),
        RosterEntry("+12135550106", "zh_Hans", ("2",), (), "Jun Wu"),
    ]
    assert plan.rows == 6
    assert plan.notes("en") == ["2 rows merged into one family (the same phone on several rows)"]


def test_two_guardians_are_two_contacts_and_siblings_merge() -> None:
    plan = plan_roster(TWO_GUARDIANS, "US", SHIPPED)
    assert plan.entries == [
        RosterEntry("+18185550201", "fa", ("2", "4"), ("ELAC",), "Reza Ali"),
        RosterEntry("+18185550202", "fa", ("2",), ("ELAC",), "Mina Ali"),
        RosterEntry("+18185550203", "fil", ("1",), ("ELAC", "GATE"), "Maria Santos"),
        RosterEntry("+18185550204", "en", ("K",), (), "Pat Brown"),
        RosterEntry("+18185550205", "en", ("K",), (), "Sam Brown"),
        RosterEntry("+18185550206", None, ("3",), (), "Tou Vang"),
        RosterEntry("+18185550207", "zh_Hans", ("1",), (), "Grace Lee"),
    ]
    assert plan.notes("en") == [
        "2 rows merged into one family (the same phone on several rows)",
        "no texts yet in Hmong 1: those families get en",
    ]


def test_every_bad_line_is_reported_and_blank_lines_are_skipped() -> None:
    text = "Phone,Language,Grade\n2135550101,Spanish,13;K;99\nnot a phone,es,3\n\n,,\n2135550103,Elvish,2\n"
    with pytest.raises(RosterError) as raised:
        plan_roster(text, "US", SHIPPED)
    assert raised.value.errors == [
        "line 2: grade '13' is not K, TK or 1-12; grade '99' is not K, TK or 1-12",
        "line 3: 'not a phone' is not a phone number",
        "line 6: language 'Elvish' is not a language name or code (such as es, Spanish or Español)",
    ]


def test_a_file_without_a_phone_column_says_what_columns_it_needs() -> None:
    with pytest.raises(RosterError) as raised:
        plan_roster("Name,Grade\nAna,K\n", "US", SHIPPED)
    assert raised.value.errors[0].startswith("the first line must name the columns, at least a phone")


@pytest.mark.parametrize(
    ("cell", "grade"),
    [("K", "K"), ("kg", "K"), ("TK", "TK"), ("01", "1"), ("3rd", "3"), ("Grade 7", "7"), ("12", "12")],
)
def test_grades_school_systems_write(cell: str, grade: str) -> None:
    assert parse_grade(cell) == grade


@pytest.mark.parametrize("cell", ["13", "0", "99", "PK", "senior"])
def test_what_is_not_a_grade(cell: str) -> None:
    assert parse_grade(cell) is None


@pytest.fixture
def bot(db_url: str) -> Bot:
    wired = make_bot(db_url)
    yield wired  # type: ignore[misc]
    wired.close()


def test_a_dry_run_counts_and_saves_nothing_then_the_import_merges(bot: Bot) -> None:
    preview = import_roster(bot.store, TWO_GUARDIANS, "US", SHIPPED, dry_run=True)
    assert (preview.added, preview.updated) == (7, 0)
    with bot.store.transaction() as tx:
        assert tx.known_phones(["+18185550201"]) == set()
    done = import_roster(bot.store, TWO_GUARDIANS, "US", SHIPPED)
    assert (done.added, done.updated) == (7, 0)
    with bot.store.transaction() as tx:
        contacts = {c.phone: c for c in tx.audience_contacts(None)}
    reza = contacts["+18185550201"]
    assert (reza.locale, reza.grades, reza.groups) == ("fa", ("2", "4"), ("ELAC",))
    again = import_roster(bot.store, TWO_GUARDIANS, "US", SHIPPED, dry_run=True)
    assert (again.added, again.updated) == (0, 7)
