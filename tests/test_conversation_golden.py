"""Golden conversations per locale: the exact replies a parent gets, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.app import Bot
from tests.fixtures.golden import golden_files, load_golden, play

GOLDENS = [
    pytest.param(path, id=f"{path.parent.name}/{path.stem}")
    for loc in ("en", "es")
    for path in golden_files(loc)
]


def test_every_locale_has_goldens() -> None:
    assert len(golden_files("en")) >= 5
    assert len(golden_files("es")) >= 5


@pytest.mark.parametrize("path", GOLDENS)
def test_golden_conversation(bot: Bot, path) -> None:  # type: ignore[no-untyped-def]
    play(bot, load_golden(path))
