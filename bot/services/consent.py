"""Delivery statuses and carrier opt-outs reported back by the SMS provider."""

from __future__ import annotations

import logging

from bot.outbox.transport import OPTED_OUT_AT_CARRIER
from bot.store import Store

log = logging.getLogger(__name__)


class ConsentService:
    """Records delivery status callbacks; a carrier opt-out (21610) opts the contact out."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record_delivery(self, provider_id: str, status: str, error_code: str | None) -> bool:
        """Store a status once per (sid, status); False for a repeated callback."""
        with self.store.transaction() as tx:
            fresh = tx.record_status(provider_id, status, error_code)
            if fresh and error_code == str(OPTED_OUT_AT_CARRIER):
                contact = tx.contact_by_message_provider_id(provider_id)
                if contact and not contact.opted_out:
                    tx.set_consent(contact.id, opted_out=True, source="carrier_21610", detail=provider_id)
        return fresh
