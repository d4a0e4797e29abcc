"""How much a number has written lately, for throttling floods (mixed into `Tx`)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, func, select

from bot.store.models import ContactRow, MessageRow

MESSAGES = cast(Table, MessageRow.__table__)
CONTACTS = cast(Table, ContactRow.__table__)

# Prebuilt like the rest of the per-message path; served by ix_messages_contact_created.
RECENT_INBOUND = select(func.count()).where(
    MESSAGES.c.contact_id == bindparam("b_contact"),
    MESSAGES.c.direction == "in",
    MESSAGES.c.created_at >= bindparam("b_since"),
)
RECENT_INBOUND_WITH_STATUS = RECENT_INBOUND.where(MESSAGES.c.status == bindparam("b_status"))
NEW_CONTACTS = select(func.count()).where(CONTACTS.c.created_at >= bindparam("b_since"))


class InboundQueries:
    """The inbound-rate part of a transaction."""

    @property
    def core(self) -> Connection:
        """The transaction's connection (Tx provides it)."""
        raise NotImplementedError

    def inbound_count_since(self, contact_id: int, since: datetime, *, status: str | None = None) -> int:
        """How many texts the contact sent since a moment (only those with `status`, if given)."""
        if status is None:
            query, params = RECENT_INBOUND, {"b_contact": contact_id, "b_since": since}
        else:
            query = RECENT_INBOUND_WITH_STATUS
            params = {"b_contact": contact_id, "b_since": since, "b_status": status}
        return int(self.core.execute(query, params).scalar_one())

    def contacts_created_since(self, since: datetime) -> int:
        """How many numbers first wrote since a moment."""
        return int(self.core.execute(NEW_CONTACTS, {"b_since": since}).scalar_one())
