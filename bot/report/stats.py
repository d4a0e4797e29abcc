"""Small statistics over evidence rows: every result carries the size of the group behind it."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.domain import EvidenceRecord

Rows = Sequence[EvidenceRecord]
Predicate = Callable[[EvidenceRecord], bool]


@dataclass(frozen=True)
class Measure:
    """A computed value and its group size: distinct parents, or rows that concern no parent.

    `personal` is False when no row is about a parent (events, announcements, opportunities): such
    figures are not suppressed however small the group.
    """

    value: float | None
    n: int
    personal: bool = True
    items: int = 0  # how many things (rows, concerns, events) the value rests on, for a minimum


NO_DATA = Measure(None, 0)


def group_size(rows: Iterable[EvidenceRecord]) -> int:
    """Distinct parents behind the rows; a row about no parent (an announcement, an event) counts once."""
    parents: set[int] = set()
    others = 0
    for row in rows:
        if row.contact_ref is None:
            others += 1
        else:
            parents.add(row.contact_ref)
    return len(parents) + others


def personal(rows: Iterable[EvidenceRecord]) -> bool:
    """True when any row is about a parent."""
    return any(row.contact_ref is not None for row in rows)


def measure(value: float | None, rows: Sequence[EvidenceRecord]) -> Measure:
    """A value with the group size and privacy of the rows behind it."""
    if value is None or not rows:
        return NO_DATA
    return Measure(value, group_size(rows), personal(rows), len(rows))


def of_kind(indicator: str, *kinds: str) -> Predicate:
    """Rows of this indicator with one of these kinds."""
    wanted = frozenset(kinds)
    return lambda row: row.indicator == indicator and row.kind in wanted


def with_detail(predicate: Predicate, *details: str) -> Predicate:
    """Rows matching `predicate` whose detail is one of these."""
    wanted = frozenset(details)
    return lambda row: predicate(row) and row.detail in wanted


def select(rows: Rows, predicate: Predicate) -> list[EvidenceRecord]:
    """The rows matching a predicate."""
    return [row for row in rows if predicate(row)]


def values(rows: Iterable[EvidenceRecord]) -> list[float]:
    """The numeric values of the rows that have one."""
    return [row.value for row in rows if row.value is not None and math.isfinite(row.value)]


def median(numbers: Sequence[float]) -> float | None:
    """The median, or None for no numbers."""
    return percentile(numbers, 0.5)


def percentile(numbers: Sequence[float], fraction: float) -> float | None:
    """The percentile by linear interpolation between closest ranks (numpy's default), None when empty."""
    if not numbers:
        return None
    ordered = sorted(numbers)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(numbers: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no numbers."""
    return sum(numbers) / len(numbers) if numbers else None


def count(predicate: Predicate) -> Callable[[Rows], Measure]:
    """How many rows match."""

    def compute(rows: Rows) -> Measure:
        found = select(rows, predicate)
        return measure(float(len(found)), found)

    return compute


def weighted_share(numerator: Predicate, denominator: Predicate) -> Callable[[Rows], Measure]:
    """Like `share`, but each row counts for its value (rows that stand for many messages at once)."""

    def compute(rows: Rows) -> Measure:
        base = select(rows, denominator)
        weight = sum(row.value if row.value is not None else 1.0 for row in base)
        if not base or not weight:
            return NO_DATA
        hits = sum(row.value if row.value is not None else 1.0 for row in base if numerator(row))
        return measure(hits / weight, base)

    return compute


def distinct_parents(predicate: Predicate) -> Callable[[Rows], Measure]:
    """How many different parents have a matching row."""

    def compute(rows: Rows) -> Measure:
        found = select(rows, predicate)
        parents = {row.contact_ref for row in found if row.contact_ref is not None}
        return measure(float(len(parents)), found)

    return compute


def summarize(
    predicate: Predicate, how: Callable[[Sequence[float]], float | None]
) -> Callable[[Rows], Measure]:
    """A summary (median, mean, sum...) of the values of matching rows."""

    def compute(rows: Rows) -> Measure:
        found = [row for row in select(rows, predicate) if row.value is not None]
        return measure(how(values(found)), found)

    return compute


def total(numbers: Sequence[float]) -> float | None:
    """The sum, or None for no numbers."""
    return float(sum(numbers)) if numbers else None


def share(numerator: Predicate, denominator: Predicate) -> Callable[[Rows], Measure]:
    """Matching rows of `numerator` among rows of `denominator` (the group is the denominator's)."""

    def compute(rows: Rows) -> Measure:
        base = select(rows, denominator)
        if not base:
            return NO_DATA
        hits = sum(1 for row in base if numerator(row))
        return measure(hits / len(base), base)

    return compute


def parent_share(numerator: Predicate, denominator: Predicate) -> Callable[[Rows], Measure]:
    """Parents with a `numerator` row among parents with a `denominator` row.

    No data (rather than 0 %) while no row of the numerator's kind exists, so a feature not in use yet
    does not read as a failure.
    """

    def compute(rows: Rows) -> Measure:
        base = {row.contact_ref for row in rows if denominator(row) and row.contact_ref is not None}
        hits = {row.contact_ref for row in rows if numerator(row) and row.contact_ref in base}
        if not base or not any(numerator(row) for row in rows):
            return NO_DATA
        return Measure(len(hits) / len(base), len(base), items=len(base))

    return compute


def rate(numerator: Predicate, denominator: Predicate) -> Callable[[Rows], Measure]:
    """Rows of one kind per row of another (e.g. RSVPs per invitation); the group is the denominator's."""

    def compute(rows: Rows) -> Measure:
        base = select(rows, denominator)
        if not base:
            return NO_DATA
        return measure(len(select(rows, numerator)) / len(base), base)

    return compute


def family_share(predicate: Predicate) -> Callable[[Rows], Measure]:
    """Families on the roster with a matching row, among all roster families: sending more to the same
    families cannot lower it, and a family never reached counts. No data when no roster was read."""

    def compute(rows: Rows) -> Measure:
        families = getattr(rows, "families", ())
        if not getattr(rows, "roster_known", False) or not families:
            return NO_DATA
        on_roster = {family.ref for family in families}
        reached = {row.contact_ref for row in rows if predicate(row) and row.contact_ref in on_roster}
        return Measure(len(reached) / len(on_roster), len(on_roster), True, len(on_roster))

    return compute
