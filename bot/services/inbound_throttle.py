"""Throttling inbound texts: a number flooding the bot, and bursts of numbers never seen before.

Past `max_per_minute` texts in the last minute, a text is stored with status 'throttled' and gets
no reply, until the number slows down. A flood is one spell of throttled texts: staff are told once
at its start, and it ends only after FLOOD_GAP without a throttled text, whatever was answered in
between. STOP and START are always honoured; during a flood HELP is answered once per HELP_GAP.
New numbers together get at most `new_numbers_per_minute` answers a minute (SMS pumping).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import utcnow
from bot.domain import Contact
from bot.services.phones import mask_phone
from bot.services.staff_notices import notice_body
from bot.store import Tx

log = logging.getLogger(__name__)

THROTTLED = "throttled"
HELP_ANSWERED = "help"  # an inbound HELP that got its answer (the status of its message row)
WINDOW = timedelta(minutes=1)
FLOOD_GAP = timedelta(minutes=10)
HELP_GAP = timedelta(minutes=10)


@dataclass(frozen=True)
class ThrottleConfig:
    """The limits, and the Slack channel staff are told in."""

    max_per_minute: int
    staff_channel: str
    new_numbers_per_minute: int = 100


class InboundThrottle:
    """Decides whether one more text gets an answer."""

    def __init__(self, config: ThrottleConfig) -> None:
        self.config = config

    def over_limit(self, tx: Tx, contact: Contact) -> bool:
        """True when this text is past the limit; queues one staff notice at the start of a flood."""
        now = utcnow()
        if tx.inbound_count_since(contact.id, now - WINDOW) < self.config.max_per_minute:
            return False
        if tx.inbound_count_since(contact.id, now - FLOOD_GAP, status=THROTTLED) == 0:
            self._tell_staff(tx, contact)
        return True

    def help_repeated(self, tx: Tx, contact: Contact) -> bool:
        """True when this number already got the HELP answer within HELP_GAP."""
        return tx.inbound_count_since(contact.id, utcnow() - HELP_GAP, status=HELP_ANSWERED) > 0

    def too_many_new_numbers(self, tx: Tx) -> bool:
        """True when more numbers than the limit first wrote in the last minute (this one included)."""
        return tx.contacts_created_since(utcnow() - WINDOW) > self.config.new_numbers_per_minute

    def _tell_staff(self, tx: Tx, contact: Contact) -> None:
        phone = mask_phone(contact.phone)
        log.warning("%s sent over %d texts in a minute: throttled", phone, self.config.max_per_minute)
        text = (
            f":warning: Texts from {phone} (contact #{contact.id}) are being throttled: more than "
            f"{self.config.max_per_minute} in a minute. They are stored; the bot answers again once "
            "the number slows down. STOP, START and HELP are still honoured."
        )
        tx.enqueue(
            key=f"flood:{contact.id}:{uuid.uuid4().hex}",
            to_address=self.config.staff_channel,
            body=notice_body(text),
            contact_id=None,
            channel="slack",
        )
