"""Roster upserts: contacts with their language and audience tags (mixed into `Tx`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import ConsentEventRow, ContactRow, utcnow


class RosterQueries:
    """The roster part of a transaction."""

    session: Session

    def known_phones(self, phones: Sequence[str]) -> set[str]:
        """Which of these phones already belong to a contact."""
        found = self.session.scalars(select(ContactRow.phone).where(ContactRow.phone.in_(list(phones))))
        return set(found)

    def upsert_roster(self, entries: Sequence[Any], school_id: int | None) -> tuple[int, int]:
        """Create or update contacts by phone; returns (added, updated). Consent is never switched back on."""
        known = {
            phone: contact_id
            for contact_id, phone in self.session.execute(
                select(ContactRow.id, ContactRow.phone).where(
                    ContactRow.phone.in_([e.phone for e in entries])
                )
            )
        }
        added = updated = 0
        now = utcnow()
        for entry in entries:
            values: dict[str, Any] = {"grades": list(entry.grades), "groups": list(entry.groups)}
            if entry.name:
                values["name"] = entry.name
            if entry.locale:
                values.update(locale=entry.locale, locale_source="roster")
            contact_id = known.get(entry.phone)
            if contact_id is not None:
                self.session.execute(update(ContactRow).where(ContactRow.id == contact_id).values(**values))
                updated += 1
                continue
            row = ContactRow(
                phone=entry.phone, school_id=school_id, opted_out=False, created_at=now, **values
            )
            self.session.add(row)
            self.session.flush()
            # A number given to the school for school business is consent to informational texts.
            self.session.add(
                ConsentEventRow(contact_id=row.id, kind="opt_in", source="roster_import", at=now)
            )
            known[entry.phone] = row.id
            added += 1
        return added, updated
