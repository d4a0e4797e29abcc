"""Roster import: the families a school already knows, with their language, grades and groups."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.services.phones import InvalidPhone, normalize_phone
from bot.store import Store

COLUMNS = ("phone", "language", "grades", "groups", "name")


class RosterError(Exception):
    """The roster file has problems; `errors` lists each with its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RosterEntry:
    """One family's line of the roster."""

    phone: str
    locale: str | None
    grades: tuple[str, ...]
    groups: tuple[str, ...]
    name: str | None


@dataclass(frozen=True)
class RosterResult:
    """How many contacts an import added and updated."""

    added: int
    updated: int


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({part.strip() for part in (value or "").split(";") if part.strip()}))


def parse_roster(text: str, region: str, shipped: tuple[str, ...]) -> list[RosterEntry]:
    """Entries from CSV text; raises RosterError listing every bad line."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "phone" not in reader.fieldnames:
        raise RosterError([f"the first line must name the columns, at least phone ({', '.join(COLUMNS)})"])
    entries, errors = [], []
    for number, row in enumerate(reader, start=2):
        try:
            phone = normalize_phone(row.get("phone") or "", region)
        except InvalidPhone:
            errors.append(f"line {number}: {row.get('phone')!r} is not a phone number")
            continue
        locale = (row.get("language") or "").strip() or None
        if locale and locale not in shipped:
            errors.append(f"line {number}: language {locale!r} is not one of {', '.join(shipped)}")
            continue
        name = (row.get("name") or "").strip()[:80] or None
        entries.append(RosterEntry(phone, locale, _split(row.get("grades")), _split(row.get("groups")), name))
    if errors:
        raise RosterError(errors)
    return entries


def import_roster(store: Store, text: str, region: str, shipped: tuple[str, ...]) -> RosterResult:
    """Add or update contacts from a roster CSV; an opted-out family stays opted out."""
    entries = parse_roster(text, region, shipped)
    with store.transaction() as tx:
        school = tx.school()
        added, updated = tx.upsert_roster(entries, school.id if school else None)
    return RosterResult(added, updated)
