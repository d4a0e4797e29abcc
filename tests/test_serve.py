"""`outreach serve` end to end: a real server process, real HTTP, the real twilio client."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.store import Store
from bot.store.db import build_engine
from tests.fixtures.fake_twilio import FakeTwilio
from tests.fixtures.processes import OUTREACH, clean_env, free_port, wait_healthy
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN, signature, sms_form

pytestmark = pytest.mark.slow


@pytest.fixture
def server(db_url: str) -> Iterator[tuple[str, FakeTwilio, str]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        env = clean_env(
            DATABASE_URL=db_url,
            PUBLIC_BASE_URL=base,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_FROM_NUMBER="+12135550100",
            TWILIO_API_BASE_URL=fake.url,
            SENDER_MESSAGES_PER_SECOND="50",
        )
        process = subprocess.Popen(
            [OUTREACH, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_healthy(base, process)
            yield base, fake, db_url
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_serve_answers_signed_sms_and_drains_the_outbox(server: tuple[str, FakeTwilio, str]) -> None:
    base, fake, db_url = server
    form = sms_form("+12135550600", "Hello, when does the office open today?", "SMserve1")
    headers = {"X-Twilio-Signature": signature("/twilio/sms", form, base=base)}
    response = httpx.post(f"{base}/twilio/sms", data=form, headers=headers, timeout=10)
    assert response.status_code == 200
    assert "The office is open Mon-Fri 7:30 AM - 4:00 PM." in response.text

    store = Store(build_engine(db_url, pool_size=1))
    with store.transaction() as tx:
        contact = tx.contact_by_phone("+12135550600")
        assert contact is not None
        tx.enqueue(
            key="serve-test", to_address=contact.phone, body="Family night is Friday!", contact_id=contact.id
        )
    deadline = time.monotonic() + 15
    while not fake.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    store.dispose()
    assert [(m.to, m.body) for m in fake.messages] == [("+12135550600", "Family night is Friday!")]
    assert fake.messages[0].status_callback == f"{base}/twilio/status"


def test_serve_with_two_workers_answers_counts_and_drains(db_url: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        env = clean_env(
            DATABASE_URL=db_url,
            PUBLIC_BASE_URL=base,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_FROM_NUMBER="+12135550100",
            TWILIO_API_BASE_URL=fake.url,
            SENDER_MESSAGES_PER_SECOND="50",
        )
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        process = subprocess.Popen(
            [OUTREACH, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_healthy(base, process)
            for n in range(6):
                form = sms_form(f"+1213555070{n}", "when does the office open", f"SMworkers{n}")
                headers = {"X-Twilio-Signature": signature("/twilio/sms", form, base=base)}
                response = httpx.post(f"{base}/twilio/sms", data=form, headers=headers, timeout=10)
                assert response.status_code == 200 and "office is open" in response.text
            metrics = httpx.get(f"{base}/metrics", timeout=10).text  # the sum over both workers
            assert 'outreach_inbound_total{channel="sms",outcome="answered"} 6.0' in metrics
            store = Store(build_engine(db_url, pool_size=1))
            with store.transaction() as tx:
                tx.enqueue(key="workers", to_address="+12135550700", body="Bulk hello", contact_id=None)
            store.dispose()
            deadline = time.monotonic() + 15
            while not fake.messages and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [m.body for m in fake.messages] == ["Bulk hello"]  # the supervisor's dispatcher
        finally:
            process.terminate()
            process.wait(timeout=30)
