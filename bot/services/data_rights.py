"""A parent's data rights: export everything stored about a number, erase it, and purge old data.

Erasure deletes messages, sessions, queued texts and unanswered questions, blanks what the parent
wrote in concerns and consent records, and replaces the phone by a keyed hash (HMAC-SHA256 with
PHONE_HASH_KEY, kept outside the database). What stays: the contact row under that token with its
opt-out state and consent history (TCPA: keep consent records at least four years), concern
categories and times, and the pseudonymous evidence rows the rubric report counts. Because the
token is computed from the number, a number that opted out and was then erased is still opted out
if it comes back; without the key nobody can tell which number a token was.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.clock import utcnow
from bot.services.concerns import queue_alert
from bot.services.phones import normalize_phone
from bot.store import Store

CONSENT_KEEP = timedelta(days=4 * 366)  # TCPA: consent records are kept at least four years
TOKEN_PREFIX = "#"  # never the start of an E.164 number; token and prefix fit the 20-character column


class NoSuchContact(LookupError):
    """No contact has this phone number."""


class ErasureNotConfigured(RuntimeError):
    """PHONE_HASH_KEY is not set, so an erased number could not honour a later STOP."""


def phone_token_function(key: str) -> Callable[[str], str]:
    """The keyed, non-reversible token an erased contact's phone is replaced by."""
    secret = key.encode()

    def token(phone: str) -> str:
        return TOKEN_PREFIX + hmac.new(secret, phone.encode(), hashlib.sha256).hexdigest()[:19]

    return token


@dataclass(frozen=True)
class Erased:
    """What an erasure did: rows deleted or blanked, by table."""

    contact_id: int
    counts: dict[str, int]


class DataRights:
    """Export, erasure and retention, on the store."""

    def __init__(
        self, store: Store, *, hash_key: str, region: str = "US", concerns_channel: str = ""
    ) -> None:
        self.store = store
        self.token = phone_token_function(hash_key) if hash_key else None
        self.region = region
        self.concerns_channel = concerns_channel

    def export(self, phone: str) -> dict[str, Any]:
        """Everything stored about a number, JSON-ready: the contact and its rows in every table."""
        number = normalize_phone(phone, self.region)
        with self.store.transaction() as tx:
            contact = tx.contact_by_phone(number)
            if contact is None:
                raise NoSuchContact(number)
            record = tx.contact_record(contact.id)
            tables = tx.contact_data(contact.id)
        return _jsonable({"exported_at": utcnow(), "phone": number, "contact": record, "tables": tables})

    def forget(self, phone: str) -> Erased:
        """Erase a number's personal data, keeping its consent record and anonymous aggregates."""
        if self.token is None:
            raise ErasureNotConfigured("set PHONE_HASH_KEY (a long random secret kept outside the database)")
        number = normalize_phone(phone, self.region)
        with self.store.transaction() as tx:
            contact = tx.contact_by_phone(number)
            if contact is None:
                raise NoSuchContact(number)
            references = [row["reference"] for row in tx.contact_data(contact.id)["concerns"]]
            counts = tx.erase_contact(contact.id, self.token(number))
            if self.concerns_channel:
                for reference in references:
                    # The alert is redrawn from the erased row: no words of the parent stay in Slack.
                    queue_alert(tx, self.concerns_channel, reference)
        self.store.scrub_freed_space(name for name, count in counts.items() if count)
        return Erased(contact.id, counts)

    def purge(self, older_than_days: int) -> dict[str, int]:
        """Delete rows older than the cutoff and pseudonymise contacts inactive since; blank the
        parents' words in consent records past CONSENT_KEEP (the records themselves stay)."""
        now = utcnow()
        cutoff = now - timedelta(days=older_than_days)
        with self.store.transaction() as tx:
            counts = dict(tx.purge_before(cutoff).counts)
            counts["consent_details"] = tx.blank_consent_details_before(now - CONSENT_KEEP)
            if self.token is not None:
                inactive = tx.inactive_contacts(cutoff)
                for contact_id, phone in inactive:
                    tx.erase_contact(contact_id, self.token(phone))
                counts["contacts_pseudonymised"] = len(inactive)
        return counts


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
