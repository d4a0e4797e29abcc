"""The outbox dispatcher with the real twilio client against the fake Twilio API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.channels.twilio_transport import TwilioTransport
from bot.clock import ManualClock, running_at
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig, RateLimiter
from bot.outbox.transport import SendReceipt, Transport
from tests.fixtures.bots import make_bot
from tests.fixtures.databases import SqliteTemplate
from tests.fixtures.fake_twilio import FakeTwilio, Fault
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server


@pytest.fixture
def live_bot(db_url: str, fake: FakeTwilio) -> Iterator[Bot]:
    twilio = TwilioTransport(
        account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number="+12135550100", api_base_url=fake.url
    )
    wired = make_bot(db_url, transport=twilio)
    yield wired
    wired.close()


def dispatcher(bot: Bot, **config: float) -> Dispatcher:
    settings = {"messages_per_second": 500.0, "base_backoff": 0.0, "max_backoff": 0.0, **config}
    return Dispatcher(bot.store, bot.transport, DispatcherConfig(**settings), "test-worker")  # type: ignore[arg-type]


def contact_id(bot: Bot, phone: str, opted_out: bool = False) -> int:
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(phone) or tx.create_contact(phone, None)
        if opted_out:
            tx.set_consent(contact.id, opted_out=True, source="keyword")
        return contact.id


def enqueue(bot: Bot, key: str, phone: str, body: str, priority: int = 0) -> bool:
    with bot.store.transaction() as tx:
        return tx.enqueue(
            key=key, to_address=phone, body=body, contact_id=contact_id(bot, phone), priority=priority
        )


def drain(d: Dispatcher, rounds: int = 10) -> None:
    for _ in range(rounds):
        if not d.drain_once():
            return


def statuses(bot: Bot) -> dict[str, int]:
    with bot.store.transaction() as tx:
        return tx.outbox_counts()


def test_enqueue_is_idempotent_per_key(live_bot: Bot) -> None:
    assert enqueue(live_bot, "announce-1:contact-1", "+12135550181", "hi")
    assert not enqueue(live_bot, "announce-1:contact-1", "+12135550181", "hi")
    assert statuses(live_bot) == {"pending": 1}


def test_queued_messages_are_sent_once_and_recorded(live_bot: Bot, fake: FakeTwilio) -> None:
    for n in range(5):
        enqueue(live_bot, f"k{n}", f"+1213555019{n}", f"message {n}")
    drain(dispatcher(live_bot))
    drain(dispatcher(live_bot))
    assert sorted(m.body for m in fake.messages) == [f"message {n}" for n in range(5)]
    assert statuses(live_bot) == {"sent": 5}
    with live_bot.store.engine.connect() as connection:
        rows = connection.execute(text("SELECT provider_id FROM messages WHERE direction = 'out'")).all()
    assert sorted(r[0] for r in rows) == sorted(m.sid for m in fake.messages)


def test_interactive_messages_go_before_bulk(live_bot: Bot, fake: FakeTwilio) -> None:
    for n in range(3):
        enqueue(live_bot, f"bulk{n}", f"+1213555020{n}", f"bulk {n}", priority=1)
    enqueue(live_bot, "reply", "+12135550210", "concern update", priority=0)
    drain(dispatcher(live_bot))
    assert fake.messages[0].body == "concern update"


def test_transient_errors_are_retried_without_duplicates(live_bot: Bot, fake: FakeTwilio) -> None:
    fake.fail_next(Fault(status=429, code=20429), Fault(status=500), Fault(drop=True))
    enqueue(live_bot, "k", "+12135550220", "retry me")
    d = dispatcher(live_bot)
    for _ in range(6):
        d.drain_once()
    assert [m.body for m in fake.messages] == ["retry me"]
    assert statuses(live_bot) == {"sent": 1}


def test_gives_up_after_max_attempts_and_keeps_the_error(live_bot: Bot, fake: FakeTwilio) -> None:
    fake.fail_next(*[Fault(status=500)] * 3)
    enqueue(live_bot, "k", "+12135550230", "doomed")
    d = dispatcher(live_bot, max_attempts=3)
    for _ in range(5):
        d.drain_once()
    assert statuses(live_bot) == {"failed": 1}
    with live_bot.store.transaction() as tx:
        [row_id] = [r[0] for r in tx.session.execute(text("SELECT id FROM outbox"))]
        row = tx.outbox_row(row_id)
    assert row is not None and row["attempts"] == 3 and "gave up after 3 attempts" in row["last_error"]


def test_carrier_opt_out_marks_the_contact_and_stops(live_bot: Bot, fake: FakeTwilio) -> None:
    fake.fail_next(Fault(status=400, code=21610, message="unsubscribed recipient"))
    enqueue(live_bot, "k", "+12135550240", "hello")
    drain(dispatcher(live_bot))
    assert statuses(live_bot) == {"failed": 1}
    with live_bot.store.transaction() as tx:
        contact = tx.contact_by_phone("+12135550240")
        assert contact is not None and contact.opted_out
        assert tx.consent_history(contact.id)[-1][:2] == ("opt_out", "carrier_21610")


def test_opted_out_contacts_are_never_sent_to(live_bot: Bot, fake: FakeTwilio) -> None:
    enqueue(live_bot, "k", "+12135550250", "announcement")
    contact_id(live_bot, "+12135550250", opted_out=True)
    drain(dispatcher(live_bot))
    assert fake.messages == []
    assert statuses(live_bot) == {"suppressed": 1}


def _leave_claimed(bot: Bot, minutes_ago: float) -> None:
    """Simulate a dispatcher that died after claiming (and maybe sending) but before recording."""
    with bot.store.transaction() as tx:
        tx.claim_outbox("dead-worker", 10)
    moment = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    with bot.store.engine.begin() as connection:
        connection.execute(text("UPDATE outbox SET claimed_at = :at"), {"at": moment})


def test_crash_after_the_api_call_is_not_sent_again(live_bot: Bot, fake: FakeTwilio) -> None:
    enqueue(live_bot, "k", "+12135550260", "sent just before the crash")
    _leave_claimed(live_bot, minutes_ago=5)
    live_bot.transport.send("+12135550260", "sent just before the crash")  # the dead worker's call went out
    d = dispatcher(live_bot)
    assert d.recover_stale() == 1
    drain(d)
    assert len(fake.messages) == 1
    assert statuses(live_bot) == {"sent": 1}


def test_crash_before_the_api_call_is_sent_after_recovery(live_bot: Bot, fake: FakeTwilio) -> None:
    enqueue(live_bot, "k", "+12135550270", "never left")
    _leave_claimed(live_bot, minutes_ago=5)
    d = dispatcher(live_bot)
    assert d.recover_stale() == 1
    drain(d)
    assert [m.body for m in fake.messages] == ["never left"]
    assert statuses(live_bot) == {"sent": 1}


def test_fresh_claims_are_left_alone(live_bot: Bot, fake: FakeTwilio) -> None:
    enqueue(live_bot, "k", "+12135550280", "in flight elsewhere")
    _leave_claimed(live_bot, minutes_ago=0)
    assert dispatcher(live_bot).recover_stale() == 0
    assert statuses(live_bot) == {"sending": 1}


def test_rate_limiter_never_exceeds_its_rate() -> None:
    limiter = RateLimiter(50.0)
    stamps = []
    for _ in range(26):
        with limiter.slot():
            stamps.append(time.monotonic())
    # 26 starts span at least 25 intervals (bench/timing.py measures how closely it keeps the pace).
    assert stamps[-1] - stamps[0] >= 25 / 50.0 * 0.98


def test_rate_limiter_window_counts_from_when_slow_sends_finished() -> None:
    import threading

    limiter = RateLimiter(5.0)
    starts: dict[int, float] = {}
    finishes: dict[int, float] = {}
    sending = [threading.Event() for _ in range(6)]

    def send(n: int) -> None:
        with limiter.slot():
            starts[n] = time.monotonic()
            sending[n].set()
            time.sleep(0.3 if n == 0 else 0.0)  # the first answer from the provider is slow
            finishes[n] = time.monotonic()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for n, thread in enumerate(threads):  # one after another: each asks for its slot once the last sends
        thread.start()
        if n < 5:
            assert sending[n].wait(10)
    for thread in threads:
        thread.join()
    # The sixth send may start only a second after the first one's answer came back.
    assert starts[5] >= finishes[0] + 1.0
    assert starts[4] < finishes[0] + 1.0  # the others only keep the even pace


def test_run_forever_drains_and_stops(live_bot: Bot, fake: FakeTwilio) -> None:
    import threading

    class Signalling:
        """The live transport, and an event set once it has sent."""

        name = "signalling"

        def __init__(self, inner: Transport) -> None:
            self.inner, self.sent = inner, threading.Event()

        def send(self, to: str, body: str) -> SendReceipt:
            receipt = self.inner.send(to, body)
            self.sent.set()
            return receipt

        def find_sent(self, to: str, body: str, since: datetime) -> str | None:
            return self.inner.find_sent(to, body, since)

    enqueue(live_bot, "k", "+12135550290", "background")
    transport = Signalling(live_bot.transport)
    config = DispatcherConfig(messages_per_second=500.0, idle_sleep=0.05)
    d = Dispatcher(live_bot.store, transport, config, "test-worker")
    thread = threading.Thread(target=d.run_forever)
    thread.start()
    assert transport.sent.wait(10)
    d.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert [m.body for m in fake.messages] == ["background"]


def test_every_sender_thread_reads_the_dispatchers_clock(bot: Bot) -> None:
    """Sends to different numbers run side by side in a pool; each records at the dispatcher's clock."""
    moment = datetime(2026, 2, 10, 18, 0, tzinfo=UTC)
    clock = ManualClock(moment)
    with running_at(clock):
        for n in range(6):
            enqueue(bot, f"k{n}", f"+1213555031{n}", f"hello {n}")
    d = Dispatcher(bot.store, bot.transport, DispatcherConfig(messages_per_second=500.0), "pool", clock=clock)
    assert d._senders > 1  # the pool is in use
    assert d.drain_once() == 6
    with bot.store.transaction() as tx:
        rows = [tx.outbox_row(i) for i in range(1, 7)]
    assert {(row or {}).get("sent_at") for row in rows} == {moment}


@pytest.mark.parametrize(("setting", "interval"), [(1.0, 1.0), (4.0, 0.25)])
def test_slack_posts_are_paced_at_their_own_setting(
    sqlite_template: SqliteTemplate, tmp_path: Path, setting: float, interval: float
) -> None:
    wired = make_bot(sqlite_template.fresh(tmp_path / "pace.db"), slack_posts_per_second=setting)
    try:
        dispatcher = wired.dispatcher("pace")
        _, slack = dispatcher.routes["slack"]
        assert isinstance(slack, RateLimiter) and slack.interval == interval
        _, sms = dispatcher.routes["sms"]
        assert isinstance(sms, RateLimiter) and sms.interval == 1 / 1000  # the SMS rate is its own
    finally:
        wired.close()
