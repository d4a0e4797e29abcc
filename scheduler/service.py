"""The scheduler process: holds the lock, keeps the job store in step with the rows, runs the jobs.

Which jobs the rows call for, and when, is decided at the scheduler's `clock` (the school's time; a
test's `ManualClock`), and the jobs run at it too. APScheduler itself fires jobs by the system clock:
tests that move a manual clock open the job store paused (`open_paused`) and call `sync()` and
`run_due()` themselves instead of waiting for APScheduler's thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from bot.clock import running_at, system_now, utcnow
from scheduler import runtime
from scheduler.lock import SchedulerLock
from scheduler.plan import ANNOUNCEMENT_PREFIX, REMINDER_PREFIX, JobSpec, announcement_job, reminder_job

if TYPE_CHECKING:
    from bot.app import Bot

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
DATE_JOB_PREFIXES = (REMINDER_PREFIX, ANNOUNCEMENT_PREFIX)
# coalesce: a job that missed several run times runs once. misfire_grace_time: a date job whose time
# passed while no scheduler ran still runs if it is less than an hour late; later than that the next
# sync decides from the row (a reminder while half its lead time remains, an announcement at once).
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1}

_active: OutreachScheduler | None = None


def active() -> OutreachScheduler:
    """The scheduler running in this process."""
    if _active is None:
        raise RuntimeError("no scheduler is running in this process")
    return _active


class _HeldScheduler(BaseScheduler):
    """APScheduler with no thread of its own: the job store is kept, and nothing runs unless asked.

    (A paused BackgroundScheduler would not do: when it shuts down, its thread wakes once more and
    fires every job whose time has passed by the system clock.)
    """

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        pass  # no loop to wake


class OutreachScheduler:
    """APScheduler 3 with its job store in the project's database, one per database (see lock.py)."""

    def __init__(
        self,
        bot: Bot,
        *,
        sync_seconds: float = 15.0,
        escalate_minutes: float = 5.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.sync_seconds = sync_seconds
        self.escalate_minutes = escalate_minutes
        self.lock = SchedulerLock(bot.store.engine)
        self.stopping = threading.Event()
        self.running = threading.Event()
        self._scheduler: BaseScheduler | None = None
        self._thread: threading.Thread | None = None
        # A date job leaves the store when it starts; until it ends, sync must not add it back.
        self._in_flight: set[str] = set()
        self._in_flight_lock = threading.Lock()
        # Held while a sync talks to APScheduler. APScheduler's shutdown holds its job-store lock while
        # it waits for running jobs, and a sync needs that lock: a shutdown during a sync would wait
        # forever (until `stop()` gives up after 30 s). So the shutdown takes this lock first.
        self._sync_lock = threading.Lock()
        self.shutting_down = threading.Event()

    # Life cycle -------------------------------------------------------------------
    def start_in_background(self) -> None:
        """Wait for the lock in a thread and start when it is ours (used by `outreach serve`)."""
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()

    def run_forever(self) -> None:
        """Wait for the lock, run until `stop()` (used by `outreach scheduler`)."""
        self._run()

    def stop(self) -> None:
        """Stop running jobs, release the lock and let a waiting scheduler take over."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        global _active
        while not self.stopping.is_set():
            if not self.lock.acquire(self.stopping):
                return
            _active = self
            runtime.install(self.bot, self.clock)
            self._start_apscheduler()
            log.info("scheduler running (sync every %ss)", self.sync_seconds)
            try:
                while not self.stopping.wait(self.sync_seconds) and self.lock.held():
                    pass
            finally:
                self._shutdown()
                runtime.install(None)
                _active = None
                self.lock.release()
            if not self.stopping.is_set():
                log.error("scheduler lost its lock; waiting to take it again")

    def open_paused(self) -> None:
        """Open the job store with nothing running on its own (no APScheduler thread, no lock).

        `sync()` and `run_due()` then do APScheduler's work in the caller's thread, at `clock`; tests
        use this to move a manual clock instead of waiting for real time. `close()` ends it.
        """
        global _active
        _active = self
        runtime.install(self.bot, self.clock)
        self._start_apscheduler(paused=True)

    def close(self) -> None:
        """End what `open_paused` started."""
        global _active
        self._shutdown()
        runtime.install(None)
        _active = None

    def _start_apscheduler(self, *, paused: bool = False) -> None:
        engine = self.bot.store.engine
        kind = _HeldScheduler if paused else BackgroundScheduler
        scheduler = kind(
            jobstores={
                "default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE),
                "memory": MemoryJobStore(),
            },
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults=JOB_DEFAULTS,
            timezone=UTC,
        )
        scheduler.add_listener(self._track, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        scheduler.add_listener(_log_job, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        now = system_now()  # APScheduler's own timing runs on the system clock
        scheduler.add_job(
            "scheduler.jobs:sync",
            "interval",
            seconds=self.sync_seconds,
            id="sync",
            jobstore="memory",
            next_run_time=now,
            replace_existing=True,
        )
        scheduler.add_job(
            "scheduler.jobs:escalate_concerns",
            "interval",
            minutes=self.escalate_minutes,
            id="concerns:escalate",
            jobstore="memory",
            next_run_time=now,
            replace_existing=True,
        )
        for job_id, func, minutes in self.bot.periodic_jobs():
            scheduler.add_job(
                func, "interval", minutes=minutes, id=job_id, jobstore="memory", replace_existing=True
            )
        scheduler.start()
        self._scheduler = scheduler
        self.bot.reminders.on_change = self.wake
        announcements = getattr(self.bot, "announcements", None)
        if announcements is not None:
            announcements.on_change = self.wake
        self.running.set()

    def _shutdown(self) -> None:
        self.running.clear()
        self.shutting_down.set()
        with self._sync_lock:  # a sync under way ends first; none starts after (no scheduler left)
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        self.shutting_down.clear()

    # Work ---------------------------------------------------------------------------
    def wake(self) -> None:
        """Run the sync soon, so a change made in this process is scheduled without waiting.

        Called from inside the caller's transaction: asking APScheduler directly could wait for its
        job-store lock while its own thread waits for the connection this transaction holds (the
        only one, on SQLite). A short-lived thread does the asking instead.
        """
        if self._scheduler is not None:
            threading.Thread(target=self._sync_soon, name="scheduler-wake", daemon=True).start()

    def _sync_soon(self) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        try:
            soon = system_now() + timedelta(seconds=1)
            scheduler.modify_job("sync", jobstore="memory", next_run_time=soon)
        except Exception:  # the scheduler stopped meanwhile; the next start syncs anyway
            log.debug("could not move the sync job", exc_info=True)

    def specs(self, now: datetime | None = None) -> list[JobSpec]:
        """The date jobs the reminder and announcement rows call for right now."""
        now = now or self.clock()
        quiet = self.bot.quiet_hours
        specs: list[JobSpec] = []
        late: list[int] = []
        for reminder in self.bot.reminders.pending():
            spec = reminder_job(reminder, quiet, now)
            if spec is None:
                late.append(reminder.id)
            else:
                specs.append(spec)
        if late:
            self.bot.reminders.skip(late, "missed")
        specs += [announcement_job(a, quiet, now) for a in self.bot.announcements.due()]
        return specs

    def sync(self) -> str:
        """Add, move or remove date jobs so the store holds exactly one per due row."""
        with self._sync_lock:
            scheduler = self._scheduler
            if scheduler is None:
                return "not running"
            return self._sync(scheduler)

    def _sync(self, scheduler: BaseScheduler) -> str:
        with running_at(self.clock):
            wanted = {spec.id: spec for spec in self.specs()}
        existing: dict[str, Any] = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
        added = removed = 0
        for job_id in existing:
            if job_id.startswith((REMINDER_PREFIX, ANNOUNCEMENT_PREFIX)) and job_id not in wanted:
                scheduler.remove_job(job_id, jobstore="default")
                removed += 1
        with self._in_flight_lock:
            in_flight = set(self._in_flight)
        for spec in wanted.values():
            if spec.id in in_flight:
                continue
            job = existing.get(spec.id)
            if job is not None and job.next_run_time == spec.run_at and tuple(job.args) == spec.args:
                continue
            scheduler.add_job(
                spec.func,
                "date",
                run_date=spec.run_at,
                args=list(spec.args),
                id=spec.id,
                jobstore="default",
                replace_existing=True,
            )
            added += 1
        if added or removed:
            log.info("scheduler sync: %d jobs added or moved, %d removed", added, removed)
        return f"{added} added, {removed} removed"

    def run_due(self) -> list[str]:
        """Run every date job whose time has come by `clock`, in this thread, as APScheduler would.

        Each job leaves the store before it runs, as a date job does in APScheduler; returns the ids.
        """
        scheduler = self._scheduler
        if scheduler is None:
            return []
        now = self.clock()
        due = sorted(
            (
                job
                for job in scheduler.get_jobs(jobstore="default")
                if job.next_run_time is not None and job.next_run_time <= now
            ),
            key=lambda job: (job.next_run_time, job.id),
        )
        for job in due:
            scheduler.remove_job(job.id, jobstore="default")
            outcome = job.func(*job.args, **job.kwargs)
            log.info("job %s done: %s", job.id, outcome)
        return [job.id for job in due]

    def _track(self, event: JobEvent) -> None:
        with self._in_flight_lock:
            if event.code == EVENT_JOB_SUBMITTED:
                self._in_flight.add(event.job_id)
            else:
                self._in_flight.discard(event.job_id)

    def jobs(self) -> list[tuple[str, datetime | None]]:
        """(id, next run time) of every job, for `outreach scheduler jobs` and tests."""
        if self._scheduler is None:
            return []
        return [(job.id, job.next_run_time) for job in self._scheduler.get_jobs()]


def _log_job(event: JobExecutionEvent) -> None:
    from bot.metrics import record_job

    # The outcome is what happened, never the job's return value (a count would be a new series).
    outcome = {EVENT_JOB_ERROR: "error", EVENT_JOB_MISSED: "missed"}.get(event.code, "done")
    record_job(event.job_id, outcome)
    if event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %r", event.job_id, event.exception)
    elif event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run time %s", event.job_id, event.scheduled_run_time)
    elif event.job_id != "sync":
        log.info("job %s done: %s", event.job_id, event.retval)
