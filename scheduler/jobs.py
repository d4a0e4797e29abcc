"""The scheduled jobs. Each re-reads its row and does nothing if the row is gone or changed.

Jobs are referenced by 'scheduler.jobs:<name>' in the job store, so their names and arguments are
part of the stored data: keep them stable, and pass only ids and ISO timestamps. Every job runs at
the scheduler's clock (`runtime.clock()`), whichever APScheduler thread it runs in.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import ParamSpec

from bot.clock import running_at
from scheduler import runtime

log = logging.getLogger(__name__)
P = ParamSpec("P")


def _at_scheduler_clock(job: Callable[P, str]) -> Callable[P, str]:
    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> str:
        with running_at(runtime.clock()):
            return job(*args, **kwargs)

    return run


@_at_scheduler_clock
def send_reminder(reminder_id: int, due_at: str) -> str:
    """Queue one reminder's messages if it is still pending and still due at `due_at`."""
    return runtime.current().reminders.send(reminder_id, datetime.fromisoformat(due_at))


@_at_scheduler_clock
def send_announcement(announcement_id: int, send_at: str) -> str:
    """Queue one announcement's messages if it is still scheduled for `send_at` (resumes a cut-off run)."""
    return runtime.current().announcements.queue(
        announcement_id, expected_send_at=datetime.fromisoformat(send_at)
    )


@_at_scheduler_clock
def escalate_concerns() -> str:
    """Escalate concerns that passed their acknowledgement or resolution target."""
    escalated = runtime.current().concerns.escalate_overdue()
    return f"{len(escalated)} escalated"


@_at_scheduler_clock
def expire_volunteer_offers() -> str:
    """Pass every waitlist offer whose time ran out to the next parent waiting."""
    expired = runtime.current().volunteers.expire_offers()
    return f"{expired} offers expired"


@_at_scheduler_clock
def sync() -> str:
    """Make the job store match the reminder and announcement rows (picks up other processes' changes)."""
    from scheduler.service import active

    return active().sync()
