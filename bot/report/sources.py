"""What the report reads besides evidence rows: the roster of families and the concerns themselves.

Evidence rows only say what happened. A figure that must also count what did not happen (a concern
nobody acknowledged, a family that was never told its rights) needs the population it is a share of:
the school's families with their home language, and every concern raised with its due times.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
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
    first_reply_at: datetime | None = None  # the first staff reply to the parent (Reply in Slack)
    ucp_filed: bool = False  # staff recorded that the parent filed a Uniform Complaint

    @property
    def at(self) -> datetime:
        """When the concern was raised (the month it counts in)."""
        return self.created_at


@dataclass(frozen=True)
class RsvpFact:
    """A parent's answer to an invitation as it stands now (not every change), and whether they came."""

    event_id: int
    ref: int
    answer: str  # yes | no | walk_in
    attended: bool = False


@dataclass(frozen=True)
class EventFact:
    """An event of the period: its kind, when, whether it went ahead, and the head count staff took."""

    id: int
    kind: str
    starts_at: datetime
    status: str  # scheduled | cancelled
    head_count: int | None = None
    ref: None = None  # an event is about no parent

    @property
    def at(self) -> datetime:
        """When the event starts (the month it counts in)."""
        return self.starts_at


@dataclass(frozen=True)
class SignupFact:
    """A volunteer's place on a shift as the volunteer tables hold it now, with the shift and its role."""

    ref: int  # the parent's contact id
    shift_id: int
    role: str  # the opportunity's title in the school's language
    starts_at: datetime
    ends_at: datetime
    capacity: int
    status: str  # confirmed | waitlisted | offered | cancelled | attended | no_show
    hours: float | None
    requires_training: bool
    trained: bool  # the parent's training is recorded (on any sign-up or their profile)

    @property
    def at(self) -> datetime:
        """When the shift starts (the month it counts in)."""
        return self.starts_at


@dataclass(frozen=True)
class ShiftFact:
    """A volunteer shift: its role, time, places, and whether staff recorded who came."""

    id: int
    role: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    status: str  # scheduled | cancelled
    attended: int  # volunteers marked as having come
    recorded: bool  # staff recorded attendance for it
    ref: None = None

    @property
    def at(self) -> datetime:
        """When the shift starts."""
        return self.starts_at


@dataclass(frozen=True)
class Evidence(Sequence[EvidenceRecord]):
    """The evidence rows of a group (the period, a month, a language) with the families and concerns
    of the same group, and the moment the report looks from (`as_of`: what is overdue by then)."""

    rows: tuple[EvidenceRecord, ...] = ()
    families: tuple[Family, ...] = ()
    concerns: tuple[ConcernFact, ...] = ()
    as_of: datetime | None = None
    roster_known: bool = field(default=False)  # False: no roster was read (the population is unknown)
    rsvps: tuple[RsvpFact, ...] = ()  # current answers to the period's invitations (never split)
    head_counts: tuple[tuple[int, int], ...] = ()  # (event id, staff's head count) (never split)
    events: tuple[EventFact, ...] = ()
    signups: tuple[SignupFact, ...] = ()  # of the whole school year (3E), filtered to `period` elsewhere
    shifts: tuple[ShiftFact, ...] = ()
    period: tuple[datetime, datetime] | None = None  # [start, end) of the report
    school_year: tuple[datetime, datetime] | None = None  # [1 July, end of the report)

    def in_period(self, at: datetime) -> bool:
        """True when a moment falls in the report's period (always, when no period is set)."""
        return self.period is None or self.period[0] <= at < self.period[1]

    def in_school_year(self, at: datetime) -> bool:
        """True when a moment falls in the school year to the report's end (or the period, without one)."""
        window = self.school_year or self.period
        return window is None or window[0] <= at < window[1]

    def but(self, **changes: object) -> Evidence:
        """The same evidence with some parts replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]

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
