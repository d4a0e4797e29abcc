"""Queries about concerns, their history, Slack deliveries and unanswered questions (mixed into `Tx`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import ConcernEventRow, ConcernRow, SlackDeliveryRow, UnansweredQuestionRow, utcnow


def _record(row: ConcernRow) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in ConcernRow.__table__.columns}


class ConcernQueries:
    """The concern part of a transaction."""

    session: Session

    def next_concern_reference(self, year: int) -> str:
        """The next free reference of the year, like C-2026-0042."""
        prefix = f"C-{year}-"
        last = self.session.scalar(
            select(func.max(ConcernRow.reference)).where(ConcernRow.reference.startswith(prefix))
        )
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        return f"{prefix}{number:04d}"

    def add_concern(self, **fields: Any) -> dict[str, Any]:
        """Store a new concern and its 'created' event."""
        row = ConcernRow(**fields)
        self.session.add(row)
        self.session.flush()
        self.session.add(
            ConcernEventRow(concern_id=row.id, kind="created", actor="parent", at=row.created_at)
        )
        return _record(row)

    def concern(self, reference: str, *, for_update: bool = False) -> dict[str, Any] | None:
        """One concern as a dict of its columns."""
        query = select(ConcernRow).where(ConcernRow.reference == reference)
        if for_update:
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return _record(row) if row else None

    def update_concern(self, concern_id: int, **fields: Any) -> None:
        """Change a concern's columns."""
        self.session.execute(update(ConcernRow).where(ConcernRow.id == concern_id).values(**fields))

    def add_concern_event(self, concern_id: int, kind: str, actor: str, detail: str | None = None) -> None:
        """Add a line to a concern's history."""
        self.session.add(
            ConcernEventRow(concern_id=concern_id, kind=kind, actor=actor, detail=detail, at=utcnow())
        )

    def concern_events(self, concern_id: int) -> list[tuple[str, str, str | None, datetime]]:
        """(kind, actor, detail, at) of a concern's history, oldest first."""
        rows = self.session.execute(
            select(ConcernEventRow.kind, ConcernEventRow.actor, ConcernEventRow.detail, ConcernEventRow.at)
            .where(ConcernEventRow.concern_id == concern_id)
            .order_by(ConcernEventRow.id)
        )
        return [(k, a, d, t) for k, a, d, t in rows]

    def open_concerns(self) -> list[dict[str, Any]]:
        """Concerns not resolved, oldest first."""
        rows = self.session.scalars(
            select(ConcernRow).where(ConcernRow.status != "resolved").order_by(ConcernRow.created_at)
        )
        return [_record(row) for row in rows]

    def concerns_of_contact(self, contact_id: int) -> list[dict[str, Any]]:
        """A parent's concerns, newest first."""
        rows = self.session.scalars(
            select(ConcernRow).where(ConcernRow.contact_id == contact_id).order_by(ConcernRow.id.desc())
        )
        return [_record(row) for row in rows]

    def overdue_concerns(self, now: datetime) -> list[tuple[dict[str, Any], str]]:
        """(concern, 'acknowledge' or 'resolve') for every target passed and not yet escalated."""
        not_acked = select(ConcernRow).where(
            ConcernRow.status == "new", ConcernRow.ack_due_at <= now, ConcernRow.ack_escalated_at.is_(None)
        )
        not_resolved = select(ConcernRow).where(
            ConcernRow.status != "resolved",
            ConcernRow.resolve_due_at <= now,
            ConcernRow.resolve_escalated_at.is_(None),
        )
        found = [(_record(row), "acknowledge") for row in self.session.scalars(not_acked)]
        found += [(_record(row), "resolve") for row in self.session.scalars(not_resolved)]
        return found

    def claim_slack_delivery(self, key: str) -> bool:
        """Record a Slack delivery id; False when it was already recorded."""
        try:
            with self.session.begin_nested():
                self.session.add(SlackDeliveryRow(key=key[:200], at=utcnow()))
        except IntegrityError:
            return False
        return True

    def add_unanswered(
        self, *, text: str, locale: str | None, contact_ref: int | None, school_id: int | None
    ) -> None:
        """Keep a question nobody answered yet."""
        self.session.add(
            UnansweredQuestionRow(
                text=text, locale=locale, contact_ref=contact_ref, school_id=school_id, at=utcnow()
            )
        )

    def unanswered(self, limit: int = 20) -> list[tuple[str, str | None, datetime]]:
        """(text, locale, at) of the latest questions still unanswered, newest first."""
        rows = self.session.execute(
            select(UnansweredQuestionRow.text, UnansweredQuestionRow.locale, UnansweredQuestionRow.at)
            .where(UnansweredQuestionRow.status == "open")  # not those staff answered or set aside
            .order_by(UnansweredQuestionRow.id.desc())
            .limit(limit)
        )
        return [(t, loc, at) for t, loc, at in rows]
