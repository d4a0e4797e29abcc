"""Queries about reminders and the contacts a bulk message may go to (mixed into `Tx`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from bot.domain import AudienceContact, Reminder
from bot.store.models import ContactRow, utcnow
from bot.store.models_events import ReminderRow

CONTACTS_TABLE: Table = ContactRow.__table__  # type: ignore[assignment]


def _reminder(row: ReminderRow) -> Reminder:
    return Reminder(row.id, row.kind, row.ref_id, row.ref_version, row.minutes_before, row.due_at)


class ReminderQueries:
    """The reminder and audience part of a transaction."""

    session: Session

    def reminders_of(self, kind: str, ref_id: int, status: str | None = "pending") -> list[Reminder]:
        """Reminders of one event or shift, soonest first (only those in `status` unless None)."""
        query = select(ReminderRow).where(ReminderRow.kind == kind, ReminderRow.ref_id == ref_id)
        if status is not None:
            query = query.where(ReminderRow.status == status)
        return [_reminder(r) for r in self.session.scalars(query.order_by(ReminderRow.due_at))]

    def add_reminder(
        self, kind: str, ref_id: int, version: int, minutes_before: int, due_at: datetime
    ) -> None:
        """Store a pending reminder (unique per kind, ref, offset and version)."""
        self.session.add(
            ReminderRow(
                kind=kind,
                ref_id=ref_id,
                ref_version=version,
                minutes_before=minutes_before,
                due_at=due_at,
                status="pending",
            )
        )
        self.session.flush()

    def cancel_reminders(self, kind: str, ref_id: int, keep: Iterable[int] = ()) -> int:
        """Cancel the pending reminders of a ref except the ids in `keep`; returns how many."""
        query = (
            update(ReminderRow)
            .where(
                ReminderRow.kind == kind,
                ReminderRow.ref_id == ref_id,
                ReminderRow.status == "pending",
                ReminderRow.id.not_in(list(keep)),
            )
            .values(status="cancelled")
        )
        return int(self.session.execute(query).rowcount)  # type: ignore[attr-defined]

    def claim_reminder(self, reminder_id: int, due_at: datetime) -> Reminder | None:
        """Lock a pending reminder that is still due at `due_at`; None when it is gone or changed."""
        query = select(ReminderRow).where(ReminderRow.id == reminder_id).with_for_update()
        row = self.session.scalars(query).first()
        if row is None or row.status != "pending" or row.due_at != due_at:
            return None
        return _reminder(row)

    def finish_reminder(self, reminder_id: int, status: str, recipients: int | None) -> None:
        """Record that a reminder went out (or was skipped) and to how many."""
        self.session.execute(
            update(ReminderRow)
            .where(ReminderRow.id == reminder_id)
            .values(status=status, recipients=recipients, sent_at=utcnow())
        )

    def pending_reminders(self) -> list[Reminder]:
        """Every pending reminder, soonest first (the scheduler keeps one job per row)."""
        query = select(ReminderRow).where(ReminderRow.status == "pending").order_by(ReminderRow.due_at)
        return [_reminder(r) for r in self.session.scalars(query)]

    def audience_contacts(self, school_id: int | None) -> list[AudienceContact]:
        """Every contact of the school who has not opted out, with the tags audiences select on."""
        c = CONTACTS_TABLE.c
        query: Any = select(c.id, c.phone, c.locale, c.grades, c.groups).where(c.opted_out.is_(False))
        if school_id is not None:
            query = query.where((c.school_id == school_id) | c.school_id.is_(None))
        rows = self.session.connection().execute(query.order_by(c.id))
        return [
            AudienceContact(r.id, r.phone, r.locale, tuple(r.grades or ()), tuple(r.groups or ()))
            for r in rows
        ]
