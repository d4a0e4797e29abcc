"""Loading school files into the store and reading the active school back, parsed and cached."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.services.school_data import SchoolData, load_school_file, parse_school
from bot.store import Store, Tx


class NoSchool(LookupError):
    """No school is loaded yet (`outreach load FILE`)."""


@dataclass(frozen=True)
class ActiveSchool:
    """A school's store id and its validated data."""

    id: int
    data: SchoolData


def load_school(store: Store, path: Path) -> ActiveSchool:
    """Validate a school file and store it (replacing the school with the same slug)."""
    data = load_school_file(path)
    with store.transaction() as tx:
        school = tx.upsert_school(data.slug, data.name, data.model_dump(mode="json"))
    return ActiveSchool(school.id, data)


class SchoolDirectory:
    """Reads schools from the store; parsed data is cached briefly so a reload shows up within seconds."""

    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl_seconds = ttl_seconds
        self._cache: dict[int | None, tuple[float, ActiveSchool]] = {}
        self._lock = threading.Lock()

    def current(self, tx: Tx, school_id: int | None = None) -> ActiveSchool:
        """The given school, or the first one loaded."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(school_id)
            if hit and now - hit[0] < self.ttl_seconds:
                return hit[1]
        school = tx.school(school_id)
        if school is None:
            raise NoSchool("no school loaded: run `outreach load FILE`")
        active = ActiveSchool(school.id, parse_school(school.data, Path(f"<store:{school.slug}>")))
        with self._lock:
            self._cache[school_id] = (now, active)
        return active

    def forget(self) -> None:
        """Drop the cache (after loading a school in this process)."""
        with self._lock:
            self._cache.clear()
