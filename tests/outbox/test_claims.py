"""A dispatcher never sends a row whose claim recovery gave to another dispatcher."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.app import Bot
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.outbox.transport import DryRunTransport
from bot.store.models import OutboxRow


def test_a_row_taken_over_by_recovery_is_not_sent_by_its_first_claimer(bot: Bot) -> None:
    transport = DryRunTransport()
    config = DispatcherConfig(messages_per_second=100.0, stale_after=timedelta(seconds=10))
    slow = Dispatcher(bot.store, transport, config, "slow")
    with bot.store.transaction() as tx:
        tx.enqueue(key="k", to_address="+12135550150", body="once", contact_id=None)
        [item] = tx.claim_outbox("slow", 10)
    with bot.store.transaction() as tx:  # the slow one stalls past its lease; recovery takes over
        stale = datetime.now(UTC) - timedelta(seconds=30)
        tx.session.execute(update(OutboxRow).values(claimed_at=stale))
        assert [row.id for row in tx.reclaim_stale("rescuer", timedelta(seconds=10))] == [item.id]
    slow._send(replace(item, claimed_at=stale))
    assert transport.sent == []
