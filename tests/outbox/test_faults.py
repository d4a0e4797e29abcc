"""Scripted faults: the APIs fail at random; nothing is lost, nothing is sent twice, the loop goes on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from bot.app import Bot
from bot.channels.twilio_transport import TwilioTransport
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.services.staff_notices import notice_body
from tests.fixtures.bots import make_bot
from tests.fixtures.fake_slack import FakeSlack
from tests.fixtures.fake_twilio import FakeTwilio
from tests.fixtures.outbox_load import delivery, fill_outbox
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN

pytestmark = pytest.mark.slow

FAST_RETRIES = {
    "messages_per_second": 200.0,
    "max_attempts": 60,
    "base_backoff": 0.05,
    "max_backoff": 0.5,
    "verify_delay": 0.2,
    "idle_sleep": 0.05,
}


@contextmanager
def running(dispatcher: Dispatcher) -> Iterator[threading.Thread]:
    """The dispatcher's loop in a thread, as `outreach serve` runs it."""
    thread = threading.Thread(target=dispatcher.run_forever, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        dispatcher.stop()
        thread.join(timeout=30)


def wait_for_sent(bot: Bot, expected: int, timeout: float) -> dict[str, int]:
    """Outbox counts once `expected` rows are sent (or whatever they are after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while True:
        with bot.store.transaction() as tx:
            counts = tx.outbox_counts()
        if counts.get("sent", 0) >= expected or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def test_twilio_429_500_timeouts_and_resets_at_random(db_url: str) -> None:
    rows = 200
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        twilio = TwilioTransport(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number="+12135550100",
            api_base_url=fake.url,
            timeout=0.5,
        )
        bot = make_bot(db_url, transport=twilio)
        bodies = fill_outbox(bot.store, rows, prefix="chaos")
        fake.random_faults(0.3, seed=9, delay=0.8)  # "timeout": accepted, answered after the client gave up
        config = DispatcherConfig(**FAST_RETRIES, stale_after=timedelta(seconds=5))  # type: ignore[arg-type]
        dispatcher = Dispatcher(bot.store, twilio, config, "chaos-worker")
        with running(dispatcher) as thread:
            counts = wait_for_sent(bot, rows, timeout=150)
            alive = thread.is_alive()
        received = [m.body for m in fake.messages]
        injected = fake.injected()
        bot.close()
    result = delivery(bodies, received)
    print(f"\ntwilio faults {injected}: {result.line('sms')}")
    assert sum(injected.get(kind, 0) for kind in ("429", "500", "timeout", "reset")) > 20
    assert injected.get("timeout", 0) > 0 and injected.get("reset", 0) > 0
    assert alive
    assert counts == {"sent": rows}
    assert (result.sent, result.duplicated, result.missing) == (rows, 0, 0)


def test_slack_rate_limits_and_server_errors_at_random(db_url: str) -> None:
    notices = 40
    with FakeSlack("xoxb-fault-test") as slack:
        bot = make_bot(
            db_url,
            slack_bot_token="xoxb-fault-test",
            slack_signing_secret="fault-test-secret",
            slack_api_url=slack.url,
            slack_concerns_channel="CSTAFF",
        )
        texts = [f"staff notice {n}" for n in range(notices)]
        with bot.store.transaction() as tx:
            for n, text in enumerate(texts):
                tx.enqueue(
                    key=f"n{n}", to_address="CSTAFF", body=notice_body(text), contact_id=None, channel="slack"
                )
        slack.random_faults(0.3, seed=4, retry_after=1)
        config = DispatcherConfig(**FAST_RETRIES)  # type: ignore[arg-type]
        dispatcher = Dispatcher(
            bot.store, bot.transport, config, "slack-worker", {"slack": (bot.slack_transport, 100.0)}
        )
        with running(dispatcher) as thread:
            counts = wait_for_sent(bot, notices, timeout=90)
            alive = thread.is_alive()
        posted = [str(m.get("text")) for m in slack.state.messages.values()]
        injected = slack.injected()
        bot.close()
    result = delivery(texts, posted)
    print(f"\nslack faults {injected}: {result.line('slack')}")
    assert injected.get("429", 0) > 0 and injected.get("500", 0) > 0
    assert alive
    assert counts == {"sent": notices}
    assert (result.sent, result.duplicated, result.missing) == (notices, 0, 0)
