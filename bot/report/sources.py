"""What the report reads besides evidence rows: the roster of families and the concerns themselves.

Evidence rows only say what happened. A figure that must also count what did not happen (a concern
nobody acknowledged, a family that was never told its rights) needs the population it is a share of:
the school's families with their home language, and every concern raised with its due times.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

from bot.domain import EvidenceRecord


@dataclass(frozen=True)
class Family:
    """A family on the school's roster (a contact that has not opted out) and its home language."""

    ref: int  # the contact id, the same pseudonymous id as evidence rows' contact_ref
    language: str | None


@dataclass(frozen=True)
class ConcernFact:
    """One concern or request as the concerns table holds it now (no description, no names)."""

    ref: int  # the parent's contact id
    category: str
    locale: str | None
    created_at: datetime
    ack_due_at: datetime
    acknowledged_at: datetime | None
    resolve_due_at: datetime
    resolved_at: datetime | None
    satisfaction: int | None = None
    need_met: bool | None = None


@dataclass(frozen=True)
class Evidence(Sequence[EvidenceRecord]):
    """The evidence rows of a group (the period, a month, a language) with the families and concerns
    of the same group, and the moment the report looks from (`as_of`: what is overdue by then)."""

    rows: tuple[EvidenceRecord, ...] = ()
    families: tuple[Family, ...] = ()
    concerns: tuple[ConcernFact, ...] = ()
    as_of: datetime | None = None
    roster_known: bool = field(default=False)  # False: no roster was read (the population is unknown)

    @overload
    def __getitem__(self, index: int) -> EvidenceRecord: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EvidenceRecord]: ...

    def __getitem__(self, index: int | slice) -> EvidenceRecord | Sequence[EvidenceRecord]:
        """A row (Evidence reads as the sequence of its rows, so row statistics take it as it is)."""
        return self.rows[index]

    def __len__(self) -> int:
        """How many evidence rows."""
        return len(self.rows)

    def __iter__(self) -> Iterator[EvidenceRecord]:
        """The evidence rows, oldest first."""
        return iter(self.rows)
