"""The scheduler in a process: jobs fire once at their time, follow edits, and respect quiet hours."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot
from bot.domain import Reminder
from bot.services.announcement_preview import AnnouncementDraft
from bot.store import Tx
from scheduler.service import OutreachScheduler
from tests.fixtures.bots import make_bot
from tests.fixtures.families import add_families


def _wait(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


class Sent:
    """A reminder sender that records what it was asked to send."""

    def __init__(self) -> None:
        self.reminders: list[Reminder] = []

    def __call__(self, tx: Tx, reminder: Reminder) -> int:
        self.reminders.append(reminder)
        return 1


@pytest.fixture
def running(bot: Bot) -> Iterator[OutreachScheduler]:
    runner = OutreachScheduler(bot, sync_seconds=0.3)
    runner.start_in_background()
    assert runner.running.wait(15)
    yield runner
    runner.stop()


def test_a_reminder_fires_once_at_its_time(bot: Bot, running: OutreachScheduler) -> None:
    sent = Sent()
    bot.reminders.register("event", sent)
    starts = datetime.now(UTC) + timedelta(minutes=60, seconds=1)
    with bot.store.transaction() as tx:
        bot.reminders.plan(tx, kind="event", ref_id=1, version=1, starts_at=starts, minutes_before=[60])
    assert _wait(lambda: len(sent.reminders) == 1)
    time.sleep(1.5)  # several syncs later, still once
    assert len(sent.reminders) == 1
    with bot.store.transaction() as tx:
        assert [r.minutes_before for r in tx.reminders_of("event", 1, status="sent")] == [60]
    assert not [job for job, _ in running.jobs() if job.startswith("reminder:")]


def test_an_edited_event_moves_its_reminder(bot: Bot, running: OutreachScheduler) -> None:
    sent = Sent()
    bot.reminders.register("event", sent)
    starts = datetime.now(UTC) + timedelta(minutes=60, seconds=2)
    with bot.store.transaction() as tx:
        bot.reminders.plan(tx, kind="event", ref_id=2, version=1, starts_at=starts, minutes_before=[60])
    time.sleep(0.8)  # the first plan is in the job store
    with bot.store.transaction() as tx:
        bot.reminders.plan(
            tx,
            kind="event",
            ref_id=2,
            version=2,
            starts_at=starts + timedelta(seconds=2),
            minutes_before=[60],
        )
    assert _wait(lambda: len(sent.reminders) == 1)
    time.sleep(3)
    assert [(r.ref_version, r.due_at) for r in sent.reminders] == [
        (2, (starts + timedelta(seconds=2) - timedelta(minutes=60)).replace(microsecond=0))
    ]


def test_quiet_hours_defer_an_announcement_then_send_it(db_url: str) -> None:
    la = ZoneInfo("America/Los_Angeles")
    local = datetime.now(la)
    opens = (local + timedelta(seconds=4)).time().replace(microsecond=0)
    bot = make_bot(
        db_url,
        quiet_hours_start=(local - timedelta(minutes=1)).time().replace(microsecond=0).isoformat(),
        quiet_hours_end=opens.isoformat(),
    )
    runner = OutreachScheduler(bot, sync_seconds=0.3)
    try:
        add_families(bot, {"en": 3})
        announcement_id, preview = bot.announcements.create(
            AnnouncementDraft(title="Picture day", texts={"en": "Picture day is Tuesday."}, created_by="test")
        )
        assert preview.deferred
        runner.start_in_background()
        time.sleep(1.5)
        assert bot.announcements.get(announcement_id)["status"] == "scheduled"  # still quiet
        assert _wait(lambda: bot.announcements.get(announcement_id)["status"] == "queued", 15)
        queued_at = bot.announcements.get(announcement_id)["queued_at"]
        assert queued_at.astimezone(la).time() >= opens
    finally:
        runner.stop()
        bot.close()


def test_bulk_rows_wait_for_the_end_of_quiet_hours_but_replies_do_not(db_url: str) -> None:
    local = datetime.now(ZoneInfo("America/Los_Angeles"))
    bot = make_bot(
        db_url,
        quiet_hours_start=(local - timedelta(minutes=1)).time().replace(microsecond=0).isoformat(),
        quiet_hours_end=(local + timedelta(minutes=10)).time().replace(microsecond=0).isoformat(),
    )
    try:
        phones = add_families(bot, {"en": 2})
        with bot.store.transaction() as tx:
            contact = tx.contact_by_phone(phones[0])
            assert contact is not None
            tx.enqueue(key="bulk", to_address=phones[0], body="bulk", contact_id=contact.id, priority=1)
            tx.enqueue(key="reply", to_address=phones[0], body="reply", contact_id=contact.id, priority=0)
        dispatcher = bot.dispatcher()
        dispatcher.drain_once()
        dispatcher.drain_once()
        with bot.store.transaction() as tx:
            assert tx.outbox_counts() == {"pending": 1, "sent": 1}
    finally:
        bot.close()
    quiet_over = make_bot(db_url)
    try:
        quiet_over.dispatcher().drain_once()
        with quiet_over.store.transaction() as tx:
            assert tx.outbox_counts() == {"sent": 2}
    finally:
        quiet_over.close()
