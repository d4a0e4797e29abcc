"""Volunteer vocabulary and the plain views staff channels and the CLI show (no SDK, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The order is the numbered list parents pick from (flows/volunteer.yaml, step `skills`).
SKILLS = (
    "reading",
    "math",
    "translating",
    "arts",
    "events",
    "office",
    "technology",
    "sports",
    "cooking",
)
# The order of flows/volunteer.yaml, step `times`.
TIMES = ("mornings", "afternoons", "evenings", "weekends")
# Requirements with a text in every language (flows/volunteer_messages.yaml, requirement_<key>);
# any other requirement a school names is shown as written.
KNOWN_REQUIREMENTS = ("application", "tb_test", "fingerprints", "training")
TRAINING = "training"
SIGNUP_STATUSES = ("confirmed", "waitlisted", "offered", "cancelled", "attended", "no_show")


class VolunteerError(Exception):
    """A staff request that cannot be done (unknown shift or sign-up, bad value); the message says why."""


@dataclass(frozen=True)
class ShiftView:
    """An upcoming shift as staff see it."""

    id: int
    opportunity_id: int
    title: str
    location: str
    supervisor: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    filled: int
    waitlisted: int
    status: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class RosterEntry:
    """One parent on a shift's roster: the name only if given, the phone masked unless asked for."""

    signup_id: int
    name: str | None
    phone: str
    locale: str | None
    status: str
    position: int | None
    requirements_met: tuple[str, ...]
    requirements_missing: tuple[str, ...]
    hours: float | None


@dataclass(frozen=True)
class Roster:
    """Who is coming to a shift, and who waits."""

    shift: ShiftView
    entries: tuple[RosterEntry, ...]


@dataclass(frozen=True)
class LoadReport:
    """What loading a volunteer file changed."""

    opportunities_created: int
    opportunities_updated: int
    shifts_planned: int
