"""The records of school events that the service, the CLI and Slack share (no SDK, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.services.school_data import pick

KINDS = ("workshop", "class", "meeting", "family", "elac", "ssc")
# Parent classes and workshops are parent education: their attendance is rubric 2C evidence.
PARENT_CLASS_KINDS = frozenset({"workshop", "class"})
# English Learner Advisory Committee and School Site Council meetings: compliance (5A), not classroom (1E).
COMMITTEE_KINDS = frozenset({"elac", "ssc"})


def evidence_indicator(kind: str) -> str:
    """The rubric indicator an event's invitations and attendance are evidence for."""
    if kind in PARENT_CLASS_KINDS:
        return "2C"
    return "5A" if kind in COMMITTEE_KINDS else "1E"


ANSWERS = ("yes", "no")


class EventNotFound(LookupError):
    """No event has this id."""


class EventStateError(ValueError):
    """The change does not fit the event's state (e.g. editing a cancelled event)."""


class EventPassed(EventStateError):
    """A new event, or a new time for one, is already in the past: nobody could come, reminders would lie."""


@dataclass(frozen=True)
class EventSpec:
    """What a coordinator says an event is: times already in UTC, reminder offsets in minutes."""

    key: str | None
    kind: str
    titles: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None = None
    descriptions: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)  # per language, like the titles
    audience: dict[str, list[str]] = field(default_factory=dict)
    rsvp: bool = True
    reminder_minutes: tuple[int, ...] = ()

    def columns(self) -> dict[str, Any]:
        """The stored fields this spec sets (the key aside)."""
        return {
            "kind": self.kind,
            "titles": dict(self.titles),
            "descriptions": dict(self.descriptions),
            "locations": dict(self.locations),
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "audience": {k: list(v) for k, v in self.audience.items()},
            "rsvp": self.rsvp,
            "reminder_minutes": sorted(set(self.reminder_minutes), reverse=True),
        }


@dataclass(frozen=True)
class ReminderView:
    """One planned reminder of an event."""

    minutes_before: int
    due_at: datetime
    status: str


@dataclass(frozen=True)
class EventView:
    """An event as staff see it, with its RSVP counts and attendance."""

    id: int
    key: str
    kind: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    locations: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None
    audience: dict[str, list[str]]
    rsvp: bool
    reminder_minutes: tuple[int, ...]
    status: str
    version: int
    yes: int = 0
    no: int = 0
    attended: int | None = None
    reminders: tuple[ReminderView, ...] = ()

    def title(self, locale: str = "en", default_locale: str = "en") -> str:
        """The title in a language, else the default language, else English, else any."""
        return pick(self.titles, locale, default_locale)

    def location(self, locale: str = "en", default_locale: str = "en") -> str:
        """Where, in a language, else the default language, else English, else any ("" when not given)."""
        return pick(self.locations, locale, default_locale)
