"""When each date job runs: at its time, after quiet hours, late but still useful, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Reminder
from bot.services.announcements import DueAnnouncement
from bot.services.quiet_hours import QuietHours
from scheduler.plan import announcement_job, reminder_job

LA = ZoneInfo("America/Los_Angeles")
QUIET = QuietHours(time(21, 0), time(8, 0), LA)
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=LA)


def reminder(due_at: datetime, minutes_before: int = 1440) -> Reminder:
    return Reminder(5, "event", 1, 2, minutes_before, due_at.astimezone(UTC))


def test_a_reminder_runs_at_its_time_with_a_stable_id_and_its_due_time() -> None:
    due = NOON + timedelta(hours=2)
    spec = reminder_job(reminder(due), QUIET, NOON)
    assert spec is not None
    assert (spec.id, spec.func, spec.run_at) == ("reminder:5", "scheduler.jobs:send_reminder", due)
    assert spec.args == (5, due.astimezone(UTC).isoformat())


def test_a_reminder_due_in_quiet_hours_waits_for_the_morning() -> None:
    due = datetime(2026, 11, 23, 22, 0, tzinfo=LA)  # 1 day before an event at 22:00 the next day
    spec = reminder_job(reminder(due), QUIET, NOON)
    assert spec is not None and spec.run_at == datetime(2026, 11, 24, 8, 0, tzinfo=LA)


def test_a_late_reminder_goes_while_half_its_lead_time_remains() -> None:
    due = NOON - timedelta(hours=10)  # a 1-day reminder, the scheduler was down for 10 hours
    spec = reminder_job(reminder(due), QUIET, NOON)
    assert spec is not None and spec.run_at == NOON
    assert reminder_job(reminder(NOON - timedelta(hours=13)), QUIET, NOON) is None


def test_a_two_hour_reminder_pushed_past_half_its_lead_by_quiet_hours_is_dropped() -> None:
    due = datetime(2026, 11, 24, 6, 0, tzinfo=LA)  # for an 08:00 event: 06:00 is quiet, 08:00 is too late
    assert reminder_job(reminder(due, 120), QUIET, NOON) is None


def test_announcements_wait_for_quiet_hours_unless_urgent() -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=LA)
    normal = announcement_job(DueAnnouncement(3, late.astimezone(UTC), False), QUIET, NOON)
    urgent = announcement_job(DueAnnouncement(4, late.astimezone(UTC), True), QUIET, NOON)
    assert normal.run_at == datetime(2026, 11, 24, 8, 0, tzinfo=LA)
    assert urgent.run_at == late
    overdue = announcement_job(
        DueAnnouncement(6, (NOON - timedelta(hours=3)).astimezone(UTC), False), QUIET, NOON
    )
    assert overdue.run_at == NOON and overdue.id == "announcement:6"
