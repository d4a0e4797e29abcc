"""Golden conversations per locale: the exact replies a parent gets, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.app import LOCALES_DIR, Bot
from bot.i18n.catalogs import Catalogs
from tests.fixtures.golden import GOLDEN_DIR, golden_files, load_golden, play, record_golden

SHIPPED = Catalogs(LOCALES_DIR).available()
MIN_GOLDENS = 3  # welcome and menu, STOP/START/HELP, rights and a concern, at least

GOLDENS = [
    pytest.param(path, id=f"{path.parent.name}/{path.stem}")
    for locale in SHIPPED
    for path in golden_files(locale)
]


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_shipped_locale_has_goldens(locale: str) -> None:
    assert len(golden_files(locale)) >= MIN_GOLDENS, (
        f"{locale}: {len(golden_files(locale))} golden conversations in {GOLDEN_DIR / locale}, "
        f"want at least {MIN_GOLDENS}"
    )


def test_golden_phone_numbers_are_unique() -> None:
    phones: dict[str, str] = {}
    for locale in SHIPPED:
        for path in golden_files(locale):
            phone = load_golden(path).phone
            where = f"{locale}/{path.name}"
            assert phone not in phones, f"{where} and {phones[phone]} both use {phone}"
            phones[phone] = where


@pytest.mark.parametrize("path", GOLDENS)
def test_golden_conversation(bot: Bot, path: Path, request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-goldens"):
        record_golden(bot, path)
    else:
        play(bot, load_golden(path))


STALE = """\
# A conversation recorded long ago.
name: recorder-check
phone: '+12135559901'
turns:
- send: hi
  expect:
  - an old greeting
- send: '1'
  contains:
  - 'How can we help? Reply with a number:'
- after_hours: 25.0
- send: STATUS
  expect: []
"""


def test_the_recorder_rewrites_expect_lists_and_keeps_the_rest(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "recorder.yaml"
    path.write_text(STALE, encoding="utf-8")
    record_golden(bot, path)
    written = path.read_text(encoding="utf-8")
    assert written.startswith(
        "# A conversation recorded long ago.\nname: recorder-check\nphone: '+12135559901'\n"
    )
    turns = yaml.safe_load(written)["turns"]
    assert list(turns[0]) == ["send", "expect"] and len(turns[0]["expect"]) == 2
    assert turns[0]["expect"][1].startswith("Reply with the number of your language:\n")
    assert "  - |-\n    Reply with the number of your language:\n" in written
    assert turns[1] == {"send": "1", "contains": ["How can we help? Reply with a number:"]}
    assert turns[2] == {"after_hours": 25.0}
    assert turns[3]["expect"] == ["You have no concerns with us. Reply MENU to start one."]


def test_the_recorder_fails_when_a_contains_no_longer_holds(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "recorder.yaml"
    path.write_text(STALE.replace("How can we help?", "How may we help?"), encoding="utf-8")
    with pytest.raises(AssertionError, match="How may we help"):
        record_golden(bot, path)
    assert "an old greeting" in path.read_text(encoding="utf-8")


def test_a_turn_that_checks_nothing_fails(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "unchecked.yaml"
    path.write_text("name: unchecked\nphone: '+12135559902'\nturns:\n- send: hi\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="checks nothing"):
        play(bot, load_golden(path))
