"""Alembic migrations and the SQLite tuning."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from bot.store.db import build_engine, normalize_url
from bot.store.migrate import downgrade, upgrade
from bot.store.models import Base
from tests.fixtures.databases import require_postgres

TABLES = {t.name for t in Base.metadata.sorted_tables}


def test_sqlite_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert set(inspect(create_engine(url)).get_table_names()) >= TABLES
    downgrade(url, "base")
    assert set(inspect(create_engine(url)).get_table_names()) == {"alembic_version"}
    upgrade(url)
    assert set(inspect(create_engine(url)).get_table_names()) >= TABLES


def test_postgres_upgrade_downgrade_upgrade() -> None:
    url = require_postgres()
    upgrade(url)
    downgrade(url, "base")
    engine = create_engine(normalize_url(url))
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'cmp.db'}"
    upgrade(url)
    with create_engine(url).connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()
