"""Shared fixtures: every store-backed test runs on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Bot
from tests.fixtures.bots import make_bot
from tests.fixtures.databases import SqliteTemplate, require_postgres, reset_postgres


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """A migrated SQLite file copied for each test."""
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    """A clean, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_template.fresh(tmp_path / "bot.db")
    url = require_postgres()
    reset_postgres(url)
    return url


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    """A wired bot with the demo school, dry-run transport."""
    wired = make_bot(db_url)
    yield wired
    wired.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-goldens`: re-record the golden conversations' replies (see tests/fixtures/golden.py)."""
    parser.addoption("--update-goldens", action="store_true", help="rewrite the expect lists of tests/golden")
