"""Per-number throttling of inbound texts: a number flooding the bot is stored but not answered.

Past `max_per_minute` texts in the last minute, a text is stored with status 'throttled' and gets
no reply, until the number slows down. Staff are told once per flood: when a throttled text
follows one that was not. STOP and HELP are always answered (the carriers' and the law's rule).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain import Contact
from bot.services.phones import mask_phone
from bot.services.staff_notices import notice_body
from bot.store import Tx

log = logging.getLogger(__name__)

THROTTLED = "throttled"
WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class ThrottleConfig:
    """The limit, and the Slack channel staff are told in."""

    max_per_minute: int
    staff_channel: str


class InboundThrottle:
    """Decides whether one more text from a contact is past its limit."""

    def __init__(self, config: ThrottleConfig) -> None:
        self.config = config

    def over_limit(self, tx: Tx, contact: Contact) -> bool:
        """True when this text is past the limit; queues one staff notice at the start of a flood."""
        since = datetime.now(UTC) - WINDOW
        if tx.inbound_count_since(contact.id, since) < self.config.max_per_minute:
            return False
        if tx.last_inbound_status(contact.id) != THROTTLED:
            phone = mask_phone(contact.phone)
            log.warning("%s sent over %d texts in a minute: throttled", phone, self.config.max_per_minute)
            text = (
                f":warning: Texts from {phone} (contact #{contact.id}) are being throttled: more than "
                f"{self.config.max_per_minute} in a minute. They are stored; the bot answers again once "
                "the number slows down. STOP and HELP are still honoured."
            )
            tx.enqueue(
                key=f"flood:{contact.id}:{uuid.uuid4().hex}",
                to_address=self.config.staff_channel,
                body=notice_body(text),
                contact_id=None,
                channel="slack",
            )
        return True
