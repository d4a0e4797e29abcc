"""Shared fixtures: every store-backed test runs on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Bot
from tests.fixtures.bots import make_bot
from tests.fixtures.databases import (
    POSTGRES_URL,
    REQUIRE_POSTGRES,
    SqliteTemplate,
    postgres_problem,
    require_postgres,
    reset_postgres,
)


def pytest_configure(config: pytest.Config) -> None:
    """Markers the Makefile selects on (`make check` runs the tests that need no database or server)."""
    config.addinivalue_line("markers", "db: uses a database (added to every test that takes db_url)")


def pytest_sessionstart(session: pytest.Session) -> None:
    """When CI makes PostgreSQL mandatory and it does not answer, stop at once with one line."""
    if REQUIRE_POSTGRES and (problem := postgres_problem()) is not None:
        pytest.exit(f"PostgreSQL required (OUTREACH_REQUIRE_POSTGRES=1) but {POSTGRES_URL}: {problem}", 3)


# Names whose use in a test function starts a process or a server (`slow`).
PROCESS_NAMES = frozenset({"run_outreach", "subprocess", "Popen", "start_server"})


def _starts_processes(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    code = getattr(function, "__code__", None)
    return code is not None and not PROCESS_NAMES.isdisjoint(_names(code))


@functools.cache
def _names(code: types.CodeType) -> frozenset[str]:
    """Every global and attribute name a function's code (and the functions inside it) uses."""
    inner = (c for c in code.co_consts if isinstance(c, types.CodeType))
    return frozenset(code.co_names).union(*map(_names, inner))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that take a database (`db`) or start processes (`slow`); run the slow ones first.

    `make check` leaves out both. Under pytest-xdist the long runs start early, so they overlap
    with the many short tests instead of leaving one worker busy at the end.
    """
    for item in items:
        if "db_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
        if _starts_processes(item):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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
