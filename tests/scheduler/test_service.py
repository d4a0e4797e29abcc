"""The scheduler: jobs run once at their time, follow edits, and respect quiet hours.

Most tests open the job store paused under a manual clock and do APScheduler's work themselves
(`sync()`, then `run_due()`), so "not yet" and "only once" are checked after the work is done, at
exact times. One test lets the real scheduler thread fire a job on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot
from bot.clock import ManualClock, running_at, utcnow
from bot.domain import Reminder
from bot.services.announcement_preview import AnnouncementDraft
from bot.store import Tx
from scheduler.plan import JobSpec
from scheduler.service import OutreachScheduler
from tests.fixtures.bots import make_bot
from tests.fixtures.families import add_families

LA = ZoneInfo("America/Los_Angeles")
START = datetime(2026, 2, 10, 10, 0, tzinfo=LA)  # a Tuesday morning, far from a clock change
EVENING = datetime(2026, 2, 10, 21, 30, tzinfo=LA)
NEXT_MORNING = datetime(2026, 2, 11, 8, 0, tzinfo=LA)


class Sent:
    """A reminder sender that records what it was asked to send."""

    def __init__(self) -> None:
        self.reminders: list[Reminder] = []
        self.first = threading.Event()

    def __call__(self, tx: Tx, reminder: Reminder) -> int:
        self.reminders.append(reminder)
        self.first.set()
        return 1


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def paused(bot: Bot, clock: ManualClock) -> Iterator[OutreachScheduler]:
    """The scheduler's job store, open and paused, with the test and the scheduler at `clock`."""
    runner = OutreachScheduler(bot, clock=clock)
    runner.open_paused()
    try:
        with running_at(clock):
            yield runner
    finally:
        runner.close()


def reminder_jobs(runner: OutreachScheduler) -> list[tuple[str, datetime | None]]:
    return [(job, at) for job, at in runner.jobs() if job.startswith("reminder:")]


def plan(bot: Bot, ref_id: int, version: int, starts_at: datetime) -> None:
    with bot.store.transaction() as tx:
        bot.reminders.plan(
            tx, kind="event", ref_id=ref_id, version=version, starts_at=starts_at, minutes_before=[60]
        )


def test_a_reminder_runs_once_at_its_time(bot: Bot, paused: OutreachScheduler, clock: ManualClock) -> None:
    sent = Sent()
    bot.reminders.register("event", sent)
    plan(bot, 1, 1, START + timedelta(minutes=60, seconds=1))
    assert paused.sync().startswith("1 added")
    [(job, at)] = reminder_jobs(paused)
    assert at == START + timedelta(seconds=1)
    assert paused.run_due() == [] and sent.reminders == []  # a second early: not yet
    clock.advance(timedelta(seconds=1))
    assert paused.run_due() == [job]
    for _ in range(3):  # later syncs and runs: still once
        paused.sync()
        assert paused.run_due() == []
    assert len(sent.reminders) == 1
    with bot.store.transaction() as tx:
        assert [r.minutes_before for r in tx.reminders_of("event", 1, status="sent")] == [60]
    assert reminder_jobs(paused) == []


def test_an_edited_event_moves_its_reminder(bot: Bot, paused: OutreachScheduler, clock: ManualClock) -> None:
    sent = Sent()
    bot.reminders.register("event", sent)
    starts = START + timedelta(minutes=60, seconds=2)
    plan(bot, 2, 1, starts)
    paused.sync()
    assert [at for _, at in reminder_jobs(paused)] == [START + timedelta(seconds=2)]
    plan(bot, 2, 2, starts + timedelta(seconds=2))
    paused.sync()
    assert [at for _, at in reminder_jobs(paused)] == [START + timedelta(seconds=4)]
    clock.advance(timedelta(seconds=3))  # past the first plan's time: nothing goes out for it
    assert paused.run_due() == [] and sent.reminders == []
    clock.advance(timedelta(seconds=1))
    assert len(paused.run_due()) == 1
    assert [(r.ref_version, r.due_at) for r in sent.reminders] == [(2, START + timedelta(seconds=4))]


def test_quiet_hours_defer_an_announcement_then_send_it(db_url: str) -> None:
    bot = make_bot(db_url, quiet_hours_start="21:00", quiet_hours_end="08:00")
    clock = ManualClock(EVENING)
    runner = OutreachScheduler(bot, clock=clock)
    runner.open_paused()
    try:
        with running_at(clock):
            add_families(bot, {"en": 3})
            texts = {"en": "Picture day is Tuesday."}
            draft = AnnouncementDraft(title="Picture day", texts=texts, created_by="test")
            announcement_id, preview = bot.announcements.create(draft)
            assert preview.deferred
            runner.sync()
            queued = [(job, at) for job, at in runner.jobs() if job.startswith("announcement:")]
            assert queued == [(f"announcement:{announcement_id}", NEXT_MORNING)]
            clock.set(NEXT_MORNING - timedelta(seconds=1))
            assert runner.run_due() == []
            assert bot.announcements.get(announcement_id)["status"] == "scheduled"  # still quiet
            clock.set(NEXT_MORNING)
            assert runner.run_due() == [f"announcement:{announcement_id}"]
            announcement = bot.announcements.get(announcement_id)
        assert announcement["status"] == "queued"
        assert announcement["queued_at"] == NEXT_MORNING
    finally:
        runner.close()
        bot.close()


def test_bulk_rows_wait_for_the_end_of_quiet_hours_but_replies_do_not(db_url: str) -> None:
    bot = make_bot(db_url, quiet_hours_start="21:00", quiet_hours_end="08:00")
    clock = ManualClock(EVENING)
    try:
        phones = add_families(bot, {"en": 2})
        with running_at(clock), bot.store.transaction() as tx:
            contact = tx.contact_by_phone(phones[0])
            assert contact is not None
            tx.enqueue(key="bulk", to_address=phones[0], body="bulk", contact_id=contact.id, priority=1)
            tx.enqueue(key="reply", to_address=phones[0], body="reply", contact_id=contact.id, priority=0)
        dispatcher = bot.dispatcher(clock=clock)  # its threads read this clock too
        dispatcher.drain_once()
        dispatcher.drain_once()
        with bot.store.transaction() as tx:
            assert tx.outbox_counts() == {"pending": 1, "sent": 1}
        clock.set(NEXT_MORNING)
        dispatcher.drain_once()
        with bot.store.transaction() as tx:
            assert tx.outbox_counts() == {"sent": 2}
    finally:
        bot.close()


def test_the_running_scheduler_fires_a_due_job_by_itself(bot: Bot) -> None:
    sent = Sent()
    bot.reminders.register("event", sent)
    runner = OutreachScheduler(bot, sync_seconds=0.3)
    runner.start_in_background()
    try:
        assert runner.running.wait(15)
        plan(bot, 3, 1, utcnow() + timedelta(minutes=60, seconds=1))  # due in a second
        assert sent.first.wait(15)
    finally:
        runner.stop()  # waits for running jobs: what follows sees all the scheduler did
    assert len(sent.reminders) == 1
    with bot.store.transaction() as tx:
        assert [r.minutes_before for r in tx.reminders_of("event", 3, status="sent")] == [60]


def test_a_scheduler_job_runs_at_the_scheduler_clock(bot: Bot, clock: ManualClock) -> None:
    """A job runs in an APScheduler thread, where a test's running_at does not reach: the clock does."""
    seen: list[datetime] = []
    bot.reminders.register("event", lambda tx, reminder: seen.append(utcnow()) or 1)
    runner = OutreachScheduler(bot, clock=clock)
    runner.open_paused()
    try:
        with running_at(clock):
            plan(bot, 4, 1, START + timedelta(minutes=61))
            runner.sync()
        clock.advance(timedelta(minutes=1))
        worker = threading.Thread(target=runner.run_due)  # as an APScheduler executor thread would
        worker.start()
        worker.join()
    finally:
        runner.close()
    assert seen == [START.astimezone(UTC) + timedelta(minutes=1)]


class SyncThatWaits(OutreachScheduler):
    """A scheduler whose sync is caught in the middle: it waits inside until the test lets it go."""

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot, sync_seconds=3600)
        self.inside = threading.Event()
        self.go_on = threading.Event()

    def specs(self, now: datetime | None = None) -> list[JobSpec]:
        self.inside.set()
        self.go_on.wait(30)
        return super().specs(now)


def test_stopping_during_a_sync_lets_the_sync_finish_instead_of_deadlocking(bot: Bot) -> None:
    """APScheduler's shutdown holds its job-store lock while it waits for jobs; a sync needs that lock."""
    runner = SyncThatWaits(bot)
    runner.start_in_background()
    stopper = threading.Thread(target=runner.stop)
    try:
        assert runner.inside.wait(30), "the first sync did not start"
        stopper.start()
        assert runner.shutting_down.wait(30), "the shutdown did not begin"
    finally:
        runner.go_on.set()
    stopper.join(timeout=15)
    assert not stopper.is_alive(), "stop() hung: the shutdown and the sync waited for each other"
    assert not runner.running.is_set()
