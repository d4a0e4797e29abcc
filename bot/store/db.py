"""Database engine creation: SQLite tuned for a single school, PostgreSQL for a district."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def is_sqlite(url: str) -> bool:
    """True for a SQLite database URL."""
    return make_url(url).get_backend_name() == "sqlite"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for a plain postgresql:// URL."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def build_engine(url: str, *, pool_size: int = 10) -> Engine:
    """Create the engine: SQLite gets WAL, a busy timeout, foreign keys, immediate writes, one connection.

    `pool_size` applies to PostgreSQL only.
    """
    url = normalize_url(url)
    if is_sqlite(url):
        # One connection per process: SQLite has one writer anyway, and threads waiting in the pool
        # queue in order, while threads waiting in SQLite's busy handler back off for up to 100 ms
        # each time and let newcomers jump ahead (seconds-long tails under load).
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
        )
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event own transactions so we can take the write lock up front:
        # a deferred transaction that upgrades to a writer fails with SQLITE_BUSY despite the timeout.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Freed space is zeroed as rows go, so an erased parent's words do not linger in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
