"""A shift's roster as CSV for staff (the supervising teacher's list for the day)."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from bot.services.volunteer_types import Roster

ROSTER_COLUMNS = (
    "shift_id",
    "opportunity",
    "starts",
    "signup_id",
    "name",
    "phone",
    "language",
    "status",
    "waitlist_position",
    "requirements_met",
    "requirements_missing",
    "hours",
)


def roster_csv(roster: Roster, zone: ZoneInfo) -> str:
    """The roster with a header row; the shift's start in the school's local time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    shift = roster.shift
    starts = shift.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    for entry in roster.entries:
        writer.writerow(
            (
                shift.id,
                shift.title,
                starts,
                entry.signup_id,
                entry.name or "",
                entry.phone,
                entry.locale or "",
                entry.status,
                entry.position if entry.position is not None else "",
                ";".join(entry.requirements_met),
                ";".join(entry.requirements_missing),
                f"{entry.hours:g}" if entry.hours is not None else "",
            )
        )
    return out.getvalue()
