"""Reminders before events and volunteer shifts: planned as rows, sent once by the scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from bot.clock import utcnow
from bot.domain import Reminder
from bot.services.school_data import ZoneSource
from bot.store import Store, Tx

log = logging.getLogger(__name__)

ReminderSender = Callable[[Tx, Reminder], "int | None"]


def parse_offset(text: str | int) -> int:
    """Minutes in an offset such as '7d', '1d', '2h', '30m' (a bare number is minutes)."""
    if isinstance(text, int):
        minutes = text
    else:
        raw = text.strip().lower()
        units = {"d": 1440, "h": 60, "m": 1}
        if raw[-1:] in units and raw[:-1].isdigit():
            minutes = int(raw[:-1]) * units[raw[-1]]
        elif raw.isdigit():
            minutes = int(raw)
        else:
            raise ValueError(f"{text!r} is not an offset like 7d, 1d, 2h or 30m")
    if minutes <= 0:
        raise ValueError(f"{text!r}: a reminder offset must be more than 0")
    return minutes


def format_offset(minutes: int) -> str:
    """The short form of an offset in minutes: 10080 -> '7d', 120 -> '2h'."""
    for unit, size in (("d", 1440), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


class ReminderService:
    """Plans reminder rows for a ref (event, shift) and sends a due one through its kind's sender."""

    def __init__(self, store: Store, zone: ZoneSource, on_change: Callable[[], None] | None = None) -> None:
        self.store = store
        self.zone = zone
        self.senders: dict[str, ReminderSender] = {}
        # Lets an in-process scheduler pick up new or moved reminders at once instead of at its next sync.
        self.on_change = on_change or (lambda: None)

    def register(self, kind: str, sender: ReminderSender) -> None:
        """Say which function queues the messages of reminders of this kind."""
        self.senders[kind] = sender

    def plan(
        self,
        tx: Tx,
        *,
        kind: str,
        ref_id: int,
        version: int,
        starts_at: datetime,
        minutes_before: Sequence[int],
        now: datetime | None = None,
    ) -> list[Reminder]:
        """Make the pending reminders of a ref match this version and start time; returns them."""
        now = now or utcnow()
        wanted = {m: self.due_at(starts_at, m) for m in set(minutes_before)}
        keep = [
            r.id
            for r in tx.reminders_of(kind, ref_id)
            if r.ref_version == version and wanted.get(r.minutes_before) == r.due_at
        ]
        tx.cancel_reminders(kind, ref_id, keep=keep)
        have = {r.minutes_before for r in tx.reminders_of(kind, ref_id)}
        for minutes, due_at in sorted(wanted.items(), reverse=True):
            if minutes not in have and due_at > now:
                tx.add_reminder(kind, ref_id, version, minutes, due_at)
        self.on_change()
        return tx.reminders_of(kind, ref_id)

    def due_at(self, starts_at: datetime, minutes_before: int) -> datetime:
        """When a reminder is due: whole days on the school's wall clock, then exact hours and minutes.

        "7 days before" an 18:00 event is 18:00 a week earlier even when daylight saving changed between.
        """
        days, rest = divmod(minutes_before, 1440)
        local = starts_at.astimezone(self.zone()) - timedelta(days=days)  # wall-clock arithmetic
        return (local.astimezone(UTC) - timedelta(minutes=rest)).replace(microsecond=0)

    def cancel(self, tx: Tx, *, kind: str, ref_id: int) -> int:
        """Cancel every pending reminder of a ref."""
        count = tx.cancel_reminders(kind, ref_id)
        self.on_change()
        return count

    def skip(self, reminder_ids: list[int], status: str) -> None:
        """Close reminders that will not be sent (too late to help), with the reason as status."""
        with self.store.transaction() as tx:
            for reminder_id in reminder_ids:
                tx.finish_reminder(reminder_id, status, None)
        log.warning("reminders %s: too late to send; marked %s", reminder_ids, status)

    def pending(self) -> list[Reminder]:
        """Every reminder still to send, soonest first."""
        with self.store.transaction() as tx:
            return tx.pending_reminders()

    def send(self, reminder_id: int, due_at: datetime) -> str:
        """Queue a due reminder's messages once; does nothing if the row is gone, sent or moved."""
        with self.store.transaction() as tx:
            reminder = tx.claim_reminder(reminder_id, due_at)
            if reminder is None:
                return "stale"
            sender = self.senders.get(reminder.kind)
            queued = sender(tx, reminder) if sender else None
            if queued is None:
                tx.finish_reminder(reminder_id, "cancelled", None)
                log.info("reminder %s: its %s no longer matches; not sent", reminder_id, reminder.kind)
                return "cancelled"
            tx.finish_reminder(reminder_id, "sent", queued)
        log.info(
            "reminder %s (%s %s): %d messages queued", reminder_id, reminder.kind, reminder.ref_id, queued
        )
        return "sent"
