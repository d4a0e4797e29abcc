"""Queries about volunteer opportunities, shifts, sign-ups and profiles (mixed into `Tx`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.models import Base, ContactRow, utcnow
from bot.store.models_volunteers import (
    VolunteerOpportunityRow,
    VolunteerProfileRow,
    VolunteerShiftRow,
    VolunteerSignupRow,
)

# Statuses that hold a place on a shift (an offered place is held while the parent decides).
HOLDING = ("confirmed", "offered", "attended", "no_show")


def _record(row: Base) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in row.__table__.columns}


class VolunteerQueries:
    """The volunteer part of a transaction."""

    session: Session
    sqlite: bool

    # Opportunities ---------------------------------------------------------------
    def upsert_opportunity(self, school_id: int, key: str, **fields: Any) -> tuple[dict[str, Any], bool]:
        """Create or update a school's opportunity by its key; True when it was created."""
        row = self.session.scalars(
            select(VolunteerOpportunityRow).where(
                VolunteerOpportunityRow.school_id == school_id, VolunteerOpportunityRow.key == key
            )
        ).first()
        created = row is None
        if row is None:
            row = VolunteerOpportunityRow(school_id=school_id, key=key, **fields)
            self.session.add(row)
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
        self.session.flush()
        return _record(row), created

    def opportunity(self, opportunity_id: int) -> dict[str, Any] | None:
        """One opportunity as a dict of its columns."""
        row = self.session.get(VolunteerOpportunityRow, opportunity_id)
        return _record(row) if row else None

    def opportunity_by_key(self, school_id: int, key: str) -> dict[str, Any] | None:
        """One of a school's opportunities by its key in the volunteer file."""
        row = self.session.scalars(
            select(VolunteerOpportunityRow).where(
                VolunteerOpportunityRow.school_id == school_id, VolunteerOpportunityRow.key == key
            )
        ).first()
        return _record(row) if row else None

    def opportunities(self, school_id: int) -> list[dict[str, Any]]:
        """A school's opportunities, in the order they were created."""
        rows = self.session.scalars(
            select(VolunteerOpportunityRow)
            .where(VolunteerOpportunityRow.school_id == school_id)
            .order_by(VolunteerOpportunityRow.id)
        )
        return [_record(row) for row in rows]

    def update_opportunity(self, opportunity_id: int, **fields: Any) -> None:
        """Change an opportunity's columns."""
        self.session.execute(
            update(VolunteerOpportunityRow)
            .where(VolunteerOpportunityRow.id == opportunity_id)
            .values(updated_at=utcnow(), **fields)
        )

    # Shifts ------------------------------------------------------------------------
    def upsert_shift(
        self,
        opportunity_id: int,
        key: str,
        *,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int | None,
    ) -> tuple[dict[str, Any], bool]:
        """Create or update a shift by (opportunity, key); True when it is new or its time changed."""
        row = self.session.scalars(
            select(VolunteerShiftRow).where(
                VolunteerShiftRow.opportunity_id == opportunity_id, VolunteerShiftRow.key == key
            )
        ).first()
        if row is None:
            row = VolunteerShiftRow(
                opportunity_id=opportunity_id,
                key=key,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity,
                version=1,
            )
            self.session.add(row)
            self.session.flush()
            return _record(row), True
        moved = row.starts_at != starts_at or row.ends_at != ends_at
        if moved:
            row.version += 1
        row.starts_at, row.ends_at, row.capacity, row.updated_at = starts_at, ends_at, capacity, utcnow()
        self.session.flush()
        return _record(row), moved

    def shift(self, shift_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        """One shift; `for_update` locks its row on PostgreSQL (SQLite's writers are serialized already)."""
        query = select(VolunteerShiftRow).where(VolunteerShiftRow.id == shift_id)
        if for_update and not self.sqlite:
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return _record(row) if row else None

    def update_shift(self, shift_id: int, **fields: Any) -> None:
        """Change a shift's columns."""
        self.session.execute(
            update(VolunteerShiftRow)
            .where(VolunteerShiftRow.id == shift_id)
            .values(updated_at=utcnow(), **fields)
        )

    def shifts_from(self, school_id: int, since: datetime) -> list[dict[str, Any]]:
        """A school's scheduled shifts starting after a moment, soonest first."""
        rows = self.session.scalars(
            select(VolunteerShiftRow)
            .join(VolunteerOpportunityRow, VolunteerOpportunityRow.id == VolunteerShiftRow.opportunity_id)
            .where(
                VolunteerOpportunityRow.school_id == school_id,
                VolunteerShiftRow.starts_at > since,
                VolunteerShiftRow.status == "scheduled",
            )
            .order_by(VolunteerShiftRow.starts_at, VolunteerShiftRow.id)
        )
        return [_record(row) for row in rows]

    def shift_counts(self, shift_ids: list[int]) -> dict[int, tuple[int, int]]:
        """(places held, waitlisted) per shift id."""
        counts = {shift_id: (0, 0) for shift_id in shift_ids}
        if not shift_ids:
            return counts
        rows = self.session.execute(
            select(VolunteerSignupRow.shift_id, VolunteerSignupRow.status, func.count())
            .where(VolunteerSignupRow.shift_id.in_(shift_ids))
            .group_by(VolunteerSignupRow.shift_id, VolunteerSignupRow.status)
        )
        for shift_id, status, count in rows:
            held, waiting = counts[shift_id]
            if status in HOLDING:
                held += int(count)
            elif status == "waitlisted":
                waiting += int(count)
            counts[shift_id] = (held, waiting)
        return counts

    # Sign-ups ------------------------------------------------------------------------
    def volunteer_signup(self, shift_id: int, contact_id: int) -> dict[str, Any] | None:
        """A parent's sign-up for a shift, whatever its status."""
        row = self.session.scalars(
            select(VolunteerSignupRow).where(
                VolunteerSignupRow.shift_id == shift_id, VolunteerSignupRow.contact_id == contact_id
            )
        ).first()
        return _record(row) if row else None

    def volunteer_signup_by_id(self, signup_id: int) -> dict[str, Any] | None:
        """One sign-up by id."""
        row = self.session.get(VolunteerSignupRow, signup_id)
        return _record(row) if row else None

    def add_volunteer_signup(self, **fields: Any) -> dict[str, Any]:
        """Store a new sign-up."""
        now = utcnow()
        row = VolunteerSignupRow(created_at=now, updated_at=now, **fields)
        self.session.add(row)
        self.session.flush()
        return _record(row)

    def update_volunteer_signup(self, signup_id: int, **fields: Any) -> None:
        """Change a sign-up's columns."""
        self.session.execute(
            update(VolunteerSignupRow)
            .where(VolunteerSignupRow.id == signup_id)
            .values(updated_at=utcnow(), **fields)
        )

    def next_waitlist_position(self, shift_id: int) -> int:
        """The position a new waitlisted parent takes: after everyone who ever waited."""
        last = self.session.scalar(
            select(func.max(VolunteerSignupRow.position)).where(VolunteerSignupRow.shift_id == shift_id)
        )
        return int(last or 0) + 1

    def waitlist_ahead(self, shift_id: int, position: int) -> int:
        """How many are waiting before a position, plus one: the place in line to tell the parent."""
        ahead = self.session.scalar(
            select(func.count()).where(
                VolunteerSignupRow.shift_id == shift_id,
                VolunteerSignupRow.status == "waitlisted",
                VolunteerSignupRow.position < position,
            )
        )
        return int(ahead or 0) + 1

    def first_waitlisted(self, shift_id: int) -> dict[str, Any] | None:
        """The parent waiting longest for a place on the shift."""
        row = self.session.scalars(
            select(VolunteerSignupRow)
            .where(VolunteerSignupRow.shift_id == shift_id, VolunteerSignupRow.status == "waitlisted")
            .order_by(VolunteerSignupRow.position, VolunteerSignupRow.id)
            .limit(1)
        ).first()
        return _record(row) if row else None

    def expired_offers(self, now: datetime) -> list[dict[str, Any]]:
        """Offered places whose time to answer has passed."""
        rows = self.session.scalars(
            select(VolunteerSignupRow)
            .where(VolunteerSignupRow.status == "offered", VolunteerSignupRow.offered_until <= now)
            .order_by(VolunteerSignupRow.offered_until, VolunteerSignupRow.id)
        )
        return [_record(row) for row in rows]

    def signups_of_contact(self, contact_id: int, since: datetime) -> list[dict[str, Any]]:
        """A parent's sign-ups for shifts after a moment (not cancelled), soonest first."""
        rows = self.session.scalars(
            select(VolunteerSignupRow)
            .join(VolunteerShiftRow, VolunteerShiftRow.id == VolunteerSignupRow.shift_id)
            .where(
                VolunteerSignupRow.contact_id == contact_id,
                VolunteerSignupRow.status.in_(("confirmed", "waitlisted", "offered")),
                VolunteerShiftRow.starts_at > since,
            )
            .order_by(VolunteerShiftRow.starts_at, VolunteerSignupRow.id)
        )
        return [_record(row) for row in rows]

    def shift_signups(self, shift_id: int) -> list[dict[str, Any]]:
        """Every sign-up of a shift that is not cancelled, with the parent's name, phone and language."""
        rows = self.session.execute(
            select(VolunteerSignupRow, ContactRow.name, ContactRow.phone, ContactRow.locale)
            .join(ContactRow, ContactRow.id == VolunteerSignupRow.contact_id)
            .where(VolunteerSignupRow.shift_id == shift_id, VolunteerSignupRow.status != "cancelled")
            .order_by(
                VolunteerSignupRow.position.is_not(None), VolunteerSignupRow.position, VolunteerSignupRow.id
            )
        )
        found = []
        for signup, name, phone, locale in rows:
            record = _record(signup)
            record.update(name=name, phone=phone, contact_locale=locale)
            found.append(record)
        return found

    # Profiles --------------------------------------------------------------------------
    def volunteer_profile(self, contact_id: int) -> dict[str, Any] | None:
        """A parent's skills, free times and requirements met."""
        row = self.session.get(VolunteerProfileRow, contact_id)
        return _record(row) if row else None

    def save_volunteer_profile(self, contact_id: int, **fields: Any) -> None:
        """Create or change a parent's profile."""
        row = self.session.get(VolunteerProfileRow, contact_id)
        if row is None:
            values = {"skills": [], "times": [], "requirements_met": [], **fields}
            self.session.add(VolunteerProfileRow(contact_id=contact_id, updated_at=utcnow(), **values))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
        self.session.flush()
