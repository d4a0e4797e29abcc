"""Drains the outbox: claim rows, send outside any transaction, record the result.

A row is marked 'sending' (committed) before the API call and 'sent' after it. If the process
dies in between, the row is left in 'sending'; recovery asks the provider whether that message
went out before deciding to send it again, so a crash neither drops nor doubles a text.

The school's clock (quiet hours, claim and retry times) is the dispatcher's `clock`, which its
threads and the store calls they make all read; pacing uses `time.monotonic()`.
"""

from __future__ import annotations

import contextvars
import logging
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import running_at, utcnow
from bot.domain import OutboxItem
from bot.metrics import record_outbound
from bot.outbox.transport import (
    OPTED_OUT_AT_CARRIER,
    PermanentSendError,
    TransientSendError,
    Transport,
)
from bot.services.phones import mask_phone
from bot.services.quiet_hours import QuietHours
from bot.store import Store, Tx

log = logging.getLogger(__name__)

WINDOW = 1.001  # one second, and a millisecond for clock resolution


@dataclass(frozen=True)
class DispatcherConfig:
    """How fast and how stubbornly to send."""

    messages_per_second: float
    max_attempts: int = 8
    batch_size: int = 50
    idle_sleep: float = 0.5
    stale_after: timedelta = timedelta(minutes=2)
    base_backoff: float = 2.0
    max_backoff: float = 600.0
    verify_delay: float = 1.0  # after an ambiguous failure, wait this long before asking the provider
    verify_attempts: int = 3
    record_attempts: int = 6  # recording a result survives a database restart or a dropped connection
    quiet_hours: QuietHours | None = None  # bulk rows wait while it is quiet; replies never do


class Limiter(Protocol):
    """Paces sends: `slot()` waits for the next allowed start and is held while the send runs."""

    def slot(self) -> AbstractContextManager[None]:
        """Wait for the next send slot; leave the block when the provider has answered."""
        ...


# (channel, messages per second) -> the limiter for that channel's sends
LimiterFactory = Callable[[str, float], Limiter]


class RateLimiter:
    """Paces sends evenly at `rate` per second; no one-second window ever sees more than `rate` of them.

    The window rule counts from when the send `rate` places back *finished* (its answer came back, so
    the provider had it by then) to when the next one *starts*: whatever the network's delays, the
    provider never receives more than `rate` in any second.
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        # One cell per recent send: [finish time], or [None] while it is in flight.
        self._finished: deque[list[float | None]] = deque(maxlen=max(1, math.floor(rate)))
        self._changed = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for the next allowed start, then hold the slot while the send runs."""
        with self._changed:
            while True:
                now = time.monotonic()
                start = max(now, self._next)
                if len(self._finished) < (self._finished.maxlen or 1):
                    break
                oldest = self._finished[0][0]
                if oldest is not None:
                    start = max(start, oldest + WINDOW)
                    break
                self._changed.wait(0.05)  # the send `rate` places back is still in flight
            cell: list[float | None] = [None]
            self._finished.append(cell)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)
        try:
            yield
        finally:
            with self._changed:
                cell[0] = time.monotonic()
                self._changed.notify_all()


class Dispatcher:
    """Sends queued messages through a transport at the sender's rate."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        config: DispatcherConfig,
        worker: str,
        others: Mapping[str, tuple[Transport, float]] | None = None,
        limiter_factory: LimiterFactory | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.clock = clock  # the school's time for this dispatcher's work, in whatever thread it runs
        self.transport = transport
        self.config = config
        self.worker = worker
        make_limiter = limiter_factory or _local_limiter
        self.limiter = make_limiter("sms", config.messages_per_second)
        # Other channels (Slack) with their own transport and rate; SMS is the default channel.
        self.routes: dict[str, tuple[Transport, Limiter]] = {"sms": (transport, self.limiter)}
        for channel, (other, rate) in (others or {}).items():
            self.routes[channel] = (other, make_limiter(channel, rate))
        self._stop = threading.Event()
        # Claim no more than about two seconds of sending: rows waiting in one process's batch are
        # rows another process cannot send, and at a shared rate a batch drains slowly.
        self.batch_size = max(1, min(config.batch_size, math.ceil(config.messages_per_second * 2)))
        # Side-by-side sends only with this process's own limiter: with a rate shared across
        # processes (PostgreSQL) the processes are the parallelism, and one sender each keeps what
        # the provider receives in the order and spacing of the shared slots.
        self._senders = min(8, math.ceil(config.messages_per_second / 25)) if limiter_factory is None else 1
        self._pool: ThreadPoolExecutor | None = None

    def run_forever(self) -> None:
        """Drain until `stop()` is called; errors are logged and the loop goes on."""
        log.info(
            "dispatcher %s started (%s, %.2f msg/s)",
            self.worker,
            self.transport.name,
            self.config.messages_per_second,
        )
        with running_at(self.clock):
            self._loop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.recover_stale() + self.drain_once()
            except Exception:
                log.exception("dispatcher %s: pass failed; retrying", self.worker)
                worked = 0
            if not worked:
                self._stop.wait(self.config.idle_sleep)

    def stop(self) -> None:
        """Ask the loop to finish after the current message."""
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=False)

    def drain_once(self) -> int:
        """Claim one batch and send it; returns how many rows were handled."""
        with running_at(self.clock):
            return self._drain_once()

    def _drain_once(self) -> int:
        with self.store.transaction() as tx:
            items = tx.claim_outbox(
                self.worker,
                self.batch_size,
                bulk_limit=max(1, math.ceil(self.config.messages_per_second)),
                bulk_allowed=self._bulk_allowed(),
            )
            opted_out = {i.id for i in items if i.contact_id and _opted_out(tx, i.contact_id)}
        # One recipient's messages go in order; different recipients' go side by side, so the time a
        # send takes does not cap the rate (the limiter still paces every start).
        by_recipient: dict[str, list[OutboxItem]] = {}
        for item in items:
            by_recipient.setdefault(item.to_address, []).append(item)
        groups = list(by_recipient.values())
        if len(groups) == 1 or self._senders < 2 or self._stop.is_set():
            for group in groups:
                self._send_in_order(group, opted_out)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._senders, thread_name_prefix="send")
            # Each sender thread runs in a copy of this context, so it reads the same clock.
            contexts = [contextvars.copy_context() for _ in groups]
            list(
                self._pool.map(
                    lambda ctx, group: ctx.run(self._send_in_order, group, opted_out), contexts, groups
                )
            )
        return len(items)

    def _send_in_order(self, group: list[OutboxItem], opted_out: set[int]) -> None:
        for item in group:
            if self._stop.is_set():
                self._release(item)
                continue
            if item.id in opted_out:
                self._finish_failed(item, "contact opted out", "suppressed")
                continue
            self._send(item)

    def _bulk_allowed(self) -> bool:
        quiet = self.config.quiet_hours
        return quiet is None or not quiet.contains(self.clock())

    def recover_stale(self) -> int:
        """Settle rows a dead dispatcher left in 'sending': mark them sent if the provider has them."""
        with running_at(self.clock):
            return self._recover_stale()

    def _recover_stale(self) -> int:
        with self.store.transaction() as tx:
            stale = tx.reclaim_stale(self.worker, self.config.stale_after)
        for item in stale:
            since = (item.claimed_at or self.clock()) - timedelta(seconds=5)
            try:
                transport = self._route(item)[0]
                provider_id = transport.find_sent(item.to_address, item.body, since)
            except Exception as exc:
                # Undecided: hand the row back with its old claim time, to be asked about again.
                log.warning("outbox %s: cannot check whether it was sent (%s); later", item.id, exc)
                with self.store.transaction() as tx:
                    tx.restore_claim(item.id, item.claimed_at)
                continue
            with self.store.transaction() as tx:
                if provider_id:
                    tx.mark_sent(item.id, provider_id)
                    log.warning(
                        "outbox %s was sent before a crash (%s); not sending again", item.id, provider_id
                    )
                else:
                    tx.mark_retry(item.id, "claim expired before the result was recorded", self.clock())
        return len(stale)

    def _route(self, item: OutboxItem) -> tuple[Transport, Limiter]:
        route = self.routes.get(item.channel)
        if route is None:
            raise PermanentSendError(f"no transport for channel {item.channel!r}")
        return route

    def _send(self, item: OutboxItem) -> None:
        try:
            transport, limiter = self._route(item)
            with limiter.slot():
                if not self._still_mine(item):
                    return
                receipt = transport.send(item.to_address, item.body)
        except TransientSendError as exc:
            if exc.ambiguous:
                self._settle_ambiguous(item, transport, str(exc))
            else:
                self._retry(item, str(exc), exc.retry_after)
            return
        except PermanentSendError as exc:
            self._finish_failed(item, f"{exc.code or ''} {exc}".strip(), "failed", carrier_code=exc.code)
            return
        except Exception as exc:  # an unexpected transport error is treated as transient
            log.exception("outbox %s: unexpected error while pacing or sending", item.id)
            self._retry(item, repr(exc), None)
            return
        self._record(lambda tx: tx.mark_sent(item.id, receipt.provider_id, receipt.status))
        record_outbound(item.channel, "sent")

    def _still_mine(self, item: OutboxItem) -> bool:
        """Renew this process's claim just before sending; False when recovery gave the row to another."""
        if item.claimed_at and self.clock() - item.claimed_at < self.config.stale_after / 2:
            return True  # claimed moments ago: recovery cannot have taken it (with half a lease to spare)
        try:
            with self.store.transaction() as tx:
                mine = tx.renew_claim(item.id, self.worker)
        except Exception:
            log.warning(
                "dispatcher %s: cannot renew the claim of outbox %s; skipping it", self.worker, item.id
            )
            return False  # the row stays 'sending'; recovery settles it once the claim expires
        if not mine:
            log.warning("outbox %s was taken over by another dispatcher; not sending it here", item.id)
        return mine

    def _settle_ambiguous(self, item: OutboxItem, transport: Transport, error: str) -> None:
        """The provider may have the message: ask before trying again, so it never goes out twice."""
        provider_id = self._ask_provider(item, transport, error)
        if provider_id is None:
            # Still undecided: the row stays 'sending' and recover_stale asks again after stale_after.
            log.warning("outbox %s: cannot tell whether it went out (%s); left to recovery", item.id, error)
        elif provider_id:
            log.info("outbox %s went out despite %s (%s)", item.id, error, provider_id)
            self._record(lambda tx: tx.mark_sent(item.id, provider_id))
            record_outbound(item.channel, "sent")
        else:
            self._retry(item, error, None)

    def _ask_provider(self, item: OutboxItem, transport: Transport, error: str) -> str | None:
        """The provider id if it has the message, "" if it has not, None if it would not say."""
        since = (item.claimed_at or self.clock()) - timedelta(seconds=5)
        for attempt in range(1, self.config.verify_attempts + 1):
            time.sleep(self.config.verify_delay * attempt)
            try:
                return transport.find_sent(item.to_address, item.body, since) or ""
            except Exception as exc:
                log.warning("outbox %s: checking after %s failed: %s", item.id, error, exc)
        return None

    def _record(self, work: Callable[[Tx], None]) -> None:
        """Write a result, retrying when the database connection drops (the send already happened)."""
        for attempt in range(1, self.config.record_attempts + 1):
            try:
                with self.store.transaction() as tx:
                    work(tx)
                return
            except Exception:
                if attempt == self.config.record_attempts:
                    raise
                log.warning("dispatcher %s: recording failed (attempt %d); retrying", self.worker, attempt)
                time.sleep(min(5.0, 0.2 * 2**attempt))

    def _retry(self, item: OutboxItem, error: str, retry_after: float | None) -> None:
        if item.attempts >= self.config.max_attempts:
            self._finish_failed(item, f"gave up after {item.attempts} attempts: {error}", "failed")
            return
        backoff = min(self.config.max_backoff, self.config.base_backoff * 2 ** (item.attempts - 1))
        delay = max(retry_after or 0.0, backoff * random.uniform(0.8, 1.2))
        log.warning("outbox %s to %s: %s; retry in %.1fs", item.id, mask_phone(item.to_address), error, delay)
        self._record(lambda tx: tx.mark_retry(item.id, error, self.clock() + timedelta(seconds=delay)))
        record_outbound(item.channel, "retry")

    def _release(self, item: OutboxItem) -> None:
        with self.store.transaction() as tx:
            tx.mark_retry(item.id, "released at shutdown", self.clock())

    def _finish_failed(
        self, item: OutboxItem, error: str, status: str, carrier_code: int | None = None
    ) -> None:
        log.warning("outbox %s to %s: %s (%s)", item.id, mask_phone(item.to_address), status, error)

        def record(tx: Tx) -> None:
            tx.mark_failed(item.id, error, status)
            if carrier_code == OPTED_OUT_AT_CARRIER and item.contact_id:
                contact = tx.contact(item.contact_id)
                if contact and not contact.opted_out:
                    tx.set_consent(
                        item.contact_id, opted_out=True, source="carrier_21610", detail=error[:200]
                    )

        self._record(record)
        record_outbound(item.channel, status)


def _local_limiter(_channel: str, rate: float) -> Limiter:
    return RateLimiter(rate)


def _opted_out(tx: Tx, contact_id: int) -> bool:
    contact = tx.contact(contact_id)
    return bool(contact and contact.opted_out)
