"""Loading school files into the store, choosing the active school, and reading it back parsed and cached."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain import EvidenceFact
from bot.services.school_data import SchoolData, load_school_file, parse_school
from bot.services.school_texts import review_counts
from bot.store import Store, Tx

NO_SCHOOL_ZONE = ZoneInfo("UTC")  # only until a school is loaded: nothing is scheduled for no school


class NoSchool(LookupError):
    """No school is loaded yet (`outreach school use FILE`)."""


@dataclass(frozen=True)
class ActiveSchool:
    """A school's store id and its validated data."""

    id: int
    data: SchoolData

    @property
    def zone(self) -> ZoneInfo:
        """The school's time zone, from its school file."""
        return self.data.zone


def load_school(
    store: Store, path: Path, *, activate: bool = False, override_48985: str | None = None
) -> ActiveSchool:
    """Validate a school file and store it (replacing the school with the same slug).

    It becomes the active school when asked to, or when no school is active yet. Its texts in each
    language other than the default are counted as 5A evidence: human-reviewed or machine drafts.
    """
    data = load_school_file(path)
    with store.transaction() as tx:
        school = tx.upsert_school(data.slug, data.name, data.model_dump(mode="json"))
        if activate or tx.school() is None:
            tx.activate_school(school.id)
        for fact, locale in text_review_facts(data):
            tx.add_evidence(fact, contact_id=None, school_id=school.id, locale=locale)
        if override_48985:
            fact = EvidenceFact("5A", "school_texts_override", detail=data.slug)
            tx.add_evidence(fact, contact_id=None, school_id=school.id, locale=None)
    return ActiveSchool(school.id, data)


def text_review_facts(data: SchoolData) -> list[tuple[EvidenceFact, str]]:
    """Per language, how many of the school's texts a person wrote or reviewed, and how many are drafts."""
    counts = review_counts(data.model_dump(mode="json"), data.default_locale, data.machine_translated)
    facts = []
    for locale, count in counts.items():
        for detail, number in (("reviewed", count.reviewed), ("machine", count.texts - count.reviewed)):
            if number:
                facts.append((EvidenceFact("5A", "school_texts", float(number), detail), locale))
    return facts


class SchoolDirectory:
    """Reads schools from the store; parsed data is cached briefly so a change shows up within seconds."""

    def __init__(self, store: Store | None = None, ttl_seconds: float = 30.0) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self._cache: dict[int | None, tuple[float, ActiveSchool]] = {}
        self._lock = threading.Lock()

    def current(self, tx: Tx, school_id: int | None = None) -> ActiveSchool:
        """The given school, or the active one."""
        hit = self._cached(school_id)
        if hit is not None:
            return hit
        school = tx.school(school_id)
        if school is None:
            raise NoSchool("no school loaded: run `outreach school use FILE`")
        active = ActiveSchool(school.id, parse_school(school.data, Path(f"<store:{school.slug}>")))
        with self._lock:
            self._cache[school_id] = (time.monotonic(), active)
        return active

    def zone(self) -> ZoneInfo:
        """The active school's time zone, read when it is needed (a `school use` shows within the TTL)."""
        hit = self._cached(None)
        if hit is not None:
            return hit.zone
        if self.store is None:
            raise NoSchool("this directory has no store to read the active school from")
        try:
            with self.store.reading() as tx:
                return self.current(tx).zone
        except NoSchool:
            return NO_SCHOOL_ZONE

    def forget(self) -> None:
        """Drop the cache (after loading a school in this process)."""
        with self._lock:
            self._cache.clear()

    def _cached(self, school_id: int | None) -> ActiveSchool | None:
        with self._lock:
            hit = self._cache.get(school_id)
        if hit and time.monotonic() - hit[0] < self.ttl_seconds:
            return hit[1]
        return None
