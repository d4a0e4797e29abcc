"""The port every outbound SMS transport implements, and the dry-run transport for laptops."""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.services.phones import mask_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendReceipt:
    """The provider accepted a message under this id."""

    provider_id: str
    status: str = "sent"


class TransientSendError(Exception):
    """Worth trying again later (rate limit, server error, timeout).

    `ambiguous` means the provider may have accepted the message anyway (a timeout or a connection
    lost after the request went out): ask the provider before sending it again.
    """

    def __init__(self, message: str, retry_after: float | None = None, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.ambiguous = ambiguous


class PermanentSendError(Exception):
    """Will never succeed as it is (bad number, blocked, opted out at the carrier)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


OPTED_OUT_AT_CARRIER = 21610


class Transport(Protocol):
    """Sends one SMS and can tell whether a message was already accepted (after a crash)."""

    name: str

    def send(self, to: str, body: str) -> SendReceipt:
        """Send a text; raise TransientSendError or PermanentSendError on failure."""
        ...

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The provider id of a message with this body sent to this number since a moment, if any."""
        ...


class DryRunTransport:
    """Writes outbound texts to the log instead of sending them (no credentials configured)."""

    name = "dry-run"

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        # Ids must stay unique across restarts: stored messages are unique per provider id.
        self._run = uuid.uuid4().hex[:8].upper()
        self._lock = threading.Lock()
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, body: str) -> SendReceipt:
        """Log the text and pretend the provider accepted it."""
        with self._lock:
            provider_id = f"DRY{self._run}{next(self._ids):012d}"
            self.sent.append((provider_id, to, body))
        log.info("dry-run SMS to %s (%s): %s", mask_phone(to), provider_id, body.replace("\n", " | "))
        return SendReceipt(provider_id)

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """Look in what this process logged."""
        with self._lock:
            return next((pid for pid, t, b in self.sent if t == to and b == body), None)


class DryRunSlackTransport:
    """Logs staff alerts instead of posting them (no Slack credentials configured)."""

    name = "slack-dry-run"

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def send(self, to: str, body: str) -> SendReceipt:
        """Log the alert's kind and reference only (never the parent's words)."""
        log.info("dry-run Slack to %s: %s", to or "(no channel)", body)
        return SendReceipt(f"SLACKDRY{next(self._ids):012d}")

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """Nothing to reconcile: a repeated log line is harmless."""
        return None
