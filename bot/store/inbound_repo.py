"""How much a number has written lately, for throttling floods (mixed into `Tx`)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, func, select

from bot.store.models import MessageRow

MESSAGES = cast(Table, MessageRow.__table__)

# Prebuilt like the rest of the per-message path; served by ix_messages_contact_created.
RECENT_INBOUND = select(func.count()).where(
    MESSAGES.c.contact_id == bindparam("b_contact"),
    MESSAGES.c.direction == "in",
    MESSAGES.c.created_at >= bindparam("b_since"),
)
LAST_INBOUND_STATUS = (
    select(MESSAGES.c.status)
    .where(MESSAGES.c.contact_id == bindparam("b_contact"), MESSAGES.c.direction == "in")
    .order_by(MESSAGES.c.id.desc())
    .limit(1)
)


class InboundQueries:
    """The inbound-rate part of a transaction."""

    @property
    def core(self) -> Connection:
        """The transaction's connection (Tx provides it)."""
        raise NotImplementedError

    def inbound_count_since(self, contact_id: int, since: datetime) -> int:
        """How many texts the contact sent since a moment."""
        return int(
            self.core.execute(RECENT_INBOUND, {"b_contact": contact_id, "b_since": since}).scalar_one()
        )

    def last_inbound_status(self, contact_id: int) -> str | None:
        """The status of the contact's latest stored inbound text ('throttled' during a flood)."""
        return self.core.execute(LAST_INBOUND_STATUS, {"b_contact": contact_id}).scalar()
