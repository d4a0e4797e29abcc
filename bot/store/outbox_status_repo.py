"""What the outbox holds, for staff: counts by status and priority, and the rows that failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.store.models import OutboxRow
from bot.store.repo import Store

FAILED = ("failed", "suppressed")


@dataclass(frozen=True)
class FailedRow:
    """An outbox row that will not be sent, and why."""

    id: int
    channel: str
    to_address: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True)
class OutboxReport:
    """Counts by (status, priority) and the latest rows that could not be sent."""

    counts: dict[tuple[str, int], int]
    failed: list[FailedRow]


def outbox_report(store: Store, limit: int = 50) -> OutboxReport:
    """Counts of every (status, priority) and the newest `limit` failed or suppressed rows."""
    with store.transaction() as tx:
        rows = tx.session.execute(
            select(OutboxRow.status, OutboxRow.priority, func.count()).group_by(
                OutboxRow.status, OutboxRow.priority
            )
        )
        counts = {(status, int(priority)): int(count) for status, priority, count in rows}
        failed = tx.session.execute(
            select(
                OutboxRow.id,
                OutboxRow.channel,
                OutboxRow.to_address,
                OutboxRow.status,
                OutboxRow.attempts,
                OutboxRow.last_error,
                OutboxRow.created_at,
            )
            .where(OutboxRow.status.in_(FAILED))
            .order_by(OutboxRow.id.desc())
            .limit(limit)
        )
        return OutboxReport(counts, [FailedRow(*row) for row in failed])
