"""Reminder rows: planned per version, moved with their event, sent once through their kind's sender."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot
from bot.domain import Reminder
from bot.services.reminders import format_offset, parse_offset
from bot.store import Tx

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


class RecordingSender:
    """A reminder sender that counts calls and answers as its ref would."""

    def __init__(self, version: int = 1) -> None:
        self.version = version
        self.calls: list[Reminder] = []

    def __call__(self, tx: Tx, reminder: Reminder) -> int | None:
        self.calls.append(reminder)
        return 3 if reminder.ref_version == self.version else None


def test_offsets_parse_and_format() -> None:
    assert [parse_offset(x) for x in ("7d", "1d", "2h", "30m", "45", 90)] == [10080, 1440, 120, 30, 45, 90]
    assert [format_offset(m) for m in (10080, 120, 45)] == ["7d", "2h", "45m"]
    for bad in ("", "soon", "0h", "-2h"):
        with pytest.raises(ValueError):
            parse_offset(bad)


def test_reminders_keep_local_time_across_daylight_saving(bot: Bot) -> None:
    # Monday 2026-11-02 18:00 PST; a week before, the clocks still said PDT.
    starts = datetime(2026, 11, 2, 18, 0, tzinfo=LA)
    with bot.store.transaction() as tx:
        planned = bot.reminders.plan(
            tx, kind="event", ref_id=1, version=1, starts_at=starts, minutes_before=[10080, 1440], now=NOW
        )
    dues = {r.minutes_before: r.due_at for r in planned}
    assert dues[1440] == datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Sunday 18:00 PST
    # 18:00 on the previous Monday's wall clock, which was PDT (not 7 x 24 h, which would say 19:00).
    assert dues[10080] == datetime(2026, 10, 27, 1, 0, tzinfo=UTC)
    assert dues[10080].astimezone(LA).hour == 18


def test_plan_moves_reminders_and_skips_past_ones(bot: Bot) -> None:
    starts = NOW + timedelta(days=3)
    with bot.store.transaction() as tx:
        first = bot.reminders.plan(
            tx,
            kind="event",
            ref_id=7,
            version=1,
            starts_at=starts,
            minutes_before=[10080, 1440, 120],
            now=NOW,
        )
    assert sorted(r.minutes_before for r in first) == [120, 1440]  # a week before is already past
    with bot.store.transaction() as tx:
        again = bot.reminders.plan(
            tx, kind="event", ref_id=7, version=1, starts_at=starts, minutes_before=[1440, 120], now=NOW
        )
    assert [r.id for r in again] == [r.id for r in first]  # unchanged plan keeps its rows
    with bot.store.transaction() as tx:
        moved = bot.reminders.plan(
            tx,
            kind="event",
            ref_id=7,
            version=2,
            starts_at=starts + timedelta(hours=5),
            minutes_before=[120],
            now=NOW,
        )
        cancelled = tx.reminders_of("event", 7, status="cancelled")
    assert [(r.minutes_before, r.ref_version) for r in moved] == [(120, 2)]
    assert moved[0].due_at == starts + timedelta(hours=3)
    assert {r.id for r in cancelled} == {r.id for r in first}


def test_send_runs_once_and_ignores_stale_jobs(bot: Bot) -> None:
    sender = RecordingSender()
    bot.reminders.register("event", sender)
    with bot.store.transaction() as tx:
        (reminder,) = bot.reminders.plan(
            tx,
            kind="event",
            ref_id=9,
            version=1,
            starts_at=NOW + timedelta(days=2),
            minutes_before=[1440],
            now=NOW,
        )
    assert bot.reminders.send(reminder.id, reminder.due_at + timedelta(minutes=1)) == "stale"  # moved
    assert bot.reminders.send(reminder.id, reminder.due_at) == "sent"
    assert bot.reminders.send(reminder.id, reminder.due_at) == "stale"  # already sent
    assert bot.reminders.send(424242, reminder.due_at) == "stale"  # gone
    assert len(sender.calls) == 1
    assert bot.reminders.pending() == []


def test_send_skips_a_reminder_whose_ref_changed(bot: Bot) -> None:
    sender = RecordingSender(version=2)
    bot.reminders.register("shift", sender)
    with bot.store.transaction() as tx:
        (reminder,) = bot.reminders.plan(
            tx,
            kind="shift",
            ref_id=3,
            version=1,
            starts_at=NOW + timedelta(days=2),
            minutes_before=[60],
            now=NOW,
        )
    assert bot.reminders.send(reminder.id, reminder.due_at) == "cancelled"
    with bot.store.transaction() as tx:
        assert [r.id for r in tx.reminders_of("shift", 3, status="cancelled")] == [reminder.id]
