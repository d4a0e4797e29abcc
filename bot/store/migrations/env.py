"""Alembic environment: runs migrations online, one process at a time on PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.store.db import build_engine
from bot.store.models import Base

MIGRATION_LOCK_KEY = 7_204_311  # arbitrary, fixed: serializes concurrent `db upgrade` runs


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave APScheduler's job table (it creates its own) out of autogenerate comparisons."""
    return not (type_ == "table" and name == "apscheduler_jobs")


def run_migrations_online() -> None:
    """Run the migrations inside one transaction (and one advisory lock on PostgreSQL)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url
    engine = build_engine(url, pool_size=1)
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                include_object=_ours,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                connection.commit()
    engine.dispose()


run_migrations_online()
