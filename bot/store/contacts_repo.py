"""Everything stored about one contact, for export and erasure, and retention purges (mixed into `Tx`).

CONTACT_TABLES is the one list of tables that hold a contact's data and what erasure does to each;
a new table with personal data (event RSVPs, volunteer signups) is added there and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import (
    Base,
    ConcernEventRow,
    ConcernRow,
    ConsentEventRow,
    ContactRow,
    EvidenceRow,
    MessageRow,
    MessageStatusRow,
    OutboxRow,
    SessionRow,
    SlackDeliveryRow,
    UnansweredQuestionRow,
)
from bot.store.models_events import EventRsvpRow
from bot.store.models_teaching import TaughtExampleRow
from bot.store.models_threads import ThreadMessageRow, ThreadRow
from bot.store.models_volunteers import VolunteerProfileRow, VolunteerSignupRow

DELETE = "delete"
KEEP = "keep"


@dataclass(frozen=True)
class Owned:
    """A table with a contact's rows: the column naming the contact, and what erasure does.

    `erase` is DELETE, KEEP, or the columns to blank (the row stays for counts and the law).
    `parent`/`via` reach a table through another one (a concern's events through the concern).
    """

    name: str
    model: type[Base]
    column: str
    erase: str | tuple[str, ...]
    parent: str | None = None
    via: str = "id"


# In erasure order: rows that point at others come before the rows they point at.
CONTACT_TABLES: tuple[Owned, ...] = (
    # TCPA: consent history stays (4 years); the parent's own words in it do not.
    Owned("consent_events", ConsentEventRow, "contact_id", ("detail",)),
    Owned("outbox", OutboxRow, "contact_id", DELETE),
    Owned("message_statuses", MessageStatusRow, "message_id", DELETE, parent="messages"),
    Owned("messages", MessageRow, "contact_id", DELETE),
    Owned("sessions", SessionRow, "contact_id", DELETE),
    Owned("concern_events", ConcernEventRow, "concern_id", ("detail",), parent="concerns"),
    # What the parent and staff wrote to each other goes; the thread (times, who opened it) stays.
    Owned("thread_messages", ThreadMessageRow, "thread_id", DELETE, parent="conversation_threads"),
    Owned("conversation_threads", ThreadRow, "contact_id", KEEP),
    # A concern's times and category stay for the rubric (4B-4E); what the parent wrote goes.
    Owned(
        "concerns",
        ConcernRow,
        "contact_id",
        ("description", "student_info", "contact_window", "description_translation", "resolution_note"),
    ),
    # A question staff taught from is the parent's own words too: the example goes with it.
    Owned("taught_examples", TaughtExampleRow, "question_id", DELETE, parent="unanswered_questions"),
    Owned("unanswered_questions", UnansweredQuestionRow, "contact_ref", DELETE),
    Owned("evidence", EvidenceRow, "contact_ref", KEEP),  # pseudonymous facts for the rubric
    # Answers, sign-ups and attendance stay for counts (1E, 2C, 3B-3E); they point at the erased
    # contact row, whose number is gone. The skills and free times a parent told us do not stay.
    Owned("event_rsvps", EventRsvpRow, "contact_id", KEEP),
    Owned("volunteer_signups", VolunteerSignupRow, "contact_id", KEEP),
    Owned("volunteer_profiles", VolunteerProfileRow, "contact_id", DELETE),
)
CONTACT_COLUMNS_ERASED = ("locale", "locale_source", "last_inbound_at", "name")


def _as_dict(row: Any) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in row.__table__.columns}


def _blank(model: type[Base], columns: tuple[str, ...]) -> dict[str, Any]:
    """None for nullable columns, an empty string for the others."""
    table = model.__table__
    return {name: None if table.c[name].nullable else "" for name in columns}


@dataclass(frozen=True)
class Purged:
    """How many rows a retention purge removed or blanked, by table."""

    counts: dict[str, int]


class ContactDataQueries:
    """The data-rights part of a transaction."""

    session: Session

    def contact_record(self, contact_id: int) -> dict[str, Any] | None:
        """The contact row as a dict."""
        row = self.session.get(ContactRow, contact_id)
        return _as_dict(row) if row else None

    def contact_data(self, contact_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of every CONTACT_TABLES table that belongs to the contact, by table name."""
        found: dict[str, list[dict[str, Any]]] = {}
        for table in sorted(CONTACT_TABLES, key=lambda t: t.parent is not None):
            column = getattr(table.model, table.column)
            if table.parent is None:
                condition = column == contact_id
            else:
                condition = column.in_([row[table.via] for row in found[table.parent]])
            order = inspect(table.model).primary_key
            rows = self.session.scalars(select(table.model).where(condition).order_by(*order))
            found[table.name] = [_as_dict(row) for row in rows]
        return {t.name: found[t.name] for t in CONTACT_TABLES}

    def erase_contact(self, contact_id: int, token: str) -> dict[str, int]:
        """Delete or blank the contact's rows per CONTACT_TABLES; the phone becomes `token`."""
        data = self.contact_data(contact_id)
        counts: dict[str, int] = {}
        for table in CONTACT_TABLES:
            if table.erase == KEEP:
                continue
            column = getattr(table.model, table.column)
            keys = [row[table.via] for row in data[table.parent]] if table.parent else [contact_id]
            if table.name == "messages":  # replies point at the inbound they answer
                self.session.execute(update(MessageRow).where(column.in_(keys)).values(in_reply_to=None))
            if table.erase == DELETE:
                result = self.session.execute(delete(table.model).where(column.in_(keys)))
            else:
                blank = _blank(table.model, tuple(table.erase))
                result = self.session.execute(update(table.model).where(column.in_(keys)).values(**blank))
            counts[table.name] = int(result.rowcount)  # type: ignore[attr-defined]
        self.session.execute(
            update(ContactRow)
            .where(ContactRow.id == contact_id)
            .values(phone=token, **dict.fromkeys(CONTACT_COLUMNS_ERASED))
        )
        return counts

    def purge_before(self, cutoff: datetime) -> Purged:
        """Delete messages (SMS and thread), finished outbox rows, sessions and questions older than
        `cutoff`, and blank the texts of concerns resolved before it; consent history and evidence stay."""
        old_messages = select(MessageRow.id).where(MessageRow.created_at < cutoff)
        counts: dict[str, int] = {}

        def run(name: str, statement: Any) -> None:
            counts[name] = int(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

        finished = OutboxRow.status.in_(("sent", "failed", "suppressed"))
        run("outbox", delete(OutboxRow).where(finished, OutboxRow.created_at < cutoff))
        self.session.execute(
            update(OutboxRow).where(OutboxRow.message_id.in_(old_messages)).values(message_id=None)
        )
        run(
            "message_statuses",
            delete(MessageStatusRow).where(
                or_(MessageStatusRow.at < cutoff, MessageStatusRow.message_id.in_(old_messages))
            ),
        )
        self.session.execute(
            update(MessageRow).where(MessageRow.in_reply_to.in_(old_messages)).values(in_reply_to=None)
        )
        run("messages", delete(MessageRow).where(MessageRow.created_at < cutoff))
        run("sessions", delete(SessionRow).where(SessionRow.updated_at < cutoff))
        run("thread_messages", delete(ThreadMessageRow).where(ThreadMessageRow.created_at < cutoff))
        run("unanswered_questions", delete(UnansweredQuestionRow).where(UnansweredQuestionRow.at < cutoff))
        run("slack_deliveries", delete(SlackDeliveryRow).where(SlackDeliveryRow.at < cutoff))
        resolved = select(ConcernRow.id).where(
            ConcernRow.status == "resolved", ConcernRow.resolved_at < cutoff
        )
        concern_texts = next(t.erase for t in CONTACT_TABLES if t.name == "concerns")
        run(
            "concerns",
            update(ConcernRow)
            .where(ConcernRow.id.in_(resolved), ConcernRow.description != "")
            .values(**_blank(ConcernRow, tuple(concern_texts))),
        )
        run(
            "concern_events",
            update(ConcernEventRow)
            .where(ConcernEventRow.concern_id.in_(resolved), ConcernEventRow.detail.is_not(None))
            .values(detail=None),
        )
        return Purged(counts)

    def inactive_contacts(self, cutoff: datetime) -> list[tuple[int, str]]:
        """(id, phone) of contacts known before `cutoff` with no text either way since, not yet erased."""
        recent = select(MessageRow.contact_id).where(
            MessageRow.created_at >= cutoff, MessageRow.contact_id.is_not(None)
        )
        query = select(ContactRow.id, ContactRow.phone).where(
            ContactRow.created_at < cutoff,
            or_(ContactRow.last_inbound_at.is_(None), ContactRow.last_inbound_at < cutoff),
            ContactRow.id.not_in(recent),
            ContactRow.phone.like("+%"),
        )
        return [(int(row[0]), str(row[1])) for row in self.session.execute(query)]

    def blank_consent_details_before(self, cutoff: datetime) -> int:
        """Blank what parents wrote in consent records older than `cutoff` (the records stay)."""
        statement = (
            update(ConsentEventRow)
            .where(ConsentEventRow.at < cutoff, ConsentEventRow.detail.is_not(None))
            .values(detail=None)
        )
        return int(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]
