"""One scheduler per database: a PostgreSQL advisory lock, or a file lock beside a SQLite file."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

SCHEDULER_LOCK_KEY = 7_204_312  # fixed and distinct from the migration lock


class SchedulerLock:
    """Held for as long as this process runs the scheduler; a second process waits for it."""

    def __init__(self, engine: Engine, poll_seconds: float = 2.0) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    def acquire(self, stop: threading.Event, on_wait: Callable[[], None] | None = None) -> bool:
        """Block until the lock is ours (True) or `stop` is set (False)."""
        told = False
        while not stop.is_set():
            if self._try():
                return True
            if not told:
                log.info("another scheduler holds the lock; this one waits and takes over if it stops")
                if on_wait:
                    on_wait()
                told = True
            stop.wait(self.poll_seconds)
        return False

    def held(self) -> bool:
        """True while the lock is still ours (a dropped PostgreSQL connection loses it)."""
        if self._file is not None:
            return True
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.exception("scheduler lock connection lost")
            self._connection = None
            return False

    def release(self) -> None:
        """Give the lock back (closing the connection or file releases it too)."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SCHEDULER_LOCK_KEY})
                self._connection.close()
            except Exception:
                log.warning("could not release the scheduler lock cleanly", exc_info=True)
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def _try(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            return self._try_postgres()
        return self._try_file()

    def _try_postgres(self) -> bool:
        connection = self.engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": SCHEDULER_LOCK_KEY})
            if got.scalar():
                connection.commit()
                self._connection = connection
                return True
        except Exception:
            log.warning("could not ask for the scheduler lock", exc_info=True)
        connection.close()
        return False

    def _try_file(self) -> bool:
        database = self.engine.url.database or ""
        path = Path(f"{database}.scheduler.lock") if database and database != ":memory:" else None
        if path is None:
            return True  # an in-memory database belongs to this process alone
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True
