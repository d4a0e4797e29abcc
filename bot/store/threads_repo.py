"""Queries about staff-parent conversations in Slack threads (mixed into `Tx`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import ConcernRow, OutboxRow, utcnow
from bot.store.models_threads import ThreadMessageRow, ThreadRow


def _thread(row: ThreadRow) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in ThreadRow.__table__.columns}


def _message(row: ThreadMessageRow) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in ThreadMessageRow.__table__.columns}


class ThreadQueries:
    """The conversation-thread part of a transaction."""

    session: Session

    def thread(self, thread_id: int) -> dict[str, Any] | None:
        """One thread as a dict of its columns."""
        row = self.session.get(ThreadRow, thread_id)
        return _thread(row) if row else None

    def thread_of_concern(self, concern_id: int, *, contact_id: int, opened_by: str) -> dict[str, Any]:
        """The concern's thread, made on first use."""
        query = select(ThreadRow).where(ThreadRow.concern_id == concern_id)
        row = self.session.scalars(query).first()
        if row is None:
            now = utcnow()
            try:
                with self.session.begin_nested():
                    row = ThreadRow(
                        concern_id=concern_id,
                        contact_id=contact_id,
                        opened_by=opened_by,
                        created_at=now,
                        last_message_at=now,
                    )
                    self.session.add(row)
            except IntegrityError:  # made at the same moment by a parent's text or a staff reply
                row = self.session.scalars(query).one()
        return _thread(row)

    def add_direct_thread(self, *, contact_id: int, school_id: int | None, opened_by: str) -> dict[str, Any]:
        """A new conversation with a family that is not about a concern (its root is posted later)."""
        now = utcnow()
        row = ThreadRow(
            contact_id=contact_id,
            school_id=school_id,
            opened_by=opened_by,
            created_at=now,
            last_message_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _thread(row)

    def thread_at(self, channel: str, thread_ts: str) -> dict[str, Any] | None:
        """The thread whose root is this Slack message: a concern's alert or a direct conversation's root."""
        concern = self.session.scalars(
            select(ConcernRow).where(ConcernRow.alert_channel == channel, ConcernRow.alert_ts == thread_ts)
        ).first()
        if concern is not None:
            return self.thread_of_concern(concern.id, contact_id=concern.contact_id, opened_by="parent")
        row = self.session.scalars(
            select(ThreadRow).where(ThreadRow.slack_channel == channel, ThreadRow.thread_ts == thread_ts)
        ).first()
        return _thread(row) if row else None

    def direct_threads_of_contact(self, contact_id: int, since: datetime) -> list[dict[str, Any]]:
        """A family's direct conversations with a message since a moment, newest first."""
        rows = self.session.scalars(
            select(ThreadRow)
            .where(
                ThreadRow.contact_id == contact_id,
                ThreadRow.concern_id.is_(None),
                ThreadRow.last_message_at >= since,
            )
            .order_by(ThreadRow.last_message_at.desc(), ThreadRow.id.desc())
        )
        return [_thread(row) for row in rows]

    def update_thread(self, thread_id: int, **fields: Any) -> None:
        """Change a thread's columns."""
        self.session.execute(update(ThreadRow).where(ThreadRow.id == thread_id).values(**fields))

    def add_thread_message(self, **fields: Any) -> int | None:
        """Store one message of a thread; None when its Slack message was stored already (a retry)."""
        now = utcnow()
        row = ThreadMessageRow(created_at=now, **fields)
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        self.update_thread(int(fields["thread_id"]), last_message_at=now)
        return int(row.id)

    def thread_message(self, message_id: int) -> dict[str, Any] | None:
        """One thread message as a dict of its columns."""
        row = self.session.get(ThreadMessageRow, message_id)
        return _message(row) if row else None

    def thread_message_at(self, channel: str, ts: str) -> int | None:
        """The id of the thread message stored for this Slack message, if any."""
        return self.session.scalar(
            select(ThreadMessageRow.id).where(
                ThreadMessageRow.slack_channel == channel, ThreadMessageRow.slack_ts == ts
            )
        )

    def concern_by_id(self, concern_id: int) -> dict[str, Any] | None:
        """One concern by its row id, as a dict of its columns."""
        row = self.session.get(ConcernRow, concern_id)
        return {c.name: getattr(row, c.name) for c in ConcernRow.__table__.columns} if row else None

    def thread_messages(self, thread_id: int) -> list[dict[str, Any]]:
        """A thread's messages, oldest first."""
        rows = self.session.scalars(
            select(ThreadMessageRow)
            .where(ThreadMessageRow.thread_id == thread_id)
            .order_by(ThreadMessageRow.id)
        )
        return [_message(row) for row in rows]

    def update_thread_message(self, message_id: int, **fields: Any) -> None:
        """Change a thread message's columns."""
        self.session.execute(
            update(ThreadMessageRow).where(ThreadMessageRow.id == message_id).values(**fields)
        )

    def outbox_key_of_provider_id(self, provider_id: str) -> str | None:
        """The idempotency key of the outbox row the provider accepted under this id."""
        return self.session.scalar(
            select(OutboxRow.idempotency_key).where(OutboxRow.provider_id == provider_id).limit(1)
        )
