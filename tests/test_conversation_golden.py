"""Golden conversations per locale: the exact replies a parent gets, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

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
