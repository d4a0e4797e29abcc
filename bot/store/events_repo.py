"""Queries about school events, parents' RSVPs and attendance (mixed into `Tx`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.store.models import ContactRow, EvidenceRow
from bot.store.models_events import EventRow, EventRsvpRow, ReminderRow

EVIDENCE_TABLE: Table = EvidenceRow.__table__  # type: ignore[assignment]


def _event(row: EventRow) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in EventRow.__table__.columns}


class EventQueries:
    """The events part of a transaction."""

    session: Session
    sqlite: bool

    def add_event(self, **fields: Any) -> dict[str, Any]:
        """Store a new event."""
        row = EventRow(**fields)
        self.session.add(row)
        self.session.flush()
        return _event(row)

    def event(self, event_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        """One event as a dict of its columns (locked for the transaction when asked, on PostgreSQL)."""
        query = select(EventRow).where(EventRow.id == event_id)
        if for_update and not self.sqlite:
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return _event(row) if row else None

    def event_by_key(self, school_id: int, key: str, *, for_update: bool = False) -> dict[str, Any] | None:
        """A school's event with this stable key."""
        query = select(EventRow).where(EventRow.school_id == school_id, EventRow.key == key)
        if for_update and not self.sqlite:
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return _event(row) if row else None

    def update_event(self, event_id: int, **fields: Any) -> None:
        """Change an event's columns."""
        self.session.execute(
            update(EventRow).where(EventRow.id == event_id).values(updated_at=utcnow(), **fields)
        )

    def events_starting_after(
        self, school_id: int | None, after: datetime, *, include_cancelled: bool = False
    ) -> list[dict[str, Any]]:
        """Events of a school starting after a moment, soonest first."""
        query = select(EventRow).where(EventRow.starts_at > after)
        if school_id is not None:
            query = query.where(EventRow.school_id == school_id)
        if not include_cancelled:
            query = query.where(EventRow.status == "scheduled")
        return [_event(r) for r in self.session.scalars(query.order_by(EventRow.starts_at, EventRow.id))]

    def set_rsvp(self, event_id: int, contact_id: int, answer: str) -> str | None:
        """Record a parent's answer; returns the answer it replaces, if any."""
        row = self.session.scalars(
            select(EventRsvpRow).where(
                EventRsvpRow.event_id == event_id, EventRsvpRow.contact_id == contact_id
            )
        ).first()
        if row is None:
            self.session.add(EventRsvpRow(event_id=event_id, contact_id=contact_id, answer=answer))
            self.session.flush()
            return None
        previous = row.answer
        row.answer, row.updated_at = answer, utcnow()
        return previous

    def rsvp_of(self, event_id: int, contact_id: int) -> str | None:
        """A parent's answer to an invitation, if they gave one."""
        return self.session.scalar(
            select(EventRsvpRow.answer).where(
                EventRsvpRow.event_id == event_id, EventRsvpRow.contact_id == contact_id
            )
        )

    def rsvp_contact_ids(self, event_id: int, answer: str) -> set[int]:
        """The contacts who gave this answer."""
        return set(
            self.session.scalars(
                select(EventRsvpRow.contact_id).where(
                    EventRsvpRow.event_id == event_id, EventRsvpRow.answer == answer
                )
            )
        )

    def rsvp_counts(self, event_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Per event: how many said yes, no, and how many were marked as attending."""
        ids = list(event_ids)
        counts: dict[int, dict[str, int]] = {i: {"yes": 0, "no": 0, "attended": 0} for i in ids}
        if not ids:
            return counts
        rows = self.session.execute(
            select(EventRsvpRow.event_id, EventRsvpRow.answer, func.count())
            .where(EventRsvpRow.event_id.in_(ids))
            .group_by(EventRsvpRow.event_id, EventRsvpRow.answer)
        )
        for event_id, answer, count in rows:
            if answer in ("yes", "no"):
                counts[event_id][answer] = int(count)
        attended = self.session.execute(
            select(EventRsvpRow.event_id, func.count())
            .where(EventRsvpRow.event_id.in_(ids), EventRsvpRow.attended.is_(True))
            .group_by(EventRsvpRow.event_id)
        )
        for event_id, count in attended:
            counts[event_id]["attended"] = int(count)
        return counts

    def mark_attended(self, event_id: int, contact_ids: Iterable[int]) -> int:
        """Mark parents as having come (a walk-in without an RSVP gets a row); returns how many now came."""
        for contact_id in set(contact_ids):
            row = self.session.scalars(
                select(EventRsvpRow).where(
                    EventRsvpRow.event_id == event_id, EventRsvpRow.contact_id == contact_id
                )
            ).first()
            if row is None:
                self.session.add(
                    EventRsvpRow(event_id=event_id, contact_id=contact_id, answer="walk_in", attended=True)
                )
            else:
                row.attended, row.updated_at = True, utcnow()
        self.session.flush()
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(EventRsvpRow)
                .where(EventRsvpRow.event_id == event_id, EventRsvpRow.attended.is_(True))
            )
            or 0
        )

    def add_invitations(
        self,
        event_id: int,
        school_id: int | None,
        recipients: Iterable[tuple[int, str | None, float | None]],
        *,
        indicator: str = "1E",
    ) -> None:
        """One `invitation_sent` evidence row per (contact, locale, value) invited, in one statement
        (1E for classroom and family events, 5A for ELAC and SSC meetings)."""
        now = utcnow()
        rows = [
            {
                "indicator": indicator,
                "kind": "invitation_sent",
                "value": value,
                "detail": f"event:{event_id}",
                "locale": locale,
                "contact_ref": contact_id,
                "school_id": school_id,
                "at": now,
            }
            for contact_id, locale, value in recipients
        ]
        if rows:
            self.session.connection().execute(insert(EVIDENCE_TABLE), rows)

    def set_attendance_evidence(
        self,
        indicator: str,
        event_id: int,
        count: int,
        school_id: int | None,
        *,
        kind: str = "attended",
        at: datetime | None = None,
    ) -> None:
        """The one attendance row of an event and kind (a head count, or named attendees): written once,
        then corrected in place, dated at the event (`at`) rather than at the save."""
        detail = f"event:{event_id}"
        row = self.session.scalars(
            select(EvidenceRow).where(EvidenceRow.kind == kind, EvidenceRow.detail == detail)
        ).first()
        when = at or utcnow()
        if row is None:
            self.session.add(
                EvidenceRow(
                    indicator=indicator,
                    kind=kind,
                    value=float(count),
                    detail=detail,
                    school_id=school_id,
                    at=when,
                )
            )
        else:
            row.indicator, row.value, row.at = indicator, float(count), when
        self.session.flush()

    def latest_attendance(self, event_ids: Iterable[int]) -> dict[int, int]:
        """The last attendance count recorded as evidence for each event that has one."""
        details = {f"event:{i}": i for i in event_ids}
        if not details:
            return {}
        rows = self.session.execute(
            select(EvidenceRow.detail, EvidenceRow.value)
            .where(EvidenceRow.kind == "attended", EvidenceRow.detail.in_(list(details)))
            .order_by(EvidenceRow.id)
        )
        return {details[str(detail)]: int(value or 0) for detail, value in rows}

    def reminder_rows(self, kind: str, ref_id: int) -> list[tuple[int, datetime, str]]:
        """(minutes before, due at, status) of every reminder of a ref, soonest first."""
        rows = self.session.execute(
            select(ReminderRow.minutes_before, ReminderRow.due_at, ReminderRow.status)
            .where(ReminderRow.kind == kind, ReminderRow.ref_id == ref_id)
            .order_by(ReminderRow.due_at, ReminderRow.id)
        )
        return [(m, d, s) for m, d, s in rows]

    def contact_tags(self, contact_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A contact's (grades, groups), the tags an audience selects on."""
        row = self.session.execute(
            select(ContactRow.grades, ContactRow.groups).where(ContactRow.id == contact_id)
        ).first()
        if row is None:
            return (), ()
        return tuple(row.grades or ()), tuple(row.groups or ())

    def set_contact_tags(self, contact_id: int, *, grades: Iterable[str], groups: Iterable[str]) -> None:
        """Set a contact's grades and groups (a roster import; tests)."""
        self.session.execute(
            update(ContactRow)
            .where(ContactRow.id == contact_id)
            .values(grades=sorted(set(grades)), groups=sorted(set(groups)))
        )
