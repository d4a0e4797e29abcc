"""Delivery statuses and carrier opt-outs reported back by the SMS provider."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.domain import EvidenceFact
from bot.outbox.transport import OPTED_OUT_AT_CARRIER
from bot.store import Store, Tx

FINAL_STATUSES = ("delivered", "undelivered", "failed")

log = logging.getLogger(__name__)


class ConsentService:
    """Records delivery status callbacks; a carrier opt-out (21610) opts the contact out."""

    def __init__(
        self,
        store: Store,
        default_locale: str = "en",
        on_delivery: Callable[[Tx, str, str], None] | None = None,
    ) -> None:
        self.store = store
        self.default_locale = default_locale
        self.on_delivery = on_delivery  # e.g. a relayed staff reply shows its status in Slack

    def record_delivery(self, provider_id: str, status: str, error_code: str | None) -> bool:
        """Store a status once per (sid, status); False for a repeated callback."""
        with self.store.transaction() as tx:
            fresh = tx.record_status(provider_id, status, error_code)
            if fresh and error_code == str(OPTED_OUT_AT_CARRIER):
                contact = tx.contact_by_message_provider_id(provider_id)
                if contact and not contact.opted_out:
                    tx.set_consent(contact.id, opted_out=True, source="carrier_21610", detail=provider_id)
            if fresh and status in FINAL_STATUSES:
                self._bulk_evidence(tx, provider_id, status)
            if fresh and self.on_delivery is not None:
                self.on_delivery(tx, provider_id, status)
        return fresh

    def _bulk_evidence(self, tx: Tx, provider_id: str, status: str) -> None:
        """1B: whether a bulk message (announcement, reminder) reached the family, and in whose language."""
        campaign, text_locale, contact_id = tx.campaign_of_provider_id(provider_id)
        if campaign is None or contact_id is None:
            return
        contact = tx.contact(contact_id)
        home = (contact.locale if contact else None) or self.default_locale
        kind = "delivered" if status == "delivered" else "undelivered"
        fact = EvidenceFact("1B", kind, 1.0, "home" if text_locale == home else "fallback")
        tx.add_evidence(
            fact, contact_id=contact_id, school_id=contact.school_id if contact else None, locale=home
        )
