"""Which timed jobs the rows call for, and when each should run (pure: rows and a clock in, specs out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Reminder
from bot.services.announcements import DueAnnouncement
from bot.services.quiet_hours import QuietHours

REMINDER_PREFIX = "reminder:"
ANNOUNCEMENT_PREFIX = "announcement:"


@dataclass(frozen=True)
class JobSpec:
    """One date job the store should hold: a stable id, the function, when, and its arguments."""

    id: str
    func: str
    run_at: datetime
    args: tuple[int, str]


def reminder_job(reminder: Reminder, quiet: QuietHours, now: datetime) -> JobSpec | None:
    """The job for a pending reminder, or None when it is too late to be useful.

    A reminder that could not go at its time (quiet hours, a scheduler that was down) still goes
    while at least half of its lead time remains; after that it would only confuse.
    """
    latest = reminder.due_at + timedelta(minutes=reminder.minutes_before / 2)
    run_at = quiet.next_open(max(reminder.due_at, now))
    if run_at > latest:
        return None
    return JobSpec(
        f"{REMINDER_PREFIX}{reminder.id}",
        "scheduler.jobs:send_reminder",
        run_at,
        (reminder.id, reminder.due_at.isoformat()),
    )


def announcement_job(announcement: DueAnnouncement, quiet: QuietHours, now: datetime) -> JobSpec:
    """The job for an announcement: at its time, after quiet hours unless urgent; late ones go now."""
    run_at = max(announcement.send_at, now)
    if not announcement.urgent:
        run_at = quiet.next_open(run_at)
    return JobSpec(
        f"{ANNOUNCEMENT_PREFIX}{announcement.id}",
        "scheduler.jobs:send_announcement",
        run_at,
        (announcement.id, announcement.send_at.isoformat()),
    )
