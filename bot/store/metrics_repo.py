"""The store's side of the metrics: queue depth and the oldest open concern, read per scrape."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.clock import utcnow
from bot.metrics import StoreSnapshot
from bot.store.models import ConcernRow, OutboxRow
from bot.store.repo import Store

# Only these statuses: 'sent' grows without bound and would make every scrape a table scan.
OPEN_STATUSES = ("pending", "sending", "failed")


def store_snapshot(store: Store) -> StoreSnapshot:
    """Outbox rows by (status, priority) for the open statuses, and the oldest open concern's age."""
    with store.transaction() as tx:
        rows = tx.session.execute(
            select(OutboxRow.status, OutboxRow.priority, func.count())
            .where(OutboxRow.status.in_(OPEN_STATUSES))
            .group_by(OutboxRow.status, OutboxRow.priority)
        )
        outbox = {(status, int(priority)): int(count) for status, priority, count in rows}
        oldest = tx.session.scalar(
            select(func.min(ConcernRow.created_at)).where(ConcernRow.status != "resolved")
        )
    if isinstance(oldest, datetime) and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)  # SQLite's MIN() bypasses the column type
    age = (utcnow() - oldest).total_seconds() if isinstance(oldest, datetime) else None
    return StoreSnapshot(outbox, age)
